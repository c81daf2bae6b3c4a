using System.Globalization;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Prepares <see cref="CriteoDlrmWorkloads.DlrmTsv"/>'s data ahead of a sweep (<see cref="IPreparesData"/>): converts the
/// user's Criteo TSV files into the preset's click-log cache (<see cref="CriteoTsvWorkload.CachePath"/>) unless an
/// up-to-date one is there, so that the workload's factory (in a sandboxed worker) only reads it. A missing or empty TSV
/// folder is reported by <see cref="Pending"/> (one line saying how to provide the data). Tables too large for this
/// machine are not prepared for: the factory refuses them in one line (<see cref="CriteoTsvWorkload.CheckTablesFit"/>).
/// Stateless, so thread-safe.
/// </summary>
/// <param name="folder">The TSV folder; null = <see cref="CriteoTsvWorkload.DefaultFolder"/>, read at each call.</param>
/// <param name="cacheDirectory">The cache folder; null = <see cref="CriteoTsvWorkload.DefaultCacheDirectory"/>.</param>
/// <param name="availableMemoryBytes">Memory the tables must fit in; null = the machine's, as .NET reports it.</param>
public sealed class CriteoTsvCache(string? folder = null, string? cacheDirectory = null, long? availableMemoryBytes = null) : IPreparesData
{
    /// <inheritdoc/>
    public PendingData? Pending(string preset)
    {
        var config = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.DlrmTsv, preset);
        if (CriteoTsvWorkload.TableTrainingBytes(config) > (availableMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)) return null;
        string dir = folder ?? CriteoTsvWorkload.DefaultFolder;
        var tsv = new CriteoTsvFolder(dir, DataInstallHint.Criteo);
        var s = CriteoDlrmWorkloads.SizesFor(preset);
        string path = CriteoTsvWorkload.CachePath(preset, dir, cacheDirectory);
        if (tsv.IsConverted(path, config.TableSizes, s.Train, s.Validation, s.Test)) return null;
        long most = s.Train + s.Validation + s.Test;
        return new PendingData(string.Create(CultureInfo.InvariantCulture, $"the click-log cache of preset {preset} converted from the Criteo TSV files in {tsv.Folder} (at most {most:N0} records)"), path, ClickLogFile.Bytes(most));
    }

    /// <inheritdoc/>
    public void Prepare(string preset, IProgress<DataProgress>? progress, CancellationToken cancellation)
    {
        if (Pending(preset) is not { } pending) return;
        DataFolders.EnsureWritable(Path.GetDirectoryName(pending.Path)!, pending.Bytes, pending.Description);
        var config = CriteoDlrmWorkloads.ConfigFor(CriteoDlrmWorkloads.DlrmTsv, preset);
        var s = CriteoDlrmWorkloads.SizesFor(preset);
        var tsv = new CriteoTsvFolder(folder ?? CriteoTsvWorkload.DefaultFolder, DataInstallHint.Criteo);
        tsv.OpenOrConvert(pending.Path, config.TableSizes, s.Train, s.Validation, s.Test, progress, cancellation).Dispose();
    }
}
