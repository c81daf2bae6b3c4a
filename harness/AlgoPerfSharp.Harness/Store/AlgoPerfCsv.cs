using System.Globalization;
using System.Text;
using AlgoPerfSharp.Harness.Reports;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// Exports eval rows as AlgoPerf's <c>eval_measurements.csv</c>, so AlgoPerf's own scoring scripts can read our runs
/// (<c>--export-csv</c>). Each file is written to a temporary name and moved into place, so a reader never sees half a file.
/// </summary>
public static class AlgoPerfCsv
{
    /// <summary>
    /// Writes AlgoPerf's <c>eval_measurements.csv</c> for a trial: global_step, score (= submission seconds),
    /// total_duration, accumulated_submission_time, accumulated_eval_time, accumulated_logging_time, then one column per
    /// metric (sorted); then one <c>diagnostics/&lt;name&gt;</c> column per algorithm diagnostic (sorted).
    /// </summary>
    public static void Export(ResultsStore store, long trialId, string path)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rows = store.Evals(trialId);
        var metricNames = rows.SelectMany(r => r.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var diagnosticNames = rows.SelectMany(r => r.Diagnostics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.Append("global_step,score,total_duration,accumulated_submission_time,accumulated_eval_time,accumulated_logging_time");
        foreach (var m in metricNames) sb.Append(',').Append(m);
        foreach (var d in diagnosticNames) sb.Append(",diagnostics/").Append(d);
        sb.Append('\n');
        foreach (var r in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{r.Step},{F(r.SubmissionSeconds)},{F(r.TotalSeconds)},{F(r.SubmissionSeconds)},{F(r.EvalSeconds)},{F(r.LoggingSeconds)}");
            foreach (var m in metricNames) sb.Append(',').Append(r.Metrics.TryGetValue(m, out double v) ? F(v) : string.Empty);
            foreach (var d in diagnosticNames) sb.Append(',').Append(r.Diagnostics.TryGetValue(d, out double v) ? F(v) : string.Empty);
            sb.Append('\n');
        }

        string tmp = path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Writes <see cref="Export"/> for every trial of <paramref name="run"/> into
    /// <c>root/&lt;label&gt;/&lt;workload&gt;/&lt;algorithm&gt;/&lt;ruleset&gt;/&lt;study&gt;/&lt;trial&gt;/eval_measurements.csv</c>, each folder
    /// name made one safe path component (<see cref="SafeText.PathComponent"/>): nothing lands outside
    /// <paramref name="root"/>, whatever the label or the algorithm (plugin) name. Returns the run's folder.
    /// </summary>
    public static string ExportTree(ResultsStore store, StoredRun run, string root)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        string runFolder = Path.Combine(root, SafeText.PathComponent(run.Label));
        foreach (var t in store.Trials(run.Id))
        {
            string folder = Path.Combine([runFolder, .. t.Key.Split('/').Select(SafeText.PathComponent)]);
            Directory.CreateDirectory(folder);
            Export(store, t.Id, Path.Combine(folder, "eval_measurements.csv"));
        }

        return runFolder;
    }

    private static string F(double v) => StoredNumbers.Format(v);
}
