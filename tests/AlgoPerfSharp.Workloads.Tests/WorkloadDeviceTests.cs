using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// <see cref="IWorkload.Device"/> on a machine without a GPU: every built-in workload (the Fashion-MNIST and text
/// workloads, the width ladders, the click-log DLRMs, synthetic regression) starts on the CPU and keeps its numbers
/// there bit for bit; asking for CUDA reaches libtorch (which refuses) and leaks nothing. The CUDA path itself is
/// untested here (no GPU reachable).
/// </summary>
public sealed class WorkloadDeviceTests(ClickLogFolder clickLogs) : IClassFixture<ClickLogFolder>
{
    private static readonly WorkloadRegistry Registry = new();

    public static TheoryData<string> Names() => new()
    {
        FashionMnistWorkloads.ResNet, FashionMnistWorkloads.Vit, SotuWorkloads.Llama, "sotu_llama_w64_mup", "fashion_mnist_mlp_w64",
        CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr, SyntheticRegression.Name,
    };

    private IWorkload Create(string name) => name switch
    {
        CriteoDlrmWorkloads.Dlrm or CriteoDlrmWorkloads.DlrmQr => CriteoDlrmWorkloads.Create(name, Presets.Tiny, clickLogs.Dir.Path),
        SyntheticRegression.Name => new SyntheticRegression(Presets.Tiny),
        _ => Registry.Create(name, Presets.Tiny),
    };

    private static bool HasDropout(string name) => name is FashionMnistWorkloads.ResNet or FashionMnistWorkloads.Vit or SotuWorkloads.Llama;

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryBuiltInWorkloadStartsOnTheCpuAndStaysThere(string name)
    {
        using var workload = Create(name);
        Assert.Equal(Device.Cpu, workload.Device);
        using var model = workload.CreateModel(seed: 1);
        using var scope = new DisposeScope();
        using var batches = workload.TrainBatches(seed: 2, batchSize: 4);
        var batch = batches.Next();
        Assert.All(model.Parameters, p => Assert.True(p.Parameter.Data.Device.IsCpu, p.Name));
        Assert.All(model.Module.NamedBuffers(), b => Assert.True(b.Buffer.Device.IsCpu, b.Name));
        Assert.True(batch.Inputs.Device.IsCpu && batch.Targets.Device.IsCpu);
    }

    /// <summary>
    /// A seeded trial in miniature (3 SGD steps with dropout where the model has it, then the validation metrics) is the
    /// same, bit for bit, whether the CPU is the default or set explicitly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void AnExplicitCpuChangesNoNumber(string name)
    {
        Assert.Equal(Miniature(name, explicitCpu: false), Miniature(name, explicitCpu: true));
    }

    private Dictionary<string, double> Miniature(string name, bool explicitCpu)
    {
        using var workload = Create(name);
        if (explicitCpu) workload.Device = Device.Cpu;
        using var model = workload.CreateModel(seed: 5, dropoutRate: HasDropout(name) ? 0.1 : 0);
        using (var batches = workload.TrainBatches(seed: 6, batchSize: 8))
        {
            model.Module.Train();
            for (int step = 0; step < 3; step++)
            {
                using var scope = new DisposeScope();
                model.Module.ZeroGrad();
                workload.Loss(model, batches.Next(), labelSmoothing: name == SyntheticRegression.Name ? 0 : 0.1).Backward();
                using var noGrad = Autograd.NoGrad();
                foreach (var p in model.Parameters) p.Parameter.Data.SubInPlace(p.Parameter.Grad! * 1e-2);
            }
        }

        return new Dictionary<string, double>(workload.Evaluate(model, DataSplit.Validation));
    }

    [CpuOnlyLibtorchTheory]
    [MemberData(nameof(Names))]
    public void ACudaDeviceReachesLibtorchWhichRefusesAndNothingLeaks(string name)
    {
        using var workload = Create(name);
        workload.Device = Device.Cuda(0); // only a setting: nothing moves until a model is built
        Assert.Equal(Device.Cuda(0), workload.Device);
        long baseline = TorchRuntime.LiveTensors;
        Assert.Throws<TorchException>(() => workload.CreateModel(seed: 1)); // the half-built model is disposed
        Assert.Equal(baseline, TorchRuntime.LiveTensors);
        workload.Device = Device.Cpu;
        using var model = workload.CreateModel(seed: 1); // and the workload is still usable on the CPU
        Assert.True(model.Parameters[0].Parameter.Data.Device.IsCpu);
    }

    [Fact]
    public void ACpuBatchMovedToTheCpuIsTheSameBatch()
    {
        using var scope = new DisposeScope();
        var batch = new Batch(Tensor.Zeros([2, 3]), Tensor.Zeros([2], DType.Int64), 2);
        Assert.Same(batch, batch.To(Device.Cpu));
        Assert.False(batch.Inputs.IsDisposed);
    }

    [Fact]
    public void LlamaKeepsItsRopeTablesAsBuffersOutsideTheStateDict()
    {
        using var workload = Registry.Create(SotuWorkloads.Llama, Presets.Tiny);
        using var model = workload.CreateModel(seed: 1);
        using var scope = new DisposeScope();
        Assert.Equal(["rope_cos", "rope_sin"], model.Module.NamedBuffers().Select(b => b.Name));
        Assert.Equal(model.Module.NamedParameters().Select(p => p.Name), model.Module.StateDict().Keys); // checkpoints unchanged
    }
}

/// <summary>A theory about a libtorch that sees no CUDA device; skipped, with the reason shown, where one is visible.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CpuOnlyLibtorchTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory when libtorch reports a CUDA device.</summary>
    public CpuOnlyLibtorchTheoryAttribute()
    {
        if (TorchRuntime.CudaDeviceCount > 0) Skip = "checks the refusal of a CUDA device by a CPU-only libtorch, but this libtorch sees a GPU";
    }
}

/// <summary>One folder for the tiny click logs, generated once for all of <see cref="WorkloadDeviceTests"/>.</summary>
public sealed class ClickLogFolder : IDisposable
{
    /// <summary>The folder.</summary>
    internal TempDir Dir { get; } = new();

    /// <summary>Deletes it.</summary>
    public void Dispose() => Dir.Dispose();
}
