namespace AlgoPerfSharp.Torch;

/// <summary>
/// Where a tensor lives. <c>default(Device)</c> is the CPU. CUDA devices exist only when the loaded libtorch was
/// built with CUDA and sees a GPU; asking for one otherwise fails with a clear <see cref="TorchException"/>.
/// </summary>
public readonly record struct Device
{
    private readonly int _code; // 0 = CPU, k + 1 = CUDA device k

    private Device(int code) => _code = code;

    /// <summary>The CPU.</summary>
    public static Device Cpu => default;

    /// <summary>True for the CPU.</summary>
    public bool IsCpu => _code == 0;

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => _code > 0;

    /// <summary>The CUDA device index, or -1 for the CPU.</summary>
    public int Index => _code - 1;

    /// <summary>The code the native shim uses: -1 = CPU, k = CUDA device k.</summary>
    internal int NativeCode => _code - 1;

    /// <summary>CUDA device <paramref name="index"/>.</summary>
    public static Device Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Device(index + 1);
    }

    internal static Device FromNative(int code) => new(code + 1);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out int i) && i >= 0)
        {
            return Cuda(i);
        }

        throw new ArgumentException($"unknown device '{text}': expected cpu, cuda or cuda:N", nameof(text));
    }

    /// <inheritdoc/>
    public override string ToString() => IsCpu ? "cpu" : $"cuda:{Index}";
}
