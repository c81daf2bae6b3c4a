using AlgoPerfSharp.Torch.Native;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>
/// Moving tensors and modules in place: <see cref="Tensor.SetData"/> (libtorch's <c>set_data</c>, PyTorch's
/// <c>t.data = x</c>) and <see cref="Module.To(Device)"/>. No GPU is reachable here, so the replacement a move to a GPU
/// performs is exercised with CPU copies (<see cref="Module.ReplaceData"/>, which <c>To</c> calls with a device move),
/// and <c>To(Device.Cpu)</c> is checked to be the identity. PyTorch 1.13 agrees on the libtorch rules checked below:
/// <c>t = torch.zeros(2, 3, requires_grad=True); t.data = torch.tensor([1., 2, 3, 4], dtype=torch.float64)</c> leaves a
/// float64 leaf of size [4] that requires grad; <c>t.data = torch.tensor([1, 2])</c> raises "data set to a tensor that
/// requires gradients must be floating point or complex dtype".
/// </summary>
public sealed class DeviceMoveTests
{
    /// <summary>A Linear child, a persistent buffer and a non-persistent one: x (N, 3) → fc(x) ⊙ scale + table (N, 2).</summary>
    private sealed class Net : Module
    {
        public Net(Generator g)
        {
            Fc = RegisterModule("fc", new Linear(3, 2, generator: g));
            Scale = RegisterBuffer("scale", Tensor.From<float>([2f, -1f]));
            Table = RegisterBuffer("table", Tensor.From<float>([0.5f, 0.25f]), persistent: false);
        }

        public Linear Fc { get; }

        public Tensor Scale { get; }

        public Tensor Table { get; }

        public override Tensor Forward(Tensor input) => (Fc.Forward(input) * Scale) + Table; // (N, 2)
    }

    private static Tensor Input() => Tensor.From<float>([1f, -2f, 0.5f, 3f, 0.25f, -1f], [2, 3]); // (2, 3)

    // Σ forward² on the fixed input, backward: accumulates into the parameters' gradients.
    private static void Backward(Net net)
    {
        using var scope = new DisposeScope();
        net.Forward(Input()).Square().Sum().Backward();
    }

    [Fact]
    public void SetDataReplacesTheDataAndKeepsTheTensor()
    {
        using var scope = new DisposeScope();
        var t = Tensor.From<float>([1f, 2f, 3f]).RequiresGradInPlace();
        var alias = t.Alias();
        var data = Tensor.From<float>([4f, 5f, 6f]);

        t.SetData(data);

        Assert.Equal([4f, 5f, 6f], t.ToArray<float>());
        Assert.True(t.RequiresGrad);
        Assert.True(t.IsLeaf);
        Assert.True(alias.IsSameAs(t));
        Assert.Equal([4f, 5f, 6f], alias.ToArray<float>()); // every handle sees the new data
        data.FillInPlace(7);                                   // nothing was copied: storage is shared
        Assert.Equal([7f, 7f, 7f], t.ToArray<float>());
        t.Mul(3.0).Sum().Backward();                           // autograd still reaches the leaf
        Assert.Equal([3f, 3f, 3f], t.Grad!.ToArray<float>());
    }

    [Fact]
    public void SetDataRefusesAnotherShapeOrDtypeAndChangesNothing()
    {
        using var scope = new DisposeScope();
        var t = Tensor.From<float>([1f, 2f, 3f]);

        var dtype = Assert.Throws<ArgumentException>(() => t.SetData(Tensor.From<double>([1.0, 2.0, 3.0])));
        var shape = Assert.Throws<ArgumentException>(() => t.SetData(Tensor.From<float>([1f, 2f])));

        Assert.Contains("this one is [3] Float32, the data [3] Float64", dtype.Message, StringComparison.Ordinal);
        Assert.Contains("this one is [3] Float32, the data [2] Float32", shape.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', dtype.Message);
        Assert.Equal([1f, 2f, 3f], t.ToArray<float>());
    }

    [Fact]
    public void TheNativeExportFollowsLibtorchOnDtypeAndShape()
    {
        using var scope = new DisposeScope();
        var t = Tensor.Zeros([2, 3]).RequiresGradInPlace();

        // another dtype and shape: accepted by libtorch (the managed SetData refuses it, since handles cache both)
        NativeMethods.Check(NativeMethods.ats_tensor_set_data(t.Handle, Tensor.From<double>([1.0, 2.0, 3.0, 4.0]).Handle));
        var fresh = t.Alias(); // a new handle reads the metadata afresh
        Assert.Equal(DType.Float64, fresh.DType);
        Assert.Equal([4L], fresh.Shape);
        Assert.True(fresh.RequiresGrad);
        Assert.True(fresh.IsLeaf);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], fresh.ToArray<double>());

