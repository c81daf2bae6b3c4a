using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// libtorch's own (legacy autograd) op profiler on the calling thread: every ATen op and autograd node run between
/// <see cref="Record"/> and disposal is timed, and a chrome://tracing file (a JSON array of complete events) is
/// written on disposal — the events <c>torch.autograd.profiler.profile(use_kineto=False).export_chrome_trace</c>
/// writes, so our traces and PyTorch's compare op by op (see <c>workloads/bench/compare_traces.py</c>). Costs
/// microseconds per op while on, so it distorts small ops: use it to compare, not to time.
/// </summary>
public sealed class OpProfiler : IDisposable
{
    private readonly int _thread;
    private nint _handle;

    private OpProfiler(nint handle)
    {
        _handle = handle;
        _thread = Environment.CurrentManagedThreadId;
    }

    /// <summary>Starts profiling; the trace goes to <paramref name="path"/> when the returned object is disposed.</summary>
    public static OpProfiler Record(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        TorchRuntime.EnsureInitialized();
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write the trace {full}: folder {dir} does not exist");
        Check(ats_profile_begin(full, out nint handle));
        return new OpProfiler(handle);
    }

    /// <summary>Stops profiling and writes the trace. Must run on the thread that started it (the profiler is per thread).</summary>
    public void Dispose()
    {
        if (_handle == 0) return;
        if (Environment.CurrentManagedThreadId != _thread)
        {
            throw new InvalidOperationException("an OpProfiler must be disposed on the thread that started it (libtorch's profiler state is per thread)");
        }

        nint h = _handle;
        _handle = 0;
        Check(ats_profile_end(h));
    }
}
