namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Plain-array arithmetic for the from-scratch reference forward passes (no libtorch).</summary>
internal static class ReferenceMath
{
    /// <summary>W (rows × cols) · x, W row-major with cols = x.Length.</summary>
    public static double[] MatVec(double[] m, double[] x, int cols)
    {
        int rows = m.Length / cols;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++) y[r] += m[(r * cols) + j] * x[j];
        }

        return y;
    }

    /// <summary>a · b.</summary>
    public static double Dot(double[] a, double[] b) => a.Select((z, i) => z * b[i]).Sum();

    /// <summary>
    /// erf(z) by the all-positive series erf z = (2/√π)·e^(−z²)·Σₙ 2ⁿ z^(2n+1) / (1·3·…·(2n+1)) (Abramowitz–Stegun 7.1.6):
    /// no cancellation, so it is accurate to a few ulps where the alternating Taylor series is not; |z| &gt; 6 saturates.
    /// </summary>
    public static double Erf(double z)
    {
        if (Math.Abs(z) > 6) return Math.Sign(z);
        double term = z, sum = z;
        for (int n = 1; n < 500 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= 2 * z * z / ((2 * n) + 1);
            sum += term;
        }

        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum;
    }

    /// <summary>Softmax of <paramref name="z"/> (max-shifted).</summary>
    public static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    /// <summary>−log softmax(logits)[target].</summary>
    public static double CrossEntropy(double[] logits, long target)
    {
        double max = logits.Max();
        return max + Math.Log(logits.Sum(z => Math.Exp(z - max))) - logits[target];
    }

    /// <summary>Exact GELU x·Φ(x).</summary>
    public static double Gelu(double z) => 0.5 * z * (1 + Erf(z / Math.Sqrt(2)));
}
