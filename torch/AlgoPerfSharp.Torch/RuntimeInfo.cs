namespace AlgoPerfSharp.Torch;

/// <summary>What the loaded libtorch reports about itself.</summary>
/// <param name="TorchVersion">libtorch version, e.g. "1.13.1".</param>
/// <param name="AbiVersion">The shim's ABI version.</param>
/// <param name="NumThreads">Intra-op threads.</param>
/// <param name="NumInteropThreads">Inter-op threads.</param>
/// <param name="CudaAvailable">Whether a CUDA device is usable.</param>
/// <param name="CudaDevices">Number of CUDA devices.</param>
/// <param name="MklDnn">Whether oneDNN (MKL-DNN) kernels are compiled in.</param>
/// <param name="NativeLibraries">Resolved paths of loaded BLAS/LAPACK/OpenMP libraries.</param>
/// <param name="ParallelInfo">libtorch's own parallel-configuration report.</param>
/// <param name="ShimParallelRegions">
/// Whether the shim's parallel loops (ats::parallel_bins / ats::parallel_range in torch/native/src/parallel.h) open real
/// regions: built with OpenMP, and not switched off with <c>ALGOPERF_SHIM_REGIONS=0</c> (an A/B switch for timing:
/// everything on the calling thread, as before h-omp).
/// </param>
public sealed record RuntimeInfo(
    string TorchVersion,
    int AbiVersion,
    int NumThreads,
    int NumInteropThreads,
    bool CudaAvailable,
    int CudaDevices,
    bool MklDnn,
    IReadOnlyList<string> NativeLibraries,
    string ParallelInfo,
    bool ShimParallelRegions)
{
    /// <summary>The BLAS library libtorch loaded (resolved through Debian's alternatives), or "unknown".</summary>
    public string Blas =>
        NativeLibraries.FirstOrDefault(l => l.Contains("openblas", StringComparison.Ordinal) && l.Contains("libblas", StringComparison.Ordinal))
        ?? NativeLibraries.FirstOrDefault(l => l.Contains("blas", StringComparison.Ordinal))
        ?? "unknown";

    /// <summary>True when the BLAS in use is OpenBLAS's OpenMP build (the fast, non-oversubscribing one).</summary>
    public bool BlasIsOpenBlasOpenMp => NativeLibraries.Any(l => l.Contains("openblas-openmp", StringComparison.Ordinal));

    /// <summary>One-line summary for logs and reports.</summary>
    public string Summary =>
        $"libtorch {TorchVersion} · {NumThreads} threads · BLAS {Blas}{(BlasIsOpenBlasOpenMp ? " (OpenMP)" : string.Empty)} · shim regions {(ShimParallelRegions ? "OpenMP" : "serial")} · malloc {(TorchRuntime.MallocTuned ? "tuned" : "default")} · CUDA {(CudaAvailable ? CudaDevices + " device(s)" : "not available")}";
}
