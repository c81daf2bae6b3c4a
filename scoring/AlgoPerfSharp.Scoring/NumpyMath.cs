namespace AlgoPerfSharp.Scoring;

/// <summary>
/// The few numpy primitives AlgoPerf's scoring leans on, reproduced with numpy's semantics so scores match.
/// </summary>
internal static class NumpyMath
{
    /// <summary>
    /// <c>np.linspace(start, stop, num)</c>: <c>start + i·step</c> with <c>step = (stop − start)/(num − 1)</c>, and the
    /// last point set exactly to <paramref name="stop"/> (numpy's own formula, so grid points compare bit-identically).
    /// </summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var points = new double[num];
        var step = (stop - start) / (num - 1);
        for (var i = 0; i < num; i++)
        {
            points[i] = (i * step) + start;
        }

        points[num - 1] = stop;
        return points;
    }

    /// <summary><c>np.trapz(y, x)</c>: Σ (x[i+1] − x[i]) · (y[i+1] + y[i]) / 2.</summary>
    public static double Trapezoid(IReadOnlyList<double> y, IReadOnlyList<double> x)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < x.Count; i++)
        {
            sum += (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
        }

        return sum;
    }

    /// <summary>
    /// <c>np.percentile(values, q)</c> with numpy's default <c>method="linear"</c> (Hyndman–Fan type 7) on values
    /// already sorted ascending: position h = (n − 1)·q/100, result = v[⌊h⌋] + (h − ⌊h⌋)·(v[⌊h⌋ + 1] − v[⌊h⌋]).
    /// Equal neighbours (including two +∞) give that value, not NaN.
    /// </summary>
    public static double PercentileOfSorted(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("The percentile of an empty set is undefined.", nameof(sorted));
        }

        if (!(q >= 0 && q <= 100))
        {
            throw new ArgumentException($"q must be in [0, 100], got {q}.", nameof(q));
        }

        var h = (sorted.Count - 1) * q / 100.0;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        var frac = h - lo;
        return frac == 0 || sorted[lo] == sorted[hi] ? sorted[lo] : sorted[lo] + (frac * (sorted[hi] - sorted[lo]));
    }
}
