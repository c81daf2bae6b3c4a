using AlgoPerfSharp.Torch;
using BenchmarkDotNet.Attributes;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>Per-op overhead of a tiny add (out-of-place and in-place) and fp32 matmul throughput through the shim.</summary>
[MemoryDiagnoser(displayGenColumns: false)]
public class EngineBenchmarks
{
    private Tensor _a = null!;
    private Tensor _b = null!;
    private Tensor _c = null!;
    private Tensor _m1 = null!;
    private Tensor _m2 = null!;
    private Tensor _n1 = null!;
    private Tensor _n2 = null!;

    /// <summary>Creates the operands (outside any DisposeScope).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _a = Tensor.Rand([16]);
        _b = Tensor.Rand([16]);
        _c = Tensor.Rand([16]);
        _m1 = Tensor.Rand([1024, 1024]);
        _m2 = Tensor.Rand([1024, 1024]);
        _n1 = Tensor.Rand([2048, 2048]);
        _n2 = Tensor.Rand([2048, 2048]);
    }

    /// <summary>Releases the operands.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _a, _b, _c, _m1, _m2, _n1, _n2 }) t.Dispose();
    }

    /// <summary>c = a + b on 16 floats (allocates the result and its handle, disposed at once).</summary>
    [Benchmark(Baseline = true)]
    public void Add16()
    {
        using var c = _a + _b;
    }

    /// <summary>c += b on 16 floats (no allocation).</summary>
    [Benchmark]
    public void AddInPlace16() => _c.AddInPlace(_b);

    /// <summary>1024×1024 fp32 matmul.</summary>
    [Benchmark]
    public void MatMul1024()
    {
        using var r = _m1.Mm(_m2);
    }

    /// <summary>2048×2048 fp32 matmul.</summary>
    [Benchmark]
    public void MatMul2048()
    {
        using var r = _n1.Mm(_n2);
    }
}
