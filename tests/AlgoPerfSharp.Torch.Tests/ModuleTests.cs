using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// The module system: registration, names, counts, state dicts, modes, ownership, and default/explicit initialisers
/// against PyTorch 1.13 (numbers printed by <c>/usr/bin/python3 tests/reference/nn_reference.py</c>).
/// </summary>
public sealed class ModuleTests
{
    /// <summary>conv → bn → relu → pool → flatten → head (Sequential of Linear, Relu, Linear).</summary>
    private sealed class TinyNet : Module
    {
        public TinyNet(Generator? g = null)
        {
            Conv = RegisterModule("conv", new Conv2d(1, 4, 3, padding: 1, generator: g));
            Bn = RegisterModule("bn", new BatchNorm2d(4));
            Head = RegisterModule("head", new Sequential(new Linear(4 * 2 * 2, 8, generator: g), new Relu(), new Linear(8, 3, generator: g)));
        }

        public Conv2d Conv { get; }

        public BatchNorm2d Bn { get; }

        public Sequential Head { get; }

        // x (N, 1, 4, 4) → (N, 3)
        public override Tensor Forward(Tensor input)
        {
            using var scope = new DisposeScope();
            var h = Functional.MaxPool2d(Bn.Forward(Conv.Forward(input)).Relu(), 2); // (N, 4, 2, 2)
            return DisposeScope.MoveToOuter(Head.Forward(h.Reshape(h.Size(0), -1)));
        }
    }

    private sealed class Named : Module
    {
        public void Add(string name) => RegisterParameter(name, Tensor.Zeros([1]));
    }

