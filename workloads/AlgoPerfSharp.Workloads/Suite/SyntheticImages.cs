using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Stand-in images for the <c>tiny</c> preset when Fashion-MNIST is not installed: 28×28 noise whose mean brightness
/// encodes the class (class c has pixels near 20 + 22·c), so a model can learn it and crop/flip augmentation does not
/// change the class. Deterministic in the seed.
/// </summary>
internal static class SyntheticImages
{
    public static ImageSet Create(int count, ulong seed)
    {
        const int Side = 28, Classes = 10;
        var rng = new SplitMix64(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int c = (int)rng.NextInt64(Classes);
            labels[i] = (byte)c;
            for (int p = 0; p < Side * Side; p++)
            {
                pixels[(i * Side * Side) + p] = (byte)Math.Clamp(20 + (22 * c) + (int)rng.NextInt64(41) - 20, 0, 255);
            }
        }

        return new ImageSet(pixels, labels, Side, Side, Classes);
    }
}
