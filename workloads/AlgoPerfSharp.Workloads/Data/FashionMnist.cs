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

    /// <summary>
    /// Loads the four IDX files from <paramref name="directory"/> (default: Debian's location). A decompressed file is
    /// read in preference to its <c>.gz</c>, which saves each process about a second of gunzip: first from
    /// <paramref name="decompressed"/> (default when <paramref name="directory"/> is null:
    /// <see cref="DataPaths.FashionMnistDecompressed"/>, which scripts/setup.sh fills), then a raw file beside the
    /// <c>.gz</c>. A decompressed copy in <paramref name="decompressed"/> must be a whole IDX file (its header's shape
    /// accounts for its size exactly); one that is not — truncated, or not IDX — is refused with a one-line
    /// <see cref="InvalidDataException"/> naming it and saying to rerun scripts/setup.sh, rather than silently read slower.
    /// Nothing is written here: trial processes see the data read-only.
    /// </summary>
    public static FashionMnist Load(string? directory = null, string? decompressed = null)
    {
        string dir = directory ?? DebianDirectory;
        decompressed ??= directory is null ? DataPaths.FashionMnistDecompressed : null;
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST directory {dir} does not exist. {DataInstallHint.FashionMnist}");
        }

        IdxData Read(string stem) => Idx(dir, decompressed, stem);
        var trainAll = ImageSet.FromIdx(Read("train-images-idx3-ubyte"), Read("train-labels-idx1-ubyte"), numClasses: 10);
        var test = ImageSet.FromIdx(Read("t10k-images-idx3-ubyte"), Read("t10k-labels-idx1-ubyte"), numClasses: 10);
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

    // One IDX file: the decompressed copy if there is one, else the file in dir (raw before .gz).
    private static IdxData Idx(string dir, string? decompressed, string stem)
    {
        string? copy = decompressed is null ? null : Path.Combine(decompressed, stem);
        if (copy is null || !File.Exists(copy)) return IdxFile.Read(Find(dir, stem), DataInstallHint.FashionMnist);
        try
        {
            return IdxFile.Read(copy);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message.TrimEnd('.')}; it is a decompressed copy of {Path.Combine(dir, stem)}.gz: rerun ./scripts/setup.sh to rewrite it", e);
        }
    }

    private static string Find(string dir, string stem)
    {
        foreach (string candidate in new[] { stem, stem.Replace("-idx", ".idx", StringComparison.Ordinal), stem + ".gz" })
        {
            string p = Path.Combine(dir, candidate);
            if (File.Exists(p)) return p;
        }

        throw new FileNotFoundException($"{Path.Combine(dir, stem + ".gz")} does not exist. {DataInstallHint.FashionMnist}");
    }
}
