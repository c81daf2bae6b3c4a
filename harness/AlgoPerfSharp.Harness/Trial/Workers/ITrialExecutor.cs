using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>One trial to execute: its stored id, its spec, the workload's constants, the workload and algorithm objects (in-process use) and the options.</summary>
/// <param name="TrialId">Row id in the results store.</param>
/// <param name="Spec">The trial.</param>
/// <param name="WorkloadSpec">The workload's constants (known without loading its data).</param>
/// <param name="Workload">Gives the parent's workload instance, built (data loaded) on first call; only in-process execution calls it — a worker builds its own from the name and preset.</param>
/// <param name="Algorithm">The algorithm (likewise).</param>
/// <param name="Options">Per-trial options.</param>
public sealed record TrialJob(long TrialId, TrialSpec Spec, WorkloadSpec WorkloadSpec, Func<IWorkload> Workload, ITrainingAlgorithm Algorithm, TrialRunnerOptions Options)
{
    /// <summary>The trial's lease held by the caller; a worker process is started holding it too (null = none).</summary>
    public TrialLease? Lease { get; init; }
}

/// <summary>Runs one trial somewhere (this process, or a supervised worker process) and returns how it ended; the trial row is final afterwards.</summary>
public interface ITrialExecutor
{
    /// <summary>Runs <paramref name="job"/>, reporting progress; cancellation stops it after the current step (resumable).</summary>
    TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation);

    /// <summary>A line the sweep prints once before its first trial (e.g. that workers run without a sandbox), or null.</summary>
    string? Notice => null;
}
