using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Whether this libtorch build fuses the multiply-adds of its scalar-weight lerp and of addcmul (one rounding, as an
/// <c>fma</c>), which ATen 1.13 leaves to its compiler: measured once on 256 float64 elements against
/// <see cref="Math.FusedMultiplyAdd"/>. Where it does and the CPU has FMA, the fused optimizer loops, which fuse exactly
/// those multiply-adds, are bit-identical to the ATen ops, and the tests assert that instead of a tolerance.
/// </summary>
internal static class AtenMultiplyAdd
{
    private static readonly Lazy<bool> Fused = new(Probe);

    /// <summary>True when lerp and addcmul each round once here and the CPU has FMA.</summary>
    public static bool LerpAndAddCMulFused => Fused.Value;

    /// <summary>
    /// A fused run against the composed ATen ops: bit-identical where this libtorch fuses lerp's and addcmul's
    /// multiply-adds (<see cref="LerpAndAddCMulFused"/>), else |fused − composed| ≤ 64 ulp·max(1, |composed|): over 24
    /// steps on values of order 1 the paths differ at most by one rounding per step of Schedule-Free's v and x, or of
    /// Sophia's momentum lerp (carried through its clipped ratio), where ATen did not fuse the multiply-add.
    /// </summary>
    public static void AssertClose(double[][] fused, double[][] plain, DType dtype)
    {
        if (LerpAndAddCMulFused)
        {
            Fixtures.AssertBitIdentical(fused, plain);
            return;
        }

        double tolerance = 64 * (dtype == DType.Float64 ? Math.Pow(2, -52) : Math.Pow(2, -23));
        for (int k = 0; k < fused.Length; k++)
        {
            for (int i = 0; i < fused[k].Length; i++)
            {
                double bound = tolerance * Math.Max(1, Math.Abs(plain[k][i]));
                Assert.True(Math.Abs(fused[k][i] - plain[k][i]) <= bound, $"[{k}][{i}] fused {fused[k][i]:R} vs composed {plain[k][i]:R}");
            }
        }
    }

    private static bool Probe()
    {
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported) return false;
        using var scope = new DisposeScope();
        using var gen = new Generator(99);
        var a = Tensor.RandN([256], gen, DType.Float64);
        var b = Tensor.RandN([256], gen, DType.Float64);
        double[] av = a.ToArray<double>(), bv = b.ToArray<double>();
        double[] lerpLow = a.Clone().LerpInPlace(b, 0.1).ToArray<double>();
        double[] lerpHigh = a.Clone().LerpInPlace(b, 0.7).ToArray<double>();
        double[] addcmul = a.Clone().AddCMulInPlace(b, b, 0.3).ToArray<double>();
        for (int i = 0; i < av.Length; i++)
        {
            double diff = bv[i] - av[i];
            if (lerpLow[i] != Math.FusedMultiplyAdd(0.1, diff, av[i])) return false;
            if (lerpHigh[i] != Math.FusedMultiplyAdd(-diff, 1 - 0.7, bv[i])) return false;
            if (addcmul[i] != Math.FusedMultiplyAdd(0.3 * bv[i], bv[i], av[i])) return false;
        }

        return true;
    }
}