    [Fact]
    public void ParameterCountsMatchPyTorch()
    {
        using var lin = new Linear(3, 4);
        Assert.Equal(16, lin.ParameterCount);
        using var linNoBias = new Linear(3, 4, bias: false);
        Assert.Equal(12, linNoBias.ParameterCount);
        using var conv = new Conv2d(1, 32, 3, bias: false);
        Assert.Equal(288, conv.ParameterCount);
        using var convBias = new Conv2d(3, 8, 3);
        Assert.Equal((3 * 8 * 9) + 8, convBias.ParameterCount);
        using var grouped = new Conv2d(4, 8, (3, 1), groups: 2);
        Assert.Equal(new long[] { 8, 2, 3, 1 }, grouped.Weight.Shape);
        Assert.Equal((8 * 2 * 3) + 8, grouped.ParameterCount);
        using var bn = new BatchNorm2d(8);
        Assert.Equal(16, bn.ParameterCount);
        Assert.Equal(3, bn.NamedBuffers().Count());
        using var ln = new LayerNorm(10);
        Assert.Equal(20, ln.ParameterCount);
        using var rms = new RmsNorm(6);
        Assert.Equal(6, rms.ParameterCount);
        using var emb = new Embedding(10, 4);
        Assert.Equal(40, emb.ParameterCount);
        using var net = new TinyNet();
        Assert.Equal((36 + 4) + (4 + 4) + ((16 * 8) + 8) + ((8 * 3) + 3), net.ParameterCount);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 8, 3, groups: 2));
    }

    [Fact]
    public void NamesAreDottedAndOrderedLikePyTorch()
    {
        using var net = new TinyNet();
        Assert.Equal(
            ["conv.weight", "conv.bias", "bn.weight", "bn.bias", "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"], net.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["conv", "bn", "head"], net.NamedChildren().Select(c => c.Name));
        Assert.Equal(["", "conv", "bn", "head", "head.0", "head.1", "head.2"], net.NamedModules().Select(m => m.Name));
        using var scope = new DisposeScope();
        Assert.Equal(
            ["conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
             "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"],
            net.StateDict().Keys);
        Assert.Contains("(head): Sequential(", net.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RegistrationRejectsDuplicateAndDottedNames()
    {
        using var m = new Named();
        m.Add("a");
        Assert.Throws<ArgumentException>(() => m.Add("a"));
        Assert.Throws<ArgumentException>(() => m.Add("b.c"));
        Assert.Throws<ArgumentException>(() => m.Add(string.Empty));
        Assert.Single(m.Parameters());
    }

    [Fact]
    public void DefaultInitialisationMatchesPyTorchForTheSameSeed()
    {
        // PyTorch: torch.manual_seed(5); nn.Linear(3, 2) / nn.Conv2d(1, 2, 2) / nn.Embedding(3, 2).
        using (var g = new Generator(5))
        using (var lin = new Linear(3, 2, generator: g))
        {
            TestUtil.AssertClose([0.38134199380874634, -0.43172991275787354, 0.4705054759979248, 0.3694199025630951, 0.4850936532020569, -0.44265997409820557], lin.Weight, 0);
            TestUtil.AssertClose([-0.3875272870063782, 0.27472564578056335], lin.Bias!, 0);
        }

        using (var g = new Generator(5))
        using (var conv = new Conv2d(1, 2, 2, generator: g))
        {
            TestUtil.AssertClose([0.33025187253952026, -0.37388908863067627, 0.4074696898460388, 0.31992703676223755, 0.42010343074798584, -0.3833547830581665, -0.33560848236083984, 0.2379193902015686], conv.Weight, 0);
            TestUtil.AssertClose([-0.4667353630065918, 0.4941847324371338], conv.Bias!, 0);
        }

        using (var g = new Generator(5))
        using (var emb = new Embedding(3, 2, g))
        {
            TestUtil.AssertClose([-0.4867807626724243, -0.6038215756416321, -0.5580962300300598, 0.6675242781639099, -0.19741509854793549, 1.9427834749221802], emb.Weight, 0);
        }
    }

    [Fact]
    public void InitialisersMatchPyTorchForTheSameSeed()
    {
        // PyTorch: torch.manual_seed(3) before each nn.init call.
        using (var g = new Generator(3))
        using (var t = Tensor.Empty([6]))
        {
            Init.TruncatedNormal(t, std: 0.5, a: -1, b: 1, generator: g);
            TestUtil.AssertClose([-0.9648689031600952, -0.5787941217422485, -0.2685681879520416, -0.8298941850662231, -0.03398354724049568, -0.702095091342926], t, 0);
        }

        using (var g = new Generator(3))
        using (var t = Tensor.Empty([3, 4]))
        {
            Init.KaimingNormal(t, nonlinearity: Nonlinearity.Relu, generator: g);
            TestUtil.AssertClose([0.5680019855499268, 0.12362587451934814, 0.06291701644659042, -0.43396416306495667, 0.032655924558639526, -0.9675053358078003, 0.23864507675170898, 0.714966893196106, -1.0148249864578247, 0.6911486387252808, 0.36914506554603577, 0.8753392696380615], t, 0);
        }

        using (var g = new Generator(3))
        using (var t = Tensor.Empty([3, 4]))
        {
            Init.XavierUniform(t, gain: 2, generator: g);
            TestUtil.AssertClose([-1.8358511924743652, -1.460687279701233, -0.7930853366851807, -1.7518188953399658, -0.1051199808716774, -1.6290127038955688, 1.0067955255508423, 0.9024870991706848, 0.3496682047843933, 1.4363420009613037, -0.18134473264217377, 1.1090978384017944], t, 0);
        }
    }

    [Fact]
    public void InitialiserStatisticsFollowTheirFormulas()
    {
        using var g = new Generator(11);
        // Kaiming-uniform, fan_in = 50 (out 400, in 5, k 10), ReLU: bound = √2·√(3/50).
        using var w = Tensor.Empty([400, 5, 10]);
        Init.KaimingUniform(w, nonlinearity: Nonlinearity.Relu, generator: g);
        var v = w.ToArray<float>();
        double bound = Math.Sqrt(2) * Math.Sqrt(3.0 / 50);
        Assert.All(v, x => Assert.InRange(x, -bound, bound));
        Assert.InRange(v.Max(), bound * 0.99, bound); // 20,000 samples reach the edge
        // fan_out mode: fan = 400·10 = 4000, normal std = √2/√4000.
        Init.KaimingNormal(w, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: g);
        v = w.ToArray<float>();
        double std = Math.Sqrt(v.Select(x => (double)x * x).Average());
        Assert.Equal(Math.Sqrt(2.0 / 4000), std, Math.Sqrt(2.0 / 4000) * 0.03);
        // Truncated normal N(1, 2²) on [0, 3]: all inside, and the mean is 1 + 2·(φ(−0.5) − φ(1)) / (Φ(1) − Φ(−0.5)).
        Init.TruncatedNormal(w, mean: 1, std: 2, a: 0, b: 3, generator: g);
        v = w.ToArray<float>();
        Assert.All(v, x => Assert.InRange(x, 0f, 3f));
        var normal = new MathNet.Numerics.Distributions.Normal();
        double expectedMean = 1 + (2 * (normal.Density(-0.5) - normal.Density(1)) / (normal.CumulativeDistribution(1) - normal.CumulativeDistribution(-0.5)));
        Assert.Equal(expectedMean, v.Average(x => (double)x), 0.02);
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2.0 / (1 + (0.01 * 0.01))), Init.CalculateGain(Nonlinearity.LeakyRelu));
        Assert.Equal((50L, 4000L), Init.CalculateFanInAndFanOut(w));
        using (var p = new Parameter(Tensor.Empty([2, 2])))
        {
            Init.Ones(p); // works on a leaf that requires grad (no autograd recording)
            TestUtil.AssertClose([1, 1, 1, 1], p, 0);
            Assert.True(p.RequiresGrad);
        }
    }

    [Fact]
    public void StateDictRoundTripCopiesValuesIntoAnotherModel()
    {
        using var ga = new Generator(1);
        using var gb = new Generator(2);
        using var a = new TinyNet(ga);
        using var b = new TinyNet(gb);
        using var x = Tensor.RandN([2, 1, 4, 4], ga);
        a.Train();
        using (var warm = new DisposeScope())
        {
            a.Forward(x); // moves a's running statistics away from their initial values
        }

        a.Eval();
        b.Eval();
        using var scope = new DisposeScope();
        var before = b.Forward(x).ToArray<float>();
        var expected = a.Forward(x).ToArray<float>();
        Assert.NotEqual(expected, before);
        var result = b.LoadStateDict(a.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(expected, b.Forward(x).ToArray<float>());
        Assert.Equal(1L, b.Bn.NumBatchesTracked!.ToInt64());

        // Copied, not aliased: changing a afterwards leaves b alone.
        using (Autograd.NoGrad()) a.Conv.Weight.Data.AddInPlace(1.0);
        Assert.Equal(expected, b.Forward(x).ToArray<float>());
    }

    [Fact]
    public void LoadStateDictReportsMissingAndUnexpectedKeysAndRejectsShapeMismatchesAtomically()
    {
        using var model = new Sequential(new Linear(3, 4), new Relu(), new Linear(4, 2));
        using var scope = new DisposeScope();
        var sd = model.StateDict();
        sd.Remove("2.bias");
        sd["extra.weight"] = Tensor.Zeros([1]);
        var ex = Assert.Throws<ArgumentException>(() => model.LoadStateDict(sd));
        Assert.Contains("missing key(s): '2.bias'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected key(s): 'extra.weight'", ex.Message, StringComparison.Ordinal);

        var loose = model.LoadStateDict(sd, strict: false);
        Assert.Equal(["2.bias"], loose.MissingKeys);
        Assert.Equal(["extra.weight"], loose.UnexpectedKeys);

        // A shape mismatch always throws, and nothing is copied (0.weight comes before the bad entry).
        var full = model.StateDict();
        var before = ((Linear)model[0]).Weight.Data.ToArray<float>();
        full["0.weight"] = Tensor.Zeros([4, 3]);
        full["2.weight"] = Tensor.Zeros([2, 5]);
        var shapeEx = Assert.Throws<ArgumentException>(() => model.LoadStateDict(full, strict: false));
        Assert.Contains("size mismatch for '2.weight': the state dict has [2, 5], the module has [2, 4]", shapeEx.Message, StringComparison.Ordinal);
        Assert.Equal(before, ((Linear)model[0]).Weight.Data.ToArray<float>());
    }

    [Fact]
    public void TrainAndEvalSwitchBatchNormAndDropoutRecursively()
    {
        using var g = new Generator(3);
        using var bn = new BatchNorm2d(2, momentum: 0.5);
        using var model = new Sequential(bn, new Dropout(0.5, g));
        using var scope = new DisposeScope();
        // Channel 0 = {1, 3}, channel 1 = {10, 30}.
        using var x = Tensor.From<float>([1, 10, 3, 30], [2, 2, 1, 1]);

        Assert.True(model.IsTraining && model[0].IsTraining && model[1].IsTraining);
        model.Eval();
        Assert.False(model[0].IsTraining || model[1].IsTraining);
        // Evaluation: running stats (0, 1) make BN the identity (up to eps) and dropout is the identity.
        TestUtil.AssertClose([1, 10, 3, 30], model.Forward(x), 1e-3);
        Assert.Equal(0L, bn.NumBatchesTracked!.ToInt64());

        model.Train();
        using var bnOnly = bn.Forward(x); // training BN alone: batch statistics → ±1
        TestUtil.AssertClose([-1, -1, 1, 1], bnOnly, 1e-3);
        // running = 0.5·old + 0.5·batch (unbiased var of {1, 3} = 2, of {10, 30} = 200).
        TestUtil.AssertClose([0.5 * 2, 0.5 * 20], bn.RunningMean!, 1e-6);
        TestUtil.AssertClose([(0.5 * 1) + (0.5 * 2), (0.5 * 1) + (0.5 * 200)], bn.RunningVar!, 1e-4);
        Assert.Equal(1L, bn.NumBatchesTracked!.ToInt64());

        // Training dropout zeroes some of the ±1 values and doubles the rest.
        var dropped = model.Forward(x).ToArray<float>();
        Assert.All(dropped, v => Assert.Contains(MathF.Round(Math.Abs(v), 2), new[] { 0f, 2f }));
        Assert.Equal(2L, bn.NumBatchesTracked!.ToInt64());
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        using var model = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
        using var scope = new DisposeScope();
        model.Forward(Tensor.Ones([5, 3])).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void ModelsSurviveTheirConstructionScopeAndDisposeReleasesEverything()
    {
        long baseline = TestUtil.SettledLiveTensors();
        TinyNet net;
        using (var scope = new DisposeScope())
        {
            net = new TinyNet();
        }

        Assert.All(net.Parameters(), p => Assert.False(p.IsDisposed));
        Assert.Equal(baseline + 8 + 3, TorchRuntime.LiveTensors); // 8 parameters and 3 buffers, nothing else
        using (var step = new DisposeScope())
        {
            net.Forward(Tensor.RandN([2, 1, 4, 4])).Sum().Backward();
        }

        net.ZeroGrad();
        net.Dispose();
        Assert.All(net.Parameters(), p => Assert.True(p.IsDisposed));
        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
    }

    [Fact]
    public void ParametersCarryTagsLeaveTheirScopeAndRejectNonLeaves()
    {
        Parameter p;
        using (var inner = new DisposeScope())
        {
            p = new Parameter(Tensor.Zeros([2]), tag: "norm");
            Assert.Equal(0, inner.Count); // the parameter's tensor left the scope
        }

        Assert.False(p.IsDisposed);
        Assert.Equal("norm", p.Tag);
        Assert.True(p.RequiresGrad);
        using var leaf = Tensor.Ones([2]).RequiresGradInPlace();
        using var product = leaf * 2;
        Assert.Throws<ArgumentException>(() => new Parameter(product));
        using var ints = Tensor.Zeros([2], DType.Int64);
        Assert.Throws<ArgumentException>(() => new Parameter(ints));
        p.Dispose();
        Assert.True(p.IsDisposed);
    }
}
