using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Prepares the synthetic click log of <see cref="CriteoDlrmWorkloads"/> ahead of a sweep (<see cref="IPreparesData"/>):
/// writes the preset's cache (<see cref="CriteoDlrmWorkloads.CachePath"/>; tiny 22 MB … cpu 359 MB) once, shared by the
/// plain, QR and LayerNorm workloads, so that their factories (in sandboxed workers) only read it. Stateless, so
/// thread-safe; two processes preparing at once each write their own temporary file and the last rename wins (both
/// files are the same).
/// </summary>
/// <param name="directory">The cache folder; null = <c>$ALGOPERF_DATA/criteo_synthetic</c>, read at each call.</param>
public sealed class SyntheticClickLogCache(string? directory = null) : IPreparesData
{
    /// <inheritdoc/>
    public PendingData? Pending(string preset)
    {
        var s = CriteoDlrmWorkloads.SizesFor(preset);
        string path = CriteoDlrmWorkloads.CachePath(preset, directory);
        if (ClickLogFile.IsWritten(path, CriteoDlrmWorkloads.Generator(preset), s.Train, s.Validation, s.Test)) return null;
        return new PendingData($"the synthetic click-log cache of preset {preset}", path, ClickLogFile.Bytes(s.Train + s.Validation + s.Test));
    }

    /// <inheritdoc/>
    public void Prepare(string preset, IProgress<DataProgress>? progress, CancellationToken cancellation)
    {
        if (Pending(preset) is not { } pending) return;
        DataFolders.EnsureWritable(Path.GetDirectoryName(pending.Path)!, pending.Bytes, pending.Description);
        var s = CriteoDlrmWorkloads.SizesFor(preset);
        ClickLogFile.Write(pending.Path, CriteoDlrmWorkloads.Generator(preset), s.Train, s.Validation, s.Test, progress, cancellation).Dispose();
    }
}