        // integers into a tensor that requires grad: refused with libtorch's message, the data unchanged
        var e = Assert.Throws<TorchException>(() =>
            NativeMethods.Check(NativeMethods.ats_tensor_set_data(t.Handle, Tensor.From<long>([1L, 2L]).Handle)));
        Assert.Contains("data set to a tensor that requires gradients must be floating point or complex dtype", e.Message, StringComparison.Ordinal);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], t.Alias().ToArray<double>());
    }

    [Fact]
    public void ToTheCpuIsTheIdentity()
    {
        using var g = new Generator(11);
        using var net = new Net(g);
        Backward(net);
        using var scope = new DisposeScope();
        var state = net.StateDict(); // detached handles sharing storage with the module
        var parameters = net.Parameters().ToList();
        var values = parameters.Select(p => p.Data.ToArray<float>()).ToList();
        var grads = parameters.Select(p => p.Grad!.ToArray<float>()).ToList();
        var table = net.Table.ToArray<float>();

        Assert.Same(net, net.To(Device.Cpu));

        Assert.Equal(parameters, net.Parameters()); // the same Parameter objects, in order
        Assert.Equal(values, parameters.Select(p => p.Data.ToArray<float>()));
        Assert.Equal(grads, parameters.Select(p => p.Grad!.ToArray<float>()));
        Assert.Equal(table, net.Table.ToArray<float>());
        Assert.All(parameters, p => Assert.True(p.RequiresGrad && p.Data.IsLeaf && p.Data.Device.IsCpu));
        state["fc.weight"].FillInPlace(3); // nothing was copied: the state dict still writes through
        Assert.All(net.Fc.Weight.Data.ToArray<float>(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void ReplaceDataSwapsEveryParameterGradientAndBufferInPlace()
    {
        using var g = new Generator(12);
        using var net = new Net(g);
        Backward(net);
        using var scope = new DisposeScope();
        using var input = Input();
        var output = net.Forward(input).Detach().ToArray<float>();
        var parameters = net.Parameters().ToList();
        var values = parameters.Select(p => p.Data.ToArray<float>()).ToList();
        var grads = parameters.Select(p => p.Grad!.ToArray<float>()).ToList();
        // views of the old storage (new tensors, so they keep it when the module's tensors get new data)
        var oldData = parameters.Select(p => p.Data.Detach()).ToList();
        var oldGrads = parameters.Select(p => p.Grad!.Detach()).ToList();
        var oldScale = net.Scale.Detach();
        var oldTable = net.Table.Detach();
        int replaced = 0;

        net.ReplaceData(t =>
        {
            replaced++;
            return t.Clone(); // a copy on the same device stands in for a copy on a GPU
        });

        Assert.Equal(6, replaced); // weight, bias, their two gradients, scale and the non-persistent table
        foreach (var old in oldData.Concat(oldGrads).Append(oldScale).Append(oldTable)) old.FillInPlace(100);
        Assert.Equal(parameters, net.Parameters());
        Assert.Equal(values, parameters.Select(p => p.Data.ToArray<float>())); // the old storage is no longer theirs
        Assert.Equal(grads, parameters.Select(p => p.Grad!.ToArray<float>()));
        Assert.Equal([2f, -1f], net.Scale.ToArray<float>());
        Assert.Equal([0.5f, 0.25f], net.Table.ToArray<float>());
        Assert.All(parameters, p => Assert.True(p.RequiresGrad && p.Data.IsLeaf));
        Assert.Equal(output, net.Forward(input).Detach().ToArray<float>());

        // autograd accumulates into the replaced gradients: a second identical backward doubles them exactly
        Backward(net);
        Assert.Equal(grads.Select(a => a.Select(v => 2 * v).ToArray()), parameters.Select(p => p.Grad!.ToArray<float>()));
    }

    [Fact]
    public void NonPersistentBuffersAreOwnedAndListedButNotInTheStateDict()
    {
        using var g = new Generator(13);
        using var net = new Net(g);
        using var scope = new DisposeScope();
        Assert.Equal(["scale", "table"], net.NamedBuffers().Select(b => b.Name));
        var state = net.StateDict();
        Assert.Equal(["scale", "fc.weight", "fc.bias"], state.Keys); // the root module's own entries first, then its child's
        Assert.Empty(net.LoadStateDict(state).MissingKeys); // strict: the non-persistent table is not asked for
    }

    [Fact]
    public void MovingLeavesNoNativeTensorsBehind()
    {
        long baseline = TestUtil.SettledLiveTensors();
        using (var g = new Generator(14))
        using (var net = new Net(g))
        {
            Backward(net);
            net.To(Device.Cpu);
            net.ReplaceData(t => t.Clone());
            Backward(net);
            using var scope = new DisposeScope();
            _ = net.Forward(Input()).Sum().ToDouble();
        }

        Assert.Equal(baseline, TestUtil.SettledLiveTensors());
    }

    [Fact]
    public void ADisposedModuleCannotMove()
    {
        var g = new Generator(15);
        var net = new Net(g);
        net.Dispose();
        g.Dispose();
        Assert.Throws<ObjectDisposedException>(() => net.To(Device.Cpu));
    }
}
