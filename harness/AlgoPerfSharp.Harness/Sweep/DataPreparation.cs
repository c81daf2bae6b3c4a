using System.Diagnostics;
using System.Globalization;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// Writes the selected workloads' data (<see cref="WorkloadDescriptor.Data"/>: generated or converted caches) in the
/// process that starts the trials, before any worker: workers may run sandboxed with the data folder read-only, and a
/// cache written once here is only read there. Called by <c>run</c> and <c>sweep</c> before the results database is
/// opened, by every sweep <c>calibrate</c>, <c>transfer</c> and <c>gate</c> start (a no-op once the data is there), and by
/// <c>bench</c> before it builds the workload in its own process (for the progress lines and the same one-line error).
/// A folder that cannot be written is a one-line <see cref="DataNotWritableException"/> before anything is written.
/// </summary>
public static class DataPreparation
{
    /// <summary>
    /// The data still to write for the distinct <paramref name="workloads"/> at <paramref name="preset"/> (null = each
    /// workload's default preset), one entry per file (workloads sharing a cache list it once). Unknown names are
    /// skipped (validation reports them). Reads headers and listings only.
    /// </summary>
    /// <exception cref="InvalidDataException">A cache present is corrupt or written with other settings (one line: delete it).</exception>
    /// <exception cref="DirectoryNotFoundException">Data a preparation reads is missing (one line: how to get it).</exception>
    public static IReadOnlyList<(string Workload, string Preset, PendingData Data)> Pending(WorkloadRegistry registry, IEnumerable<string> workloads, string? preset)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workloads);
        var pending = new List<(string, string, PendingData)>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, p, data) in Preparers(registry, workloads, preset))
        {
            if (data.Pending(p) is { } d && paths.Add(d.Path)) pending.Add((name, p, d));
        }

        return pending;
    }

    /// <summary>
    /// Prepares the data of the distinct <paramref name="workloads"/> at <paramref name="preset"/> (null = each one's
    /// default), printing to <paramref name="output"/> a line per file written, its progress every 10 % and its size and
    /// time when done; returns how many files were written (0 when everything was there: then nothing is printed).
    /// </summary>
    /// <exception cref="DataNotWritableException">A data folder cannot be written or lacks the space (one line saying what to do).</exception>
    /// <exception cref="OperationCanceledException">Ctrl+C: the file being written is abandoned (no partial file under its name).</exception>
    public static int Run(WorkloadRegistry registry, IEnumerable<string> workloads, string? preset, TextWriter output, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(output);
        int written = 0;
        foreach (var (name, p, data) in Preparers(registry, workloads, preset))
        {
            cancellation.ThrowIfCancellationRequested();
            if (data.Pending(p) is not { } pending) continue; // ready, or written just now for another workload sharing it
            output.WriteLine($"preparing data for {name} ({p}) before the trials start: {Describe(pending)}");
            var clock = Stopwatch.StartNew();
            data.Prepare(p, new ProgressLines(output, clock), cancellation);
            long bytes = File.Exists(pending.Path) ? new FileInfo(pending.Path).Length : 0;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  done: {Megabytes(bytes)} MB in {clock.Elapsed.TotalSeconds:F1} s"));
            written++;
        }

        return written;
    }

    /// <summary>One line for <paramref name="pending"/>: what, how large, where.</summary>
    public static string Describe(PendingData pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        string size = pending.Bytes is { } b ? $", {Megabytes(b)} MB" : string.Empty;
        return $"{pending.Description}{size} → {SafeText.Terminal(pending.Path)}";
    }

    private static IEnumerable<(string Name, string Preset, IPreparesData Data)> Preparers(WorkloadRegistry registry, IEnumerable<string> workloads, string? preset)
    {
        foreach (string name in workloads.Distinct(StringComparer.Ordinal))
        {
            if (registry.Find(name) is not { Data: { } data } d) continue;
            string p = preset ?? d.Presets[0];
            if (d.Presets.Contains(p, StringComparer.Ordinal)) yield return (name, p, data); // an unknown preset is validation's to report
        }
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Prints "  N % (done of total records, s)" each time another tenth is done (not the last: the done line says it).</summary>
    private sealed class ProgressLines(TextWriter output, Stopwatch clock) : IProgress<DataProgress>
    {
        private long _tenths;

        public void Report(DataProgress value)
        {
            if (value.Total <= 0) return;
            long tenths = Math.Min(10, value.Done * 10 / value.Total);
            if (tenths <= _tenths || tenths >= 10) return;
            _tenths = tenths;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {tenths * 10} % ({value.Done:N0} of {value.Total:N0} records, {clock.Elapsed.TotalSeconds:F1} s)"));
        }
    }
}
