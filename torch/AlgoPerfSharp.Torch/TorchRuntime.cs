using System.Text.Json;
using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Process-wide libtorch settings and facts. Initialised on first use: loads the shim, checks its ABI version and
/// sets libtorch's intra-op thread count (default: the number of cores, or <c>$ALGOPERF_THREADS</c>) — Debian's
/// libtorch would otherwise start with one thread — and tunes glibc's malloc so freed tensor memory is reused
/// (<see cref="MallocTuned"/>; <c>ALGOPERF_MALLOC=default</c> keeps glibc's defaults).
/// </summary>
public static class TorchRuntime
{
    /// <summary>The ABI version this assembly was built against (<c>ATS_ABI_VERSION</c> in ats.h).</summary>
    public const int ExpectedAbiVersion = 1;

    /// <summary>Environment variable overriding the default intra-op thread count.</summary>
    public const string ThreadsVariable = "ALGOPERF_THREADS";

    /// <summary>Environment variable: <c>0</c> turns <see cref="FusedKernels"/> off for the process.</summary>
    public const string FusedKernelsVariable = "ALGOPERF_FUSED_KERNELS";

    /// <summary>
    /// Whether attention, RMSNorm and rotary embedding use the engine's fused CPU kernels (default true; false, or
    /// <c>ALGOPERF_FUSED_KERNELS=0</c>, makes them take their composed ATen graphs — for A/B timing and checks).
    /// </summary>
    public static bool FusedKernels
    {
        get
        {
            EnsureInitialized();
            return s_fusedKernels;
        }

        set
        {
            EnsureInitialized();
            Check(ats_set_fused_kernels(value));
            s_fusedKernels = value;
        }
    }

    private static bool s_fusedKernels = true;

    /// <summary>Environment variable: <c>default</c> leaves glibc's malloc settings alone.</summary>
    public const string MallocVariable = "ALGOPERF_MALLOC";

    /// <summary>Allocations at least this large (32 MiB, glibc's ceiling) get their own mmap; smaller ones come from the heap.</summary>
    public const int MallocMmapThreshold = 32 << 20;

    /// <summary>Free memory at the top of the heap kept rather than returned to the kernel (1 GiB).</summary>
    public const int MallocTrimThreshold = 1 << 30;

    /// <summary>Extra heap requested whenever it grows (16 MiB).</summary>
    public const int MallocTopPad = 16 << 20;

    private static readonly Lock s_lock = new();
    private static volatile bool s_initialized;

    /// <summary>
    /// Starts loading the shim and libtorch (the dynamic loader and libtorch's static initialisers: about half a second
    /// on 2 cores) on a thread-pool thread, so that a fresh process can read its data meanwhile. Nothing is configured:
    /// <see cref="EnsureInitialized"/>, on the first real use, still sets the thread count and malloc on its own thread
    /// and finds the library already loaded. A failure is left for that first use to report.
    /// </summary>
    public static Task PreloadAsync() => Task.Run(static () =>
    {
        try
        {
            NativeLibraryLoader.Load();
        }
        catch (DllNotFoundException)
        {
            // reported, with install instructions, by the first P/Invoke
        }
    });

    /// <summary>Loads and configures libtorch once. Throws <see cref="DllNotFoundException"/> with install instructions when it is missing.</summary>
    public static void EnsureInitialized()
    {
        if (s_initialized) return;
        lock (s_lock)
        {
            if (s_initialized) return;
            int abi = ats_abi_version();
            if (abi != ExpectedAbiVersion)
            {
                throw new TorchException(
                    $"the loaded libtorch shim has ABI version {abi} but AlgoPerfSharp.Torch expects {ExpectedAbiVersion}; rebuild with dotnet build");
            }

            Check(ats_set_num_threads(DefaultThreads()));
            TuneMalloc();
            s_fusedKernels = Environment.GetEnvironmentVariable(FusedKernelsVariable) != "0";
            Check(ats_set_fused_kernels(s_fusedKernels));
            s_initialized = true;
        }
    }

    /// <summary>
    /// True when glibc's malloc was set to keep freed tensor memory: a fixed mmap threshold of
    /// <see cref="MallocMmapThreshold"/> (glibc otherwise raises it only after such a block is freed), a trim
    /// threshold of <see cref="MallocTrimThreshold"/> and a top pad of <see cref="MallocTopPad"/>. Without it a
    /// training step that frees its activations at the end hands the pages back and faults zeroed pages in again
    /// on the next step (≈ 8% of a Llama step on 2 cores). PyTorch's CPU performance guide gets the same effect
    /// from jemalloc or tcmalloc. Off with <c>ALGOPERF_MALLOC=default</c>, or when the C library is not glibc.
    /// </summary>
    public static bool MallocTuned { get; private set; }

    private static void TuneMalloc()
    {
        string? env = Environment.GetEnvironmentVariable(MallocVariable);
        if (string.Equals(env, "default", StringComparison.OrdinalIgnoreCase)) return;
        if (!string.IsNullOrWhiteSpace(env) && !string.Equals(env, "tuned", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{MallocVariable}='{env}' is not 'tuned' or 'default'");
        }

        Check(ats_tune_malloc(MallocMmapThreshold, MallocTrimThreshold, MallocTopPad, out int applied));
        MallocTuned = applied != 0;
    }

    private static int DefaultThreads()
    {
        string? env = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (int.TryParse(env, out int n) && n > 0) return n;
            throw new ArgumentException($"{ThreadsVariable}='{env}' is not a positive integer");
        }

        return Environment.ProcessorCount;
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int NumThreads
    {
        get
        {
            EnsureInitialized();
            Check(ats_get_num_threads(out int n));
            return n;
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            EnsureInitialized();
            Check(ats_set_num_threads(value));
        }
    }

    /// <summary>Native tensors currently alive in this process (created and not yet released). For leak tests.</summary>
    public static long LiveTensors
    {
        get
        {
            EnsureInitialized();
            return ats_live_tensors();
        }
    }

    /// <summary>Number of CUDA devices libtorch sees (0 on CPU-only builds).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            EnsureInitialized();
            Check(ats_cuda_device_count(out int n));
            return n;
        }
    }

    /// <summary>Seeds libtorch's default CPU generator (used when no <see cref="Generator"/> is passed).</summary>
    public static void ManualSeed(ulong seed)
    {
        EnsureInitialized();
        Check(ats_manual_seed(seed));
    }

    /// <summary>Versions, threads, BLAS and CUDA as reported by the loaded libtorch.</summary>
    public static unsafe RuntimeInfo Info()
    {
        EnsureInitialized();
        Check(ats_runtime_info(null, 0, out long needed));
        var buf = new byte[needed];
        fixed (byte* p = buf)
        {
            Check(ats_runtime_info(p, buf.Length, out _));
        }

        using var doc = JsonDocument.Parse(buf.AsMemory(0, (int)needed - 1));
        var root = doc.RootElement;
        var libs = root.GetProperty("native_libraries").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return new RuntimeInfo(
            root.GetProperty("torch_version").GetString()!,
            root.GetProperty("abi_version").GetInt32(),
            root.GetProperty("num_threads").GetInt32(),
            root.GetProperty("num_interop_threads").GetInt32(),
            root.GetProperty("cuda_available").GetBoolean(),
            root.GetProperty("cuda_devices").GetInt32(),
            root.GetProperty("mkldnn").GetBoolean(),
            libs,
            root.GetProperty("parallel_info").GetString()!,
            root.GetProperty("shim_parallel_regions").GetBoolean());
    }
}
