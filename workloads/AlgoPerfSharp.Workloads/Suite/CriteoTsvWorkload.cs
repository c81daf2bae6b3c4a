using System.Globalization;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Builds <see cref="CriteoDlrmWorkloads.DlrmTsv"/>: DLRM-small (the plain model of
/// <see cref="CriteoDlrmWorkloads.Dlrm"/> at the same preset) on a user's <b>real</b> Criteo TSV files. The files are
/// read from a folder (default <see cref="DefaultFolder"/>: <c>$ALGOPERF_CRITEO</c>, else <c>$ALGOPERF_DATA/criteo</c>)
/// and converted once, untimed, to a click-log cache (<see cref="CriteoTsvFolder"/>: which files, the positional split,
/// the caps, the hashing, invalidation), capped at the preset's split sizes. Before reading anything it refuses tables
/// too large for this machine's memory (<see cref="CheckTablesFit"/>). The built workload's spec carries the split
/// sizes found; its targets and budget are the synthetic workload's (calibrated on the synthetic log at quick, placeholders elsewhere:
/// uncalibrated for the user's data), and its
/// <c>bayes_loss</c> is NaN (the click probabilities of real data are unknown).
/// </summary>
public static class CriteoTsvWorkload
{
    /// <summary>Environment variable naming the TSV folder (default <c>$ALGOPERF_DATA/criteo</c>).</summary>
    public const string FolderVariable = "ALGOPERF_CRITEO";

    /// <summary>Float32 copies of every table row a training run holds: weights, their (densified) gradient and an Adam-type optimizer's two moments.</summary>
    public const int TrainingCopies = 4;

    /// <summary>The TSV folder: <c>$ALGOPERF_CRITEO</c> if set, else <c>$ALGOPERF_DATA/criteo</c>.</summary>
    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : Path.Combine(DataPaths.Root, "criteo");

    /// <summary>Where converted caches go by default: <c>$ALGOPERF_DATA/criteo_tsv_cache</c> (the TSV folder may be read-only).</summary>
    public static string DefaultCacheDirectory => Path.Combine(DataPaths.Root, "criteo_tsv_cache");

    /// <summary>
    /// The cache of <paramref name="preset"/> for the TSV folder <paramref name="folder"/>:
    /// <c>clicklog-tsv-PRESET-HASH-v1.bin</c> in <paramref name="cacheDirectory"/> (default <see cref="DefaultCacheDirectory"/>),
    /// HASH naming the folder's full path so two folders never share a cache.
    /// </summary>
    public static string CachePath(string preset, string folder, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ulong h = 0x7C5F01DE4UL;
        foreach (char c in Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)) h = new SplitMix64(h ^ c).NextUInt64();
        return Path.Combine(cacheDirectory ?? DefaultCacheDirectory, $"clicklog-tsv-{Presets.Check(preset)}-{h:x16}-v{CriteoTsvFolder.ConversionVersion}.bin");
    }

    /// <summary>
    /// Builds the workload at <paramref name="preset"/> from the TSV files in <paramref name="folder"/> (default
    /// <see cref="DefaultFolder"/>), converting them into <paramref name="cacheDirectory"/> first unless an up-to-date
    /// cache is there (untimed). <paramref name="availableMemoryBytes"/> (default: the machine's, as .NET reports it)
    /// bounds the tables (<see cref="CheckTablesFit"/>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (the message says how to provide the data).</exception>
    /// <exception cref="InvalidDataException">No TSV files, a bad line (<c>file:line: …</c>), too few examples, or a corrupt cache (delete it).</exception>
    /// <exception cref="InvalidOperationException">The tables do not fit in memory (the message gives the sizes).</exception>
    public static ClickLogWorkload Create(string preset, string? folder = null, string? cacheDirectory = null, long? availableMemoryBytes = null)
    {
        const string Name = CriteoDlrmWorkloads.DlrmTsv;
        var config = CriteoDlrmWorkloads.ConfigFor(Name, preset);
        CheckTablesFit(Name, preset, config, availableMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        string dir = folder ?? DefaultFolder;
        var tsv = new CriteoTsvFolder(dir, DataInstallHint.Criteo);
        var s = CriteoDlrmWorkloads.SizesFor(preset);
        var file = tsv.OpenOrConvert(CachePath(preset, dir, cacheDirectory), config.TableSizes, s.Train, s.Validation, s.Test);
        try
        {
            var spec = CriteoDlrmWorkloads.Spec(Name, preset, file.SplitCount(DataSplit.Train), file.SplitCount(DataSplit.Validation), file.SplitCount(DataSplit.Test));
            return new ClickLogWorkload(spec, file, CriteoDlrmWorkloads.ModelBuilder(Name, config));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Bytes the embedding tables of <paramref name="config"/> hold in training: every row (a compositional table's
    /// ⌈V/m⌉ quotient and m remainder rows) × D float32 × <see cref="TrainingCopies"/>.
    /// </summary>
    public static long TableTrainingBytes(DlrmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TableRows(config) * config.EmbedDim * sizeof(float) * TrainingCopies;
    }

    /// <summary>Refuses, in one line with the sizes, tables needing more than <paramref name="availableBytes"/> in training (<see cref="TableTrainingBytes"/>).</summary>
    /// <exception cref="InvalidOperationException">They do not fit.</exception>
    public static void CheckTablesFit(string name, string preset, DlrmConfig config, long availableBytes)
    {
        long need = TableTrainingBytes(config);
        if (need <= availableBytes) return;
        long rows = TableRows(config);
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"{name} at preset {preset}: its {config.TableSizes.Count} embedding tables hold {rows:N0} rows × {config.EmbedDim} = {rows * config.EmbedDim:N0} float32 parameters, {Gib(need)} GiB in training (weights, gradients, two optimizer moments), more than the {Gib(availableBytes)} GiB of memory available; use a smaller preset"));
    }

    private static long TableRows(DlrmConfig config)
    {
        long rows = 0;
        for (int t = 0; t < config.TableSizes.Count; t++)
        {
            long v = config.TableSizes[t];
            rows += config.IsCompositional(t) ? ((v + config.QrCollisions - 1) / config.QrCollisions) + config.QrCollisions : v;
        }

        return rows;
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture);
}
