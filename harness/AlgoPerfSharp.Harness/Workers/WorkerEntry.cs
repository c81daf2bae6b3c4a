using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Harness.Trials;
using AlgoPerfSharp.Harness.Workloads;
using AlgoPerfSharp.Workloads;

namespace AlgoPerfSharp.Harness.Workers;

/// <summary>
/// The worker side of process isolation (the hidden <c>algoperf worker --request file</c>): runs one stored trial with
/// <see cref="TrialRunner"/>, streaming progress lines on stdout. SIGINT/SIGTERM or the request's cancellation file
/// stop it after the current step with a checkpoint (exit 130).
/// </summary>
public static class WorkerEntry
{
    /// <summary>Runs the request; returns the process exit code.</summary>
    public static int Run(WorkerRequest request, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        HarnessWorkloads.EnsureRegistered();
        using var interrupts = new InterruptSource(cancelFile: request.CancelFile);
        using var store = ResultsStore.Open(request.Database, create: false);
        var stored = store.Trials(request.RunId).FirstOrDefault(t => t.Id == request.TrialId)
            ?? throw new ArgumentException($"{request.Database} has no trial {request.TrialId} in run {request.RunId}");
        var spec = StoredTrials.ToSpec(stored);
        var algorithm = AlgorithmRegistry.Resolve(spec.Algorithm);
        using var workload = WorkloadRegistry.Create(spec.Workload, request.Preset);
        var progress = new LineProgress(stdout);
        var outcome = new TrialRunner(store, progress: progress).Run(stored.Id, spec, workload, algorithm, request.Options, interrupts.Token);
        stdout.Flush();
        return outcome.State == TrialState.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

    private sealed class LineProgress(TextWriter stdout) : IProgress<TrialProgress>
    {
        private long _lastTicks;
        private double _lastMetric = double.NaN;

        public void Report(TrialProgress value)
        {
            // Every eval (the metric changes) and at most ~10 lines a second otherwise: cheap for fast steps.
            long now = Environment.TickCount64;
            bool evaluated = !value.LastTargetMetric.Equals(_lastMetric);
            if (!evaluated && now - _lastTicks < 100) return;
            _lastTicks = now;
            _lastMetric = value.LastTargetMetric;
            stdout.WriteLine(ProgressLine.Format(value));
            stdout.Flush();
        }
    }
}
