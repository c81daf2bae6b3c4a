using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;


namespace AlgoPerfSharp.Harness.Gate;

/// <summary>
/// Runs a <see cref="GatePlan"/>'s trials in its interleaved order through a sweep function (the sweep runner with the
/// command's executor: worker processes, or in-process with a test clock). Resumable: finished trials are skipped.
/// </summary>
public static class GateRunner
{
    /// <summary>
    /// Refuses to continue runs of <paramref name="plan"/>'s labels that hold another algorithm's trials (a different
    /// candidate under a reused <c>--label</c> would otherwise be mixed into the verdicts). Throws
    /// <see cref="ResultsStoreException"/> naming the run and what to do; writes nothing.
    /// </summary>
    public static void CheckResume(ResultsStore store, GatePlan plan)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var side in new[] { GateSide.Baseline, GateSide.Candidate })
        {
            if (store.FindRun(plan.RunLabel(side)) is not { } run) continue;
            var other = store.Trials(run.Id).Select(t => t.Algorithm).FirstOrDefault(a => a != plan.Algorithm(side));
            if (other is not null)
            {
                throw new ResultsStoreException(
                    $"run '{plan.RunLabel(side)}' in {store.Path} holds trials of {other}, not {plan.Algorithm(side)}: pass another --label (or --db) for a new comparison");
            }
        }
    }

    /// <summary>Runs every request of <paramref name="plan"/> in order through <paramref name="sweep"/>; stops at an interruption.</summary>
    public static GateRunSummary Run(GatePlan plan, Func<GateSide, SweepRequest, SweepSummary> sweep, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sweep);
        int ran = 0, busy = 0;
        foreach (var (side, request) in plan.Requests())
        {
            if (cancellation.IsCancellationRequested) return new GateRunSummary(ran, busy, Interrupted: true);
            var summary = sweep(side, request);
            ran += summary.Ran;
            busy += summary.Busy;
            if (summary.Interrupted) return new GateRunSummary(ran, busy, Interrupted: true);
        }

        return new GateRunSummary(ran, busy, Interrupted: false);
    }
}
