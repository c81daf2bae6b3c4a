using System.Text.Json;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>Start-up settings of the runtime (malloc tuning) and libtorch's op profiler.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void GlibcMallocIsTunedUnlessAskedNotTo()
    {
        TorchRuntime.EnsureInitialized();
        bool optedOut = string.Equals(Environment.GetEnvironmentVariable(TorchRuntime.MallocVariable), "default", StringComparison.OrdinalIgnoreCase);
        // Debian's glibc accepts the three settings (a value above glibc's 32 MiB mmap ceiling would be refused).
        Assert.Equal(!optedOut, TorchRuntime.MallocTuned);
        Assert.Contains(optedOut ? "malloc default" : "malloc tuned", TorchRuntime.Info().Summary);
    }

    [Fact]
    public async Task PreloadingLeavesAMissingLibraryForTheFirstRealUseToReport()
    {
        await TorchRuntime.PreloadAsync(); // the shim is there: loads it (or finds it loaded)
        string? before = Environment.GetEnvironmentVariable("ALGOPERF_NATIVE_LIB");
        Environment.SetEnvironmentVariable("ALGOPERF_NATIVE_LIB", "/nonexistent/libats.so");
        try
        {
            // a worker starts the preload before anything else: it must not fault the process or throw from the task
            var preload = TorchRuntime.PreloadAsync();
            await preload;
            Assert.True(preload.IsCompletedSuccessfully);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ALGOPERF_NATIVE_LIB", before);
        }

        Assert.True(TorchRuntime.NumThreads >= 1); // the library already loaded keeps working
    }

    [Fact]
    public void TheOpProfilerWritesAChromeTraceOfTheOpsRunWhileOn()
    {
        string path = Path.Combine(Path.GetTempPath(), $"algoperf-trace-{Guid.NewGuid():N}.json");
        try
        {
            using (var scope = new DisposeScope())
            {
                var a = Tensor.RandN([8, 8]).RequiresGradInPlace();
                using (OpProfiler.Record(path))
                {
                    a.MatMul(a).Sum().Backward();
                }

                _ = a.Neg(); // after the profiler stopped: not in the trace
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind); // chrome's JSON array format
            var names = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
            Assert.Contains("aten::mm", names);
            Assert.Contains("aten::sum", names);
            Assert.Contains(names, n => n!.Contains("MmBackward0", StringComparison.Ordinal));
            Assert.DoesNotContain("aten::neg", names);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TurningFusedKernelsOffRunsTheComposedGraphs()
    {
        // Observed through the op trace: the composed graphs call ATen's softmax, rsqrt and cat; the fused nodes do not.
        List<string?> Ops(bool fused)
        {
            string path = Path.Combine(Path.GetTempPath(), $"algoperf-fused-{Guid.NewGuid():N}.json");
            bool before = TorchRuntime.FusedKernels;
            try
            {
                TorchRuntime.FusedKernels = fused;
                using var scope = new DisposeScope();
                var x = Tensor.RandN([2, 3, 8, 4]).RequiresGradInPlace();
                var table = Tensor.Ones([8, 4]);
                using (OpProfiler.Record(path))
                {
                    var h = Nn.Functional.RotaryEmbedding(Nn.Functional.RmsNorm(x, null), table, table);
                    Nn.Functional.ScaledDotProductAttention(h, h, h, causal: true).Sum().Backward();
                }

                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
            }
            finally
            {
                TorchRuntime.FusedKernels = before;
                File.Delete(path);
            }
        }

        var off = Ops(false);
        var on = Ops(true);
        foreach (var op in new[] { "aten::_softmax", "aten::rsqrt", "aten::cat" })
        {
            Assert.Contains(op, off);
            Assert.DoesNotContain(op, on);
        }
    }

    [Fact]
    public void TheOpProfilerRefusesAMissingFolderUpFront()
    {
        string path = Path.Combine(Path.GetTempPath(), $"algoperf-missing-{Guid.NewGuid():N}", "trace.json");
        var e = Assert.Throws<DirectoryNotFoundException>(() => OpProfiler.Record(path));
        Assert.Contains("does not exist", e.Message);
    }
}
