using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>Helpers of the Shampoo-family tests: random data and scalar reference loops (parameters and gradients: <see cref="Fixtures"/>).</summary>
internal static class ShampooTestKit
{
    public static double[][] RandomVectors(int count, int n, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, n).Select(_ => scale * ((rng.NextDouble() * 2) - 1)).ToArray()).ToArray();
    }

    /// <summary>A square matrix (row-major) from a 2-D array.</summary>
    public static Tensor Matrix(double[,] a) => Tensor.From(a);

    /// <summary>
    /// Elementwise reference loops written from the PyTorch algorithm boxes (torch.optim.Adam/AdamW, Adagrad, RMSprop,
    /// SGD), independent of the optimizer under test. <paramref name="l2"/> adds λ·w to the gradient (Adam, Adagrad,
    /// RMSprop, SGD weight_decay); otherwise λ is AdamW's decoupled decay.
    /// </summary>
    public static double[] Reference(string method, double[] w0, double[][] grads, double lr, double b1, double b2, double eps, double wd, bool l2)
    {
        var w = (double[])w0.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double g = grads[t - 1][i] + (l2 ? wd * w[i] : 0);
                if (!l2) w[i] *= 1 - (lr * wd);
                switch (method)
                {
                    case "adam":
                        m[i] = (b1 * m[i]) + ((1 - b1) * g);
                        v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
                        w[i] -= lr * (m[i] / (1 - Math.Pow(b1, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(b2, t))) + eps);
                        break;
                    case "adagrad":
                        v[i] += g * g;
                        w[i] -= lr * g / (Math.Sqrt(v[i]) + eps);
                        break;
                    case "rmsprop":
                        v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
                        w[i] -= lr * g / (Math.Sqrt(v[i]) + eps);
                        break;
                    case "sgd":
                        w[i] -= lr * g;
                        break;
                    default:
                        throw new ArgumentException(method);
                }
            }
        }

        return w;
    }

    public static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * scale, $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
