using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Harness.Trials;

namespace AlgoPerfSharp.Harness.Workers;

/// <summary>Runs trials in this process (<c>--in-process</c>, for debugging): a crash or hang takes the whole sweep down.</summary>
/// <param name="store">Where the trial is recorded.</param>
/// <param name="clock">The clock (null = the real one).</param>
public sealed class InProcessExecutor(ResultsStore store, IClock? clock = null) : ITrialExecutor
{
    /// <inheritdoc/>
    public TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new TrialRunner(store, clock, progress).Run(job.TrialId, job.Spec, job.Workload(), job.Algorithm, job.Options, cancellation);
    }
}
