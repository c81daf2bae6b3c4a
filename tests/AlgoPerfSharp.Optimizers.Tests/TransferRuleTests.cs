using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transfer;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;
using static AlgoPerfSharp.Contracts.ParameterRole;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>Width-transfer rule tables against hand-computed multipliers, and the engine's per-parameter scales against closed forms.</summary>
public sealed class TransferRuleTests
{
    private const double Tol = 1e-12;

    // (role, fan-in, fan-out, base fan-in, base fan-out, width, base width, depth, base depth)
    private static WidthMetadata W(ParameterRole role, int fanIn, int fanOut, int baseFanIn, int baseFanOut, int width = 256, int baseWidth = 64, int depth = 2, int baseDepth = 2) =>
        new(role, fanIn, fanOut, baseFanIn, baseFanOut, width, baseWidth, role == Embedding ? 0 : 1, depth, baseDepth);

    private static void Near(TransferMultipliers expected, TransferMultipliers actual)
    {
        Assert.Equal(expected.LearningRate, actual.LearningRate, Tol);
        Assert.Equal(expected.WeightDecay, actual.WeightDecay, Tol);
        Assert.Equal(expected.Epsilon, actual.Epsilon, Tol);
    }

    [Fact]
    public void AdamScalesEtaByOneOverFanInAndEpsByOneOverFanOut()
    {
        // Width 256 over base 64: hidden η ×1/4, ε ×1/4; embedding (V 256 fixed) η ×1, ε ×1/4; readout η ×1/4, ε ×1; decay ×1/4.
        Near(new(0.25, 0.25, 0.25), TransferRules.Adam.For(W(Hidden, 256, 256, 64, 64)));
        Near(new(1, 0.25, 0.25), TransferRules.Adam.For(W(Embedding, 256, 256, 256, 64)));
        Near(new(0.25, 0.25, 1), TransferRules.Adam.For(W(Readout, 256, 256, 64, 256)));
        Near(new(1, 0.25, 0.25), TransferRules.Adam.For(W(NormOrBias, 1, 256, 1, 64)));
        Near(TransferMultipliers.Identity, TransferRules.Adam.For(W(Hidden, 64, 192, 64, 192, width: 64)));
    }

    [Fact]
    public void SgdScalesByFanOutOverFanInTimesDepthOnTheBulk()
    {
        Near(new(4, 0.25, 1), TransferRules.Sgd.For(W(Embedding, 256, 256, 256, 64)));
        Near(new(0.25, 0.25, 1), TransferRules.Sgd.For(W(Readout, 256, 256, 64, 256)));
        Near(new(2, 0.25, 1), TransferRules.Sgd.For(W(Hidden, 256, 256, 64, 64, depth: 4)));   // N = 4/2 on the bulk
        Near(new(4, 0.25, 1), TransferRules.Sgd.For(W(NormOrBias, 1, 256, 1, 64, depth: 4))); // no N off the bulk
    }

    [Fact]
    public void MuonScalesByRootFanOutOverFanInNetOfItsOwnShapeFactor()
    {
        Near(new(1, 0.25, 1), TransferRules.Muon.For(W(Hidden, 256, 768, 64, 192)));
        // Input layer 784 → 1568 (base 784 → 64): √(24.5) · max(1, 64/784)^½ / max(1, 1568/784)^½ = 4.9497 / √2 = 3.5.
        Near(new(3.5, 64.0 / 1568, 1), TransferRules.Muon.For(W(Embedding, 784, 1568, 784, 64, width: 1568)));
    }

    [Fact]
    public void ShampooUsesTheBlockCountsAndOneSidedExponentForVectors()
    {
        var table = TransferRules.Shampoo(blockSize: 128);
        // Hidden 256² (base 64²): E = ½; (1)^(½)·(2·2)^(−½) = ½.
        Near(new(0.5, 0.25, 1), table.For(W(Hidden, 256, 256, 64, 64)));
        // Embedding 256 → 256 (base 256 → 64): 4^(½)·(1·2)^(−½) = √2.
        Near(new(Math.Sqrt(2), 0.25, 1), table.For(W(Embedding, 256, 256, 256, 64)));
        // Vector 1 → 256 (base 64): E = ¼: 4^(¾)·2^(−¼) = 2^1.25.
        Near(new(Math.Pow(2, 1.25), 0.25, 1), table.For(W(NormOrBias, 1, 256, 1, 64)));
        // Depth on the bulk: E = ½ makes N^(1−2E) = 1; with k = ½ (Shampoo²) E = 1: N^(−1)·(d_out/d_in)^0·(n_in n_out)^(−1).
        Near(new(0.5 * 0.25, 0.25, 1), TransferRules.Shampoo(128, k: 0.5).For(W(Hidden, 256, 256, 64, 64, depth: 4)));
    }

