using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Builds small result databases with closed-form times for the report and compare tests, directly through
/// <see cref="ResultsStore"/>. Every trial logs six evals at k = 1..6 with validation error 1 − 0.1·k at submission time
/// <c>reach · k / 5</c>, so with the target 0.5 (lower is better) the first eval meeting it is k = 5, at exactly
/// <c>reach</c> seconds; an infinite <c>reach</c> logs error 0.9 at 10·k s and never meets it.
/// </summary>
internal static class ScoringDatabases
{
    public const double Target = 0.5;

    /// <summary>Records workload constants for <paramref name="workloads"/> (error rate, target 0.5, budget 1000 s).</summary>
    public static StoredRun NewRun(ResultsStore store, string label, params string[] workloads)
    {
        var run = store.CreateRun(label, "algoperf sweep --test", 7, """{"CpuModel":"Test CPU <x86>","Cores":2,"TorchThreads":2,"TorchVersion":"2.5.1","Blas":"libopenblasp.so","BlasIsOpenMp":true,"Cuda":0,"Os":"Linux","DotNet":".NET 10.0","GitCommit":"abc1234","Version":"0.1.0"}""");
        foreach (var w in workloads)
        {
            store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec(w, "validation/error_rate", Target, "test/error_rate", 0.55, true, 1000, null));
        }

        return run;
    }

    /// <summary>One trial (default: self-tuning, study <paramref name="study"/>, trial 0) reaching the target at <paramref name="reach"/> seconds.</summary>
    public static void Trial(
        ResultsStore store, StoredRun run, string algorithm, string workload, int study, double reach, double medianStep,
        Func<int, IReadOnlyDictionary<string, double>>? diagnostics = null, TuningRuleset ruleset = TuningRuleset.SelfTuning, int trial = 0)
    {
        var spec = new TrialSpec(workload, algorithm, ruleset, study, trial, Hyperparameters.Empty, 1, 2, 3, 1.5);
        var t = store.EnsureTrial(run.Id, spec);
        for (int k = 1; k <= 6; k++)
        {
            bool never = double.IsInfinity(reach);
            double time = never ? 10 * k : reach * k / 5;
            double err = never ? 0.9 : 1.0 - (0.1 * k);
            store.AppendEval(t.Id, new StoredEval(k * 10, time, 0, 0, time,
                new Dictionary<string, double> { ["validation/error_rate"] = err, ["test/error_rate"] = err },
                diagnostics?.Invoke(k) ?? new Dictionary<string, double>()));
        }

        store.FinishTrial(t.Id, TrialState.Completed, null, 60, 100, medianStep);
    }

    /// <summary>A run of one (workload, algorithm) with one seed (study) per entry of <paramref name="reach"/>.</summary>
    public static void Seeds(ResultsStore store, string label, string workload, string algorithm, IReadOnlyList<double> reach, IReadOnlyList<double> steps)
    {
        var run = store.FindRun(label) ?? NewRun(store, label, workload);
        for (int s = 0; s < reach.Count; s++) Trial(store, run, algorithm, workload, s, reach[s], steps[s]);
    }
}
