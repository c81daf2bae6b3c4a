using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Runs the real CLI entry point with captured output, optionally pressing "Ctrl+C" through a token.</summary>
internal static class HostedCli
{
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(CancellationToken.None, args);

    public static (int Code, string Out, string Err) Run(CancellationToken interrupt, params string[] args) => Run((Registries?)null, args, interrupt);

    /// <summary>Runs the CLI with its own registries (e.g. with an extra workload) instead of the default ones.</summary>
    public static (int Code, string Out, string Err) RunWith(Registries registries, params string[] args) => Run(registries, args, CancellationToken.None);

    private static (int Code, string Out, string Err) Run(Registries? registries, string[] args, CancellationToken interrupt)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        using (InterruptSource.FollowInThisFlow(interrupt))
        {
            int code = CliApp.Run(args, o, e, registries);
            return (code, o.ToString(), e.ToString());
        }
    }

    /// <summary>The trials of run <paramref name="label"/> with their eval rows.</summary>
    public static List<(StoredTrial Trial, IReadOnlyList<StoredEval> Evals)> Trials(string db, string label)
    {
        using var store = ResultsStore.Open(db, create: false);
        var run = store.FindRun(label) ?? throw new InvalidOperationException($"no run {label} in {db}");
        return store.Trials(run.Id).Select(t => (t, store.Evals(t.Id))).ToList();
    }

    /// <summary>Eval rows without their times: (step, metrics, diagnostics) as one comparable string per row.</summary>
    public static List<string> Timeless(IReadOnlyList<StoredEval> evals) =>
        evals.Select(e => $"{e.Step}|{Join(e.Metrics)}|{Join(e.Diagnostics)}").ToList();

    private static string Join(IReadOnlyDictionary<string, double> d) =>
        string.Join(",", d.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value:R}"));
}
