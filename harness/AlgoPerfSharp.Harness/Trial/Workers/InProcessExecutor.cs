using AlgoPerfSharp.Harness.Reports;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// Runs trials in this process (<c>--in-process</c>, for debugging): a crash or hang takes the whole sweep down. An
/// exception escaping the trial (plugin code the runner does not guard — <c>SaveState</c>, <c>LoadState</c>,
/// <c>Diagnostics</c>, <c>PrepareForEval</c> — or a checkpoint that cannot be written) fails that trial with one line, as
/// in a worker process, and the sweep goes on. Invalid data (the workload's files, a checkpoint that cannot be resumed:
/// <see cref="InvalidDataException"/>) and failures of the results store stay one-line errors of the command, so nothing
/// recorded changes.
/// </summary>
/// <param name="store">Where the trial is recorded.</param>
/// <param name="clock">The clock (null = the real one).</param>
public sealed class InProcessExecutor(ResultsStore store, IClock? clock = null) : ITrialExecutor
{
    /// <inheritdoc/>
    public TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(job);
        var workload = job.Workload();
        try
        {
            return new TrialRunner(store, clock, progress).Run(job.TrialId, job.Spec, workload, job.Algorithm, job.Options, cancellation);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or InvalidDataException or SqliteException or ResultsStoreException))
        {
            var evals = store.Evals(job.TrialId);
            long steps = evals.Count == 0 ? 0 : evals[^1].Step;
            double submission = evals.Count == 0 ? 0 : evals[^1].SubmissionSeconds;
            string error = SafeText.Terminal($"{e.GetType().Name}: {e.Message} (last recorded eval at step {steps})");
            store.FinishTrial(job.TrialId, TrialState.Failed, error, steps, submission, 0);
            return new TrialOutcome(TrialState.Failed, steps, submission, null, 0, error);
        }
    }
}
