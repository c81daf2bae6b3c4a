using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>
/// A short, fixed piece of libtorch work whose wall time says how fast this machine is running our kind of work right
/// now: <see cref="Gemms"/> products of two <see cref="MatrixSize"/>² float32 matrices (the matmuls of a forward and
/// backward pass) followed by <see cref="ElementwisePasses"/> fused-free elementwise passes over
/// <see cref="VectorLength"/> floats (activations and an optimizer's moment updates). It runs untimed at every eval
/// (<see cref="TrialRunner"/>), on the trial's own libtorch threads, and its seconds are stored per eval row
/// (<c>probe_seconds</c>): a busy neighbour slows it as it slows the steps around it. Inputs come from a fixed seed, so
/// every probe does the same arithmetic on the same numbers. A few milliseconds on one idle 2-core machine: the quick preset evaluates every
/// half second or so, and a probe as long as the eval itself would double the evals' share of a trial's wall time. Not thread-safe; call from the trial's thread.
/// </summary>
public static class SpeedProbe
{
    /// <summary>Side of the square matrices multiplied.</summary>
    public const int MatrixSize = 256;

    /// <summary>Matrix products per probe.</summary>
    public const int Gemms = 8;

    /// <summary>Length of the vector the elementwise passes run over.</summary>
    public const int VectorLength = 1 << 17;

    /// <summary>Elementwise passes per probe (each a multiply-add, a tanh and a square root).</summary>
    public const int ElementwisePasses = 4;

    private const ulong Seed = 20261206;

    /// <summary>
    /// Runs the probe and returns its wall seconds on <paramref name="clock"/> (set-up, allocation and one warm-up pass
    /// excluded). Throws the binding's <see cref="TorchException"/> when libtorch fails.
    /// </summary>
    public static double Run(IClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        using var scope = new DisposeScope();
        using var generator = new Generator(Seed);
        var a = Tensor.Empty([MatrixSize, MatrixSize]).NormalInPlace(0, 1, generator).MulInPlace(1.0 / MatrixSize);
        var b = Tensor.Empty([MatrixSize, MatrixSize]).NormalInPlace(0, 1, generator);
        var c = Tensor.Zeros([MatrixSize, MatrixSize]);
        var x = Tensor.Empty([VectorLength]).NormalInPlace(0, 1, generator);
        var y = Tensor.Empty([VectorLength]).UniformInPlace(0, 1, generator);
        var m = Tensor.Zeros([VectorLength]);
        Work(a, b, c, x, y, m, 1, 1); // warm-up: first-touch pages and thread pools outside the measurement

        double t0 = clock.Now();
        Work(a, b, c, x, y, m, Gemms, ElementwisePasses);
        return clock.Now() - t0;
    }

    private static void Work(Tensor a, Tensor b, Tensor c, Tensor x, Tensor y, Tensor m, int gemms, int passes)
    {
        // (N, N) · (N, N): c's entries stay O(1) as a is scaled by 1/N
        for (int i = 0; i < gemms; i++) c.MmInto(a, b);

        // an Adam-like moment update and an activation: m ← 0.9·m + 0.1·x·y; y ← sqrt(tanh(m)² + 1)
        for (int i = 0; i < passes; i++)
        {
            m.MulInPlace(0.9).AddCMulInPlace(x, y, 0.1);
            using var t = m.Tanh();
            y.CopyInPlace(t).MulInPlace(t).AddInPlace(1.0).SqrtInPlace();
        }

        _ = c.Sum().ToDouble() + y.Sum().ToDouble(); // waits for the work (and keeps it from being elided on async devices)
    }
}
