using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// Shows a sweep as it runs. On a terminal: a live Spectre.Console panel — the sweep overview (trial i of n, how many
/// completed, diverged, failed) and the current trial (step, loss, last validation metric vs target, timed seconds of
/// the budget, ETA to the budget). Otherwise (CI, tests, redirected output): plain lines, one per eval.
/// Thread-safe (worker progress arrives on another thread).
/// </summary>
public sealed class SweepDisplay : ISweepObserver, IProgress<TrialProgress>
{
    private readonly Lock _gate = new();
    private readonly TextWriter? _plain;
    private readonly Dictionary<TrialState, int> _ended = [];
    private LiveDisplayContext? _live;
    private string _current = "starting";
    private int _index, _count;
    private TrialProgress? _last;
    private double _lastPrintedMetric = double.NaN;
    private long _lastRefresh;

    private SweepDisplay(TextWriter? plain) => _plain = plain;

    /// <summary>Plain lines to <paramref name="output"/>.</summary>
    public static SweepDisplay Plain(TextWriter output) => new(output ?? throw new ArgumentNullException(nameof(output)));

    /// <summary>Whether a live display is possible: <paramref name="output"/> is the real console and it is an interactive terminal.</summary>
    public static bool CanBeLive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="body"/> with a live display on the console.</summary>
    public static T RunLive<T>(Func<SweepDisplay, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var display = new SweepDisplay(null);
        T result = default!;
        AnsiConsole.Live(display.Render()).AutoClear(false).Start(ctx =>
        {
            lock (display._gate) display._live = ctx;
            result = body(display);
            lock (display._gate)
            {
                ctx.UpdateTarget(display.Render());
                display._live = null;
            }
        });
        return result;
    }

    /// <inheritdoc/>
    public void TrialStarting(int index, int count, TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (_gate)
        {
            _index = index;
            _count = count;
            _current = Reports.SafeText.Terminal(spec.Key);
            _last = null;
            _lastPrintedMetric = double.NaN;
            Refresh(force: true);
        }
    }

    /// <inheritdoc/>
    public void TrialFinished(TrialSpec spec, TrialOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_gate)
        {
            _ended[outcome.State] = _ended.GetValueOrDefault(outcome.State) + 1;
            Refresh(force: true);
        }
    }

    /// <inheritdoc/>
    public void Report(TrialProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            _last = value;
            if (_plain is not null)
            {
                if (!value.LastTargetMetric.Equals(_lastPrintedMetric))
                {
                    _lastPrintedMetric = value.LastTargetMetric;
                    _plain.WriteLine("    " + Line(value));
                }

                return;
            }

            Refresh(force: false);
        }
    }

    /// <summary>One line for a progress report.</summary>
    public static string Line(TrialProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var c = CultureInfo.InvariantCulture;
        double eta = Math.Max(0, p.BudgetSeconds - p.SubmissionSeconds);
        string metric = double.IsNaN(p.LastTargetMetric) ? "no eval yet" : $"metric {p.LastTargetMetric.ToString("G4", c)} (target {p.Target.ToString("G4", c)})";
        return string.Create(c, $"step {p.Step}  loss {p.Loss:G4}  {metric}  timed {p.SubmissionSeconds:F1}/{p.BudgetSeconds:F1} s  ETA to budget {eta:F0} s");
    }

    private void Refresh(bool force)
    {
        if (_live is null) return;
        long now = Environment.TickCount64;
        if (!force && now - _lastRefresh < 250) return;
        _lastRefresh = now;
        _live.UpdateTarget(Render());
    }

    private IRenderable Render()
    {
        var grid = new Grid().AddColumn().AddColumn();
        string ended = _ended.Count == 0 ? "none yet" : string.Join(", ", _ended.OrderBy(kv => kv.Key).Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}"));
        grid.AddRow(new Markup("[bold]sweep[/]"), new Text(string.Create(CultureInfo.InvariantCulture, $"trial {_index} of {_count}; ended: {ended}")));
        grid.AddRow(new Markup("[bold]trial[/]"), new Text(_current));
        if (_last is { } p)
        {
            double fraction = p.BudgetSeconds > 0 ? Math.Clamp(p.SubmissionSeconds / p.BudgetSeconds, 0, 1) : 0;
            int filled = (int)Math.Round(fraction * 30);
            grid.AddRow(new Markup("[bold]now[/]"), new Text(Line(p)));
            grid.AddRow(new Markup("[bold]budget[/]"), new Text(new string('█', filled) + new string('░', 30 - filled) + string.Create(CultureInfo.InvariantCulture, $" {fraction:P0}")));
        }

        return new Panel(grid).Header("algoperf").Expand();
    }
}