    /// <summary>
    /// Issue 16's bad input "widths that don't divide block sizes": stated behaviour, not an error — a partial block counts
    /// as a block (⌈n/b⌉), as the Shampoo engine blocks a side.
    /// </summary>
    [Fact]
    public void AWidthThatIsNotAMultipleOfTheBlockSizeCountsItsPartialBlock()
    {
        // Hidden 128² over 64², blocks of 48: ⌈128/48⌉ = 3 and ⌈64/48⌉ = 2 per side, (1.5·1.5)^(−½) = 2/3; decay 64/128.
        Assert.Equal(1.5, TransferRules.BlockRatio(128, 64, 48), Tol);
        Near(new(2.0 / 3, 0.5, 1), TransferRules.Shampoo(blockSize: 48).For(W(Hidden, 128, 128, 64, 64, width: 128)));
        // A block larger than both widths: one block each, so only the shape term, (96/96)^(½) = 1; decay 64/96.
        Near(new(1, 64.0 / 96, 1), TransferRules.Shampoo(blockSize: 128).For(W(Hidden, 96, 96, 64, 64, width: 96)));
    }

    [Fact]
    public void SoapPicksTheFormulaOfTheSidesItRotates()
    {
        var both = TransferRules.Soap(10_000);
        Near(new(1, 0.25, 1), both.For(W(Hidden, 256, 256, 64, 64)));
        Near(new(0.5, 0.25, 1), both.For(W(Readout, 256, 256, 64, 256)));
        var small = TransferRules.Soap(100);
        Near(new(1 / Math.Sqrt(2), 0.25, 1), small.For(W(Hidden, 50, 400, 25, 100)));             // input side only: d_in^(−½)
        Near(new(Math.Sqrt(2) / 4, 0.25, 1), small.For(W(Hidden, 400, 50, 100, 25)));             // output side only: √d_out / d_in = √2 / 4
        Near(new(1.0 / 4, 0.25, 1), small.For(W(Hidden, 400, 400, 100, 100)));                    // neither: Adam's 1/d_in
        Near(new(1, 0.25, 1), both.For(W(NormOrBias, 1, 256, 1, 64)));                            // vectors: unrotated Adam
    }

    [Fact]
    public void ATableMissingARoleIsAOneLineError()
    {
        var rules = new Dictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>>
        {
            [Embedding] = _ => TransferMultipliers.Identity,
            [Hidden] = _ => TransferMultipliers.Identity,
            [NormOrBias] = _ => TransferMultipliers.Identity,
        };
        var e = Assert.Throws<ArgumentException>(() => new TransferRuleTable("mine", rules));
        Assert.StartsWith("transfer rule table 'mine' has no rule for role Readout; give every ParameterRole a formula", e.Message);
    }

    [Fact]
    public void AParameterWithoutWidthMetadataIsAOneLineError()
    {
        var p = Fixtures.Param("w", [1.0, 2.0]);
        var e = Assert.Throws<ArgumentException>(() => new AdamW().Multipliers(p, Hyperparameters.Empty));
        Assert.StartsWith("parameter 'w' has no width metadata; width transfer needs a width-ladder workload", e.Message);
        p.Tensor.Dispose();
    }

    [Fact]
    public void AlgorithmsPickTheirTable()
    {
        var hidden = new ModelParameter("h", Tensor.Zeros([2, 2]), ParameterType.Weight) { Width = W(Hidden, 256, 256, 64, 64) };
        var table = new ModelParameter("e", Tensor.Zeros([2, 2]), ParameterType.Embedding) { Width = W(Embedding, 256, 256, 256, 64) };
        Near(new(1, 0.25, 1), new Muon().Multipliers(hidden, Hyperparameters.Empty));      // orthogonalised side
        Near(new(1, 0.25, 0.25), new Muon().Multipliers(table, Hyperparameters.Empty));    // Adam side
        Near(new(0.25, 0.25, 0.25), new Shampoo().Multipliers(hidden, Hyperparameters.Empty)); // Adam grafting (default) follows Adam
        var ungrafted = new Hyperparameters(new Dictionary<string, object> { ["grafting"] = "none", ["max_preconditioner_dim"] = 128 });
        Near(new(0.5, 0.25, 1), new Shampoo().Multipliers(hidden, ungrafted));
        Assert.IsNotAssignableFrom<ITransferRule>(new ScheduleFreeAdamW());
        hidden.Tensor.Dispose();
        table.Tensor.Dispose();
    }

