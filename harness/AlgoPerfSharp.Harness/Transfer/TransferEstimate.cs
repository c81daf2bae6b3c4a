using System.Globalization;
using System.Text;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// What one transfer ladder costs, before it runs (<c>algoperf transfer --dry-run</c>; issue 16's budget: the default
/// ladder ≤ 60 min on 2 cores). A transfer trial trains a fixed number of steps, so its timed seconds are steps × the
/// width's step time; its wall time adds its evals and a per-trial overhead (worker start, data, model and optimizer
/// set-up, checkpoints). The coordinate check adds its few in-process steps per width. Immutable.
/// </summary>
/// <param name="Widths">One row per width of the ladder, base first.</param>
/// <param name="OverheadSecondsPerTrial">Wall seconds a trial spends outside its steps and evals.</param>
/// <param name="CoordinateCheckSteps">Steps the coordinate check trains at each width.</param>
/// <param name="EdgeExtensions">Extra one-trial runs a width may add when its optimum is on its grid's edge (not in <see cref="WallSeconds"/>).</param>
public sealed record TransferEstimate(IReadOnlyList<TransferWidthEstimate> Widths, double OverheadSecondsPerTrial, int CoordinateCheckSteps, int EdgeExtensions = 0)
{
    /// <summary>Issue 16's limit for the default ladder of one algorithm and one parameterisation: 60 min.</summary>
    public const double LimitSeconds = 60 * 60;

    /// <summary>
    /// Wall seconds per trial outside its steps and evals, measured: the main job at 49c26b8 spent 239 s of its 1,540 s
    /// outside its 72 trials' 1,301 timed seconds (worker start-up, set-up, evals and the report), 3.3 s a trial. That
    /// figure includes evals, which the estimate also counts separately, so it errs long.
    /// </summary>
    public const double MeasuredOverheadSeconds = 3.3;

    /// <summary>Trials of the whole ladder.</summary>
    public int Trials => Widths.Sum(w => w.Trials);

    /// <summary>Timed seconds of the whole ladder: Σ trials × steps × step seconds.</summary>
    public double TimedSeconds => Widths.Sum(w => w.TimedSeconds);

    /// <summary>Estimated wall seconds: Σ over widths of trials × (steps × step s + evals × eval s + overhead), plus the coordinate check's steps at every width.</summary>
    public double WallSeconds => Widths.Sum(w => w.WallSeconds(OverheadSecondsPerTrial)) + Widths.Sum(w => CoordinateCheckSteps * w.StepSeconds);

    /// <summary>Wall seconds the edge extensions add at most: every width extending <see cref="EdgeExtensions"/> times, one trial each.</summary>
    public double MaxExtensionSeconds => Widths.Sum(w => EdgeExtensions * (w with { Trials = 1 }).WallSeconds(OverheadSecondsPerTrial));

    /// <summary>Whether the estimate exceeds <see cref="LimitSeconds"/>.</summary>
    public bool OverLimit => WallSeconds > LimitSeconds;

    /// <summary>The table <c>--dry-run</c> prints, then the total and, over 60 min, a warning line.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"  {"width",-6} {"trials",6} {"steps",6} {"step ms",9} {"evals",6} {"eval ms",9} {"timed s",9} {"wall s",9}");
        foreach (var w in Widths)
        {
            text.AppendLine(c, $"  {w.Width,-6} {w.Trials,6} {w.Steps,6} {w.StepSeconds * 1e3,9:F1} {w.EvalsPerTrial,6} {w.EvalSeconds * 1e3,9:F1} {w.TimedSeconds,9:F1} {w.WallSeconds(OverheadSecondsPerTrial),9:F1}");
        }

        text.AppendLine(c, $"  coordinate check: {CoordinateCheckSteps} steps per width, {Widths.Sum(w => CoordinateCheckSteps * w.StepSeconds):F1} s");
        text.Append(c, $"  all: {Trials} trials, {TimedSeconds:F1} timed s, estimated wall {WallSeconds:F0} s = {WallSeconds / 60:F1} min ({OverheadSecondsPerTrial:0.0##} s overhead per trial)");
        if (EdgeExtensions > 0)
        {
            text.AppendLine().Append(c, $"  plus up to {EdgeExtensions} one-trial edge extensions per width, run only where a width's best learning rate is on the edge of those tried: at most +{MaxExtensionSeconds:F0} s = {MaxExtensionSeconds / 60:F1} min");
        }

        if (OverLimit)
        {
            text.AppendLine().Append(c, $"warning: the estimate, {WallSeconds / 60:F1} min, exceeds issue 16's budget of {LimitSeconds / 60:F0} min for one ladder; use --quick, a smaller --max-steps or the tiny preset");
        }

        return text.ToString();
    }
}
