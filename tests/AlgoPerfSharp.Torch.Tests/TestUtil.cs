namespace AlgoPerfSharp.Torch.Tests;

/// <summary>Small assertion helpers shared by the tensor tests.</summary>
internal static class TestUtil
{
    /// <summary>Asserts every element of <paramref name="actual"/> equals <paramref name="expected"/> within an absolute tolerance.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, Tensor actual, double tol = 1e-6)
    {
        var got = actual.ToArray<double>();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(got[i]), $"element {i}: expected NaN, got {got[i]}");
                continue;
            }

            Assert.True(Math.Abs(expected[i] - got[i]) <= tol, $"element {i}: expected {expected[i]}, got {got[i]} (tol {tol})");
        }
    }

    /// <summary>Forces finalizers so that only tensors genuinely alive are counted.</summary>
    public static long SettledLiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensors;
    }
}
