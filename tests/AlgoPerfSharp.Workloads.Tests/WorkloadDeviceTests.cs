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
    /// A seeded trial in miniature: 3 SGD steps (dropout 0.1 where the model has it, label smoothing 0.1 where the loss
    /// takes it), then the validation metrics; with the CPU the default or set explicitly.
    /// </summary>
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

    /// <summary>
    /// The validation metrics (as IEEE bit patterns) the same miniature trials gave on the code before devices existed:
    /// main at e3bbd85 (its managed code over this branch's shim, whose CPU paths are unchanged), ALGOPERF_DATA with
    /// Fashion-MNIST and the State of the Union corpus installed. The Fashion-MNIST, text and ladder rows hold only where
    /// those data are installed (the tiny preset falls back to synthetic data otherwise).
    /// </summary>
    private static readonly Dictionary<string, (string Metric, ulong Bits)[]> BeforeDevices = new()
    {
        ["fashion_mnist_resnet"] = [("accuracy", 0x3FBC000000000000UL), ("error_rate", 0x3FEC800000000000UL), ("loss", 0x40026190E0000000UL)],
        ["fashion_mnist_vit"] = [("accuracy", 0x3FC4800000000000UL), ("error_rate", 0x3FEAE00000000000UL), ("loss", 0x4003264560000000UL)],
        ["sotu_llama"] = [("bits_per_byte", 0x401FA7E2ED837E76UL), ("loss", 0x4015F12FA0000000UL), ("perplexity", 0x406E25AE3319598FUL)],
        ["sotu_llama_w64_mup"] = [("bits_per_byte", 0x401FD41D60F9651FUL), ("loss", 0x40160FD7C0000000UL), ("perplexity", 0x406F103A3F9AACC6UL)],
        ["fashion_mnist_mlp_w64"] = [("accuracy", 0x3FC1800000000000UL), ("error_rate", 0x3FEBA00000000000UL), ("loss", 0x40025BB480000000UL)],
        ["criteo_dlrm_synthetic"] = [("auc", 0x3FE0287268D86D4FUL), ("bayes_loss", 0x3FD9B070C5BA2AFDUL), ("loss", 0x3FEA016060000000UL)],
        // QR: recorded after the embedding-bag change (sparse table gradients, merged after e3bbd85), whose gradient sums a
        // repeated id's rows in another order: its loss is one float32 ulp from e3bbd85's (…C12… there).
        ["criteo_dlrm_synthetic_qr"] = [("auc", 0x3FDDE755BF60CCA9UL), ("bayes_loss", 0x3FD9B070C5BA2AFDUL), ("loss", 0x3FE374C100000000UL)],
        ["synthetic_regression"] = [("loss", 0x4017EDFD60000000UL)],
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void TheCpuPathGivesTheNumbersOfTheCodeBeforeDevices(string name)
    {
        bool needsImages = name.StartsWith("fashion_mnist", StringComparison.Ordinal), needsText = name.StartsWith("sotu", StringComparison.Ordinal);
        if ((needsImages && !Directory.Exists(FashionMnist.DebianDirectory)) || (needsText && !Directory.Exists(DataPaths.Sotu)))
        {
            return; // pinned on the real data only
        }

        foreach (bool explicitCpu in new[] { false, true })
        {
            var got = Miniature(name, explicitCpu);
            Assert.Equal(
                BeforeDevices[name].Select(e => $"{e.Metric} {e.Bits:X16}"),
                got.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {BitConverter.DoubleToInt64Bits(kv.Value):X16}"));
        }
    }

    [CpuOnlyLibtorchTheory]
    [MemberData(nameof(Names))]
    public void ACudaDeviceReachesLibtorchWhichRefusesAndNothingLeaks(string name)
    {
        using var workload = Create(name);
        workload.Device = Device.Cuda(0); // only a setting: nothing moves until a model is built
        Assert.Equal(Device.Cuda(0), workload.Device);
        GC.Collect(); // nothing an earlier test dropped may be finalized inside this count
        GC.WaitForPendingFinalizers();
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
