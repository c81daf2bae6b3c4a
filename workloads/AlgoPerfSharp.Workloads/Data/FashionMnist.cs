namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// Fashion-MNIST split for benchmarking: the 60,000 official training images are split by a fixed seeded
/// permutation (<see cref="SplitSeed"/>) into 55,000 train and 5,000 validation images; the official 10,000 test
/// images are the test split. Pixels are normalised with mean 0.2860 and std 0.3530.
/// </summary>
/// <param name="Train">55,000 training images.</param>
/// <param name="Validation">5,000 validation images (held out from the official training set).</param>
/// <param name="Test">The official 10,000 test images.</param>
public sealed record FashionMnist(ImageSet Train, ImageSet Validation, ImageSet Test)
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Seed of the permutation that carves the validation split out of the official training set.</summary>
    public const ulong SplitSeed = 20_251_122;

    /// <summary>Validation images taken from the official training set.</summary>
    public const int ValidationCount = 5_000;

    /// <summary>Images of the official training set (train + validation).</summary>
    public const int OfficialTrainCount = 60_000;

    /// <summary>Images of the official test set.</summary>
    public const int TestCount = 10_000;

    /// <summary>Per-pixel mean of the training images (after scaling to [0, 1]).</summary>
    public const float Mean = 0.2860f;

    /// <summary>Per-pixel standard deviation of the training images.</summary>
    public const float Std = 0.3530f;

    /// <summary>Loads the four IDX files from <paramref name="directory"/> (default: Debian's location).</summary>
    public static FashionMnist Load(string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST directory {dir} does not exist. {DataInstallHint.FashionMnist}");
        }

        var trainAll = ImageSet.FromIdx(
            IdxFile.Read(Find(dir, "train-images-idx3-ubyte"), DataInstallHint.FashionMnist),
            IdxFile.Read(Find(dir, "train-labels-idx1-ubyte"), DataInstallHint.FashionMnist),
            numClasses: 10);
        var test = ImageSet.FromIdx(
            IdxFile.Read(Find(dir, "t10k-images-idx3-ubyte"), DataInstallHint.FashionMnist),
            IdxFile.Read(Find(dir, "t10k-labels-idx1-ubyte"), DataInstallHint.FashionMnist),
            numClasses: 10);
        var (train, validation) = SplitTrainValidation(trainAll, ValidationCount, SplitSeed);
        return new FashionMnist(train, validation, test);
    }

    /// <summary>Splits <paramref name="all"/> into (train, validation) by a seeded permutation; validation gets the first <paramref name="validationCount"/> permuted indices.</summary>
    public static (ImageSet Train, ImageSet Validation) SplitTrainValidation(ImageSet all, int validationCount, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(all);
        if (validationCount <= 0 || validationCount >= all.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(validationCount), validationCount, $"must be in 1..{all.Count - 1}");
        }

        var rng = new SplitMix64(seed);
        int[] perm = rng.Permutation(all.Count);
        var val = perm.AsSpan(0, validationCount).ToArray();
        var train = perm.AsSpan(validationCount).ToArray();
        Array.Sort(val);   // keep the original order inside each split
        Array.Sort(train);
        return (all.Subset(train), all.Subset(val));
    }

    private static string Find(string dir, string stem)
    {
        foreach (string candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx", StringComparison.Ordinal) })
        {
            string p = Path.Combine(dir, candidate);
            if (File.Exists(p)) return p;
        }

        throw new FileNotFoundException($"{Path.Combine(dir, stem + ".gz")} does not exist. {DataInstallHint.FashionMnist}");
    }
}
