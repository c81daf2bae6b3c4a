using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// Reads transfer ladders back from a results database, from the ordinary sweep rows alone (so merged shard databases
/// work, and <c>transfer_widths</c> is not needed): a ladder is every run labelled <c>{label}/w{width}</c> (or
/// <c>{label}/w{width}/edge{k}</c>, a grid extension) whose trials
/// train width-ladder members (<c>{family}_w{width}[_mup]</c>) of that width, grouped by <c>{label}</c>.
/// </summary>
internal static partial class TransferRuns
{
    /// <summary>The ladders among <paramref name="runs"/>, ordered by label; runs that are not a ladder's are ignored.</summary>
    public static IReadOnlyList<TransferLadder> Load(ResultsStore store, IEnumerable<StoredRun> runs)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runs);
        var groups = new SortedDictionary<string, List<(int Width, List<StoredTrial> Trials)>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var m = RunLabel().Match(run.Label);
            if (!m.Success || !int.TryParse(m.Groups["width"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int width)) continue;
            var trials = store.Trials(run.Id).Where(t => t.State is not (TrialState.Pending or TrialState.Running)).ToList();
            if (trials.Count == 0 || !trials.All(t => Member(t.Workload) is { } member && member.Width == width)) continue;
            string prefix = m.Groups["prefix"].Value;
            if (!groups.TryGetValue(prefix, out var list)) groups[prefix] = list = [];
            list.Add((width, trials));
        }

        var ladders = new List<TransferLadder>();
        foreach (var (label, widths) in groups)
        {
            var all = widths.SelectMany(w => w.Trials).ToList();
            var members = all.Select(t => Member(t.Workload)!.Value).ToList();
            // one algorithm, family and parameterisation per ladder; a label reused for another is not one ladder
            if (all.Select(t => t.Algorithm).Distinct(StringComparer.Ordinal).Count() != 1 ||
                members.Select(x => (x.Family, x.MuP)).Distinct().Count() != 1) continue;
            long steps = all.Where(t => t.State == TrialState.Completed).Select(t => t.Steps).DefaultIfEmpty(0).Max();
            var trials = widths.SelectMany(w => w.Trials.Select(t => Trial(t, store.Evals(t.Id), w.Width, steps))).ToList();
            string fixedText = string.Join("; ", all.Select(t => FixedHyperparameters.Of(StoredTrials.ToSpec(t).Hyperparameters))
                .Where(f => !f.IsEmpty).Select(f => f.ToString()).Distinct(StringComparer.Ordinal));
            ladders.Add(new TransferLadder(label, all[0].Algorithm, members[0].Family, members[0].MuP ? "mup" : "sp", steps, trials, fixedText));
        }

        return ladders;
    }

    /// <summary>
    /// A stored trial as a ladder trial: its final loss is the last eval's validation loss when the trial completed all
    /// <paramref name="steps"/> (+∞ when it diverged, failed, timed out or was stopped early by its time budget), and its
    /// curve is every eval row.
    /// </summary>
    public static TransferTrial Trial(StoredTrial t, IReadOnlyList<StoredEval> evals, int width, long steps)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(evals);
        using var json = JsonDocument.Parse(t.HyperparametersJson);
        double lr = json.RootElement.GetProperty("learning_rate").GetDouble();
        double wd = json.RootElement.TryGetProperty("weight_decay", out var w) ? w.GetDouble() : 0;
        var curve = evals.Select(e => new LossPoint(e.Step, e.SubmissionSeconds, e.Metrics.TryGetValue("validation/loss", out double l) ? l : double.NaN)).ToList();
        double loss = t.State == TrialState.Completed && curve.Count > 0 && curve[^1].Step >= steps && double.IsFinite(curve[^1].Loss) ? curve[^1].Loss : double.PositiveInfinity;
        return new TransferTrial(width, lr, wd, loss, curve, t.State == TrialState.Diverged);
    }

    /// <summary>
    /// The reference of AdamW-relative compute among <paramref name="ladders"/> (one family, parameterisation and step
    /// count): AdamW's ladder, the one without <c>--set</c> values when there is one (a <c>--set</c> on the other
    /// algorithm's ladder does not matter), then the first by label; null when there is no AdamW ladder.
    /// </summary>
    public static TransferLadder? AdamWReference(IEnumerable<TransferLadder> ladders)
    {
        ArgumentNullException.ThrowIfNull(ladders);
        return ladders.Where(l => l.Algorithm == "adamw").OrderBy(l => l.Fixed.Length > 0).ThenBy(l => l.Label, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The ladder label of one of its runs (<c>{label}/w{width}</c> or <c>{label}/w{width}/edge{k}</c>), or null for another run.</summary>
    public static string? LadderLabel(string runLabel)
    {
        ArgumentNullException.ThrowIfNull(runLabel);
        var m = RunLabel().Match(runLabel);
        return m.Success ? m.Groups["prefix"].Value : null;
    }

    /// <summary>The family, width and parameterisation of a ladder member's name, or null.</summary>
    public static (string Family, int Width, bool MuP)? Member(string workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var m = MemberName().Match(workload);
        if (!m.Success || !int.TryParse(m.Groups["width"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int width)) return null;
        return (m.Groups["family"].Value, width, m.Groups["mup"].Success);
    }

    [GeneratedRegex(@"^(?<prefix>.+)/w(?<width>\d+)(?:/edge\d+)?$")]
    private static partial Regex RunLabel();

    [GeneratedRegex(@"^(?<family>[a-z_]+?)_w(?<width>\d+)(?<mup>_mup)?$")]
    private static partial Regex MemberName();
}