    [Fact]
    public void AdamWithMultipliersMatchesAFloat64ReferenceFusedAndUnfused()
    {
        TransferMultipliers[] m = [new(0.25, 0.5, 4), new(1, 1, 1)];
        foreach (bool fused in new[] { true, false })
        {
            var w = Fixtures.Param("w", [0.5, -1.0, 2.0]);
            var b = Fixtures.Param("b", [0.1, 0.2], ParameterType.Bias);
            ModelParameter[] ps = [w, b];
            var recipe = new Chain(new ScaleByAdam(0.9, 0.99, 1e-3), new AddDecayedWeights(0.1), new ScaleByLearningRate(new ConstantSchedule(0.01))) { AllowFusion = fused };
            using var opt = new TransformOptimizer(ps, recipe, multipliers: m);
            double[][] refW = [[0.5, -1.0, 2.0], [0.1, 0.2]], mom = [new double[3], new double[2]], vel = [new double[3], new double[2]];
            for (int t = 1; t <= 3; t++)
            {
                double[][] g = [[0.3 * t, -0.2, 0.05 * t * t], [-0.4, 0.1 * t]];
                Fixtures.SetGrad(w, g[0]);
                Fixtures.SetGrad(b, g[1]);
                opt.Step();
                for (int k = 0; k < 2; k++)
                {
                    for (int i = 0; i < refW[k].Length; i++)
                    {
                        mom[k][i] = 0.9 * mom[k][i] + 0.1 * g[k][i];
                        vel[k][i] = 0.99 * vel[k][i] + 0.01 * g[k][i] * g[k][i];
                        double update = mom[k][i] / (1 - Math.Pow(0.9, t)) / (Math.Sqrt(vel[k][i] / (1 - Math.Pow(0.99, t))) + 1e-3 * m[k].Epsilon);
                        refW[k][i] -= 0.01 * m[k].LearningRate * update + 0.01 * 0.1 * m[k].WeightDecay * refW[k][i];
                    }
                }
            }

            Assert.Equal(refW[0], Fixtures.Values(w), (x, y) => Math.Abs(x - y) < 1e-12);
            Assert.Equal(refW[1], Fixtures.Values(b), (x, y) => Math.Abs(x - y) < 1e-12);
            w.Tensor.Dispose();
            b.Tensor.Dispose();
        }
    }

    /// <summary>
    /// Multipliers (m_η = 2.5, m_λ = 1) must equal running the algorithm at η·2.5 and λ/2.5: the learning rate scales and
    /// the decay η·λ stays, through every hook (fused Adam, the Shampoo family's fused direction, SOAP's decay after the
    /// step, Muon's partition, SGD's decay before momentum).
    /// </summary>
    [Theory]
    [InlineData("adamw", new[] { "learning_rate" }, "weight_decay")]
    [InlineData("nadamw", new[] { "learning_rate" }, "weight_decay")]
    [InlineData("sgd_nesterov", new[] { "learning_rate" }, "weight_decay")]
    [InlineData("shampoo", new[] { "learning_rate" }, "weight_decay")]
    [InlineData("soap", new[] { "learning_rate" }, "weight_decay")]
    [InlineData("muon", new[] { "learning_rate", "adam_learning_rate" }, "weight_decay", "adam_weight_decay")]
    public void LearningRateMultiplierEqualsScaledLearningRateWithDecayHeld(string name, string[] lrKeys, params string[] decayKeys)
    {
        ITrainingAlgorithm algorithm = name switch
        {
            "adamw" => new AdamW(),
            "nadamw" => new NAdamW(),
            "sgd_nesterov" => new SgdNesterov(),
            "shampoo" => new Shampoo(),
            "soap" => new Soap(),
            _ => new Muon(),
        };
        var baseValues = new Dictionary<string, object>(StringComparer.Ordinal) { ["lr_schedule"] = "constant" };
        foreach (var k in lrKeys) baseValues[k] = 0.01;
        foreach (var k in decayKeys) baseValues[k] = 0.2;
        var scaledValues = new Dictionary<string, object>(baseValues);
        foreach (var k in lrKeys) scaledValues[k] = 0.01 * 2.5;
        foreach (var k in decayKeys) scaledValues[k] = 0.2 / 2.5;
        double[] viaMultipliers = Run(algorithm, new Hyperparameters(baseValues), new TransferMultipliers(2.5, 1, 1));
        double[] viaHyperparameters = Run(algorithm, new Hyperparameters(scaledValues), null);
        Assert.Equal(viaHyperparameters, viaMultipliers, (x, y) => Math.Abs(x - y) < 1e-10);
    }

    private static double[] Run(ITrainingAlgorithm algorithm, Hyperparameters h, TransferMultipliers? all)
    {
        using var gen = new Generator(11);
        ModelParameter[] ps =
        [
            new("w", DisposeScope.Detach(Tensor.RandN([6, 4], gen, DType.Float64)).RequiresGradInPlace(), ParameterType.Weight),
            new("e", DisposeScope.Detach(Tensor.RandN([5, 4], gen, DType.Float64)).RequiresGradInPlace(), ParameterType.Embedding),
            new("b", DisposeScope.Detach(Tensor.RandN([6], gen, DType.Float64)).RequiresGradInPlace(), ParameterType.Bias),
        ];
        var context = new AlgorithmInitContext(ps, h, Fixtures.Workload(), 0) { Multipliers = all is { } m ? [m, m, m] : null };
        using (var run = (TransformRun)algorithm.Init(context))
        {
            for (int s = 0; s < 4; s++)
            {
                using var scope = new DisposeScope();
                foreach (var p in ps) p.Tensor.Grad = Tensor.RandN(p.Tensor.Shape, gen, DType.Float64);
                run.Optimizer.Step();
            }
        }

        var values = ps.SelectMany(p => p.Tensor.ToArray<double>()).ToArray();
        foreach (var p in ps) p.Tensor.Dispose();
        return values;
    }
}
