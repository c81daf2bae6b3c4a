using System.Diagnostics;
using System.Globalization;
using AlgoPerfSharp.Harness.Results;
using AlgoPerfSharp.Harness.Trials;

namespace AlgoPerfSharp.Harness.Workers;

/// <summary>Limits and locations of worker processes.</summary>
/// <param name="Database">Results database the workers write to.</param>
/// <param name="RunId">The run.</param>
/// <param name="Preset">Workload preset the worker builds.</param>
/// <param name="WorkDirectory">Where request and cancellation files go.</param>
/// <param name="MaxMemoryBytes">Kill a worker whose resident memory exceeds this (null = no guard).</param>
/// <param name="WallClockLimitSeconds">Kill a worker running longer than this (∞ = no limit).</param>
/// <param name="Launch">How to start the worker.</param>
public sealed record WorkerSettings(
    string Database, long RunId, string? Preset, string WorkDirectory, long? MaxMemoryBytes, double WallClockLimitSeconds, WorkerLaunch Launch);

/// <summary>
/// Runs each trial in a worker process (this binary's hidden <c>worker</c> command) and supervises it: progress lines
/// are forwarded; the child's resident memory is polled and a child above the limit is killed (Failed); a child past
/// its wall-clock limit is killed (TimedOut); a child that crashes (exception, <c>FailFast</c>, signal) costs its
/// trial (Failed, with the exit code and the tail of its stderr). Cancellation creates the request's cancellation file:
/// the worker finishes its step, checkpoints and records the trial as Interrupted.
/// </summary>
public sealed class WorkerExecutor : ITrialExecutor
{
    /// <summary>Lines of the child's stderr kept for the error message.</summary>
    public const int StderrTailLines = 20;

    /// <summary>Extra seconds a worker gets past its wall-clock limit to stop on its own before it is killed.</summary>
    public const double KillGraceSeconds = 2;

    /// <summary>Seconds a worker gets to stop after cancellation before it is killed.</summary>
    public const double CancelGraceSeconds = 60;

    private readonly ResultsStore _store;
    private readonly WorkerSettings _settings;
    private readonly Action<Process>? _started;

    /// <summary>Creates an executor; <paramref name="started"/> sees each worker process once it runs (tests).</summary>
    public WorkerExecutor(ResultsStore store, WorkerSettings settings, Action<Process>? started = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _started = started;
        Directory.CreateDirectory(settings.WorkDirectory);
    }

    /// <inheritdoc/>
    public TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(job);
        string requestFile = Path.Combine(_settings.WorkDirectory, $"trial-{job.TrialId}.json");
        string cancelFile = Path.Combine(_settings.WorkDirectory, $"trial-{job.TrialId}.cancel");
        File.Delete(cancelFile);
        new WorkerRequest(Path.GetFullPath(_settings.Database), _settings.RunId, job.TrialId, _settings.Preset, job.Options, cancelFile).Save(requestFile);

        var psi = new ProcessStartInfo(_settings.Launch.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in _settings.Launch.PrefixArguments) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("worker");
        psi.ArgumentList.Add("--request");
        psi.ArgumentList.Add(requestFile);

        var tail = new Queue<string>();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (ProgressLine.TryParse(e.Data) is { } p) progress?.Report(p);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > StderrTailLines) tail.Dequeue();
            }
        };
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _started?.Invoke(process);

        (TrialState State, string Error)? killed = null;
        double? cancelledAt = null;
        while (!process.WaitForExit(100))
        {
            double t = watch.Elapsed.TotalSeconds;
            if (cancellation.IsCancellationRequested && cancelledAt is null)
            {
                cancelledAt = t;
                File.WriteAllText(cancelFile, "stop");
            }

            if (cancelledAt is { } c && t - c > CancelGraceSeconds)
            {
                killed = (TrialState.Interrupted, $"did not stop within {CancelGraceSeconds} s of Ctrl+C and was killed; re-run the same command to resume");
            }
            else if (t > _settings.WallClockLimitSeconds + KillGraceSeconds)
            {
                killed = (TrialState.TimedOut, $"worker exceeded the wall-clock limit of {TrialCheckpoint.Seconds(_settings.WallClockLimitSeconds)} and was killed");
            }
            else if (_settings.MaxMemoryBytes is { } max && Rss(process) is { } rss && rss > max)
            {
                killed = (TrialState.Failed, $"worker used {rss >> 20} MB resident memory, above --max-memory {max >> 20} MB, and was killed");
            }

            if (killed is not null)
            {
                Kill(process);
                break;
            }
        }

        process.WaitForExit(); // drains the output readers
        string stderrTail;
        lock (tail) stderrTail = string.Join('\n', tail);
        return Conclude(job, process.ExitCode, killed, stderrTail);
    }

    private TrialOutcome Conclude(TrialJob job, int exitCode, (TrialState State, string Error)? killed, string stderrTail)
    {
        var row = _store.Trials(_settings.RunId).Single(t => t.Id == job.TrialId);
        var evals = _store.Evals(job.TrialId);
        var spec = job.WorkloadSpec;
        double? ttt = evals.FirstOrDefault(e => e.Metrics.TryGetValue("validation/" + spec.TargetMetric, out double v) && spec.MeetsValidationTarget(v))?.SubmissionSeconds;
        bool ended = StoredTrials.IsFinished(row.State) || (row.State == TrialState.Interrupted && killed is null);
        if (ended) return new TrialOutcome(row.State, row.Steps, row.SubmissionSeconds, ttt, row.MedianStepSeconds, row.Error);

        string why = killed?.Error ?? $"worker process exited with code {exitCode}{Signal(exitCode)} without recording the trial's end";
        if (stderrTail.Length > 0) why += "\n--- worker stderr (last lines) ---\n" + stderrTail;
        var state = killed?.State ?? TrialState.Failed;
        long steps = evals.Count > 0 ? evals[^1].Step : 0;
        double submission = evals.Count > 0 ? evals[^1].SubmissionSeconds : 0;
        _store.FinishTrial(job.TrialId, state, why, steps, submission, row.MedianStepSeconds);
        return new TrialOutcome(state, steps, submission, ttt, row.MedianStepSeconds, why);
    }

    private static string Signal(int exitCode) =>
        !OperatingSystem.IsWindows() && exitCode > 128 && exitCode < 160 ? string.Create(CultureInfo.InvariantCulture, $" (signal {exitCode - 128})") : string.Empty;

    private static long? Rss(Process p)
    {
        try
        {
            p.Refresh();
            return p.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return null; // exited meanwhile
        }
    }

    private static void Kill(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
