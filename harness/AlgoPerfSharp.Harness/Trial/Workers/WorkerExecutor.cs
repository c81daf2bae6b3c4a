using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>Limits and locations of worker processes.</summary>
/// <param name="Database">Results database the parent writes (workers only send it rows).</param>
/// <param name="RunId">The run.</param>
/// <param name="Preset">Workload preset the worker builds.</param>
/// <param name="WorkDirectory">Where request files and the workers' scratch folders go (one per run instance and attempt).</param>
/// <param name="MaxMemoryBytes">Kill a worker whose resident memory (with its children) exceeds this (null = no guard).</param>
/// <param name="Launch">How to start the worker.</param>
public sealed record WorkerSettings(
    string Database, long RunId, string? Preset, string WorkDirectory, long? MaxMemoryBytes, WorkerLaunch Launch)
{
    /// <summary>Times a worker that crashed or was killed from outside is restarted from its trial's checkpoint before the trial counts as failed.</summary>
    public int Retries { get; init; } = 1;

    /// <summary>The sandbox workers run in; null = probe for bubblewrap when the executor is created.</summary>
    public WorkerSandbox? Sandbox { get; init; }
}

/// <summary>
/// Runs each trial in a worker process (this binary's hidden <c>worker</c> command, sandboxed by
/// <see cref="WorkerSandbox"/> when possible) and supervises it. The worker never opens the results database: it sends
/// its rows (<see cref="WorkerMessages"/>), which this process checks (<see cref="StoreRecorder"/>) and writes, then
/// acknowledges; a row that breaks the rules kills the worker and fails the trial with a one-line error. Progress lines
/// are forwarded. The child's resident memory (with its children) is polled and a child above the limit is killed
/// (Failed); a child past its trial's wall-clock limit (<see cref="TrialRunnerOptions.WallClockLimit"/>) is killed (TimedOut); a child that crashes (exception,
/// <c>FailFast</c>, signal) is restarted from its checkpoint up to <see cref="WorkerSettings.Retries"/> times, then its
/// trial fails with the exit code and the last <see cref="BoundedTail.DefaultCapacity"/> bytes of its stderr.
/// Cancellation sends <c>stop</c> on the worker's stdin (each worker has its own pipe, so stopping one run never
/// stops another's worker): the worker finishes its step, checkpoints and reports the trial as Interrupted. The
/// worker holds its trial's lease (<see cref="TrialJob.Lease"/>) as long as it lives.
/// </summary>
public sealed class WorkerExecutor : ITrialExecutor
{
    /// <summary>Extra seconds a worker gets past its wall-clock limit to stop on its own before it is killed.</summary>
    public const double KillGraceSeconds = 2;

    /// <summary>Seconds a worker gets to stop after cancellation before it is killed.</summary>
    public const double CancelGraceSeconds = 60;

    private const double ExitDrainSeconds = 5;
    private const double MemoryPollSeconds = 0.25; // a /proc scan of the worker's process tree
    private const string TooLong = "\0too long";

    private readonly ResultsStore _store;
    private readonly WorkerSettings _settings;
    private readonly WorkerSandbox _sandbox;
    private readonly Action<Process>? _started;

    /// <summary>Creates an executor; <paramref name="started"/> sees each worker process once it runs (tests).</summary>
    public WorkerExecutor(ResultsStore store, WorkerSettings settings, Action<Process>? started = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Retries);
        _started = started;
        _sandbox = settings.Sandbox ?? WorkerSandbox.Probe();
        Directory.CreateDirectory(settings.WorkDirectory);
    }

    /// <summary>Whether workers run in a sandbox.</summary>
    public bool Sandboxed => _sandbox.Bwrap is not null;

    /// <inheritdoc/>
    public string? Notice => _sandbox.Warning;

    /// <inheritdoc/>
    public TrialOutcome Execute(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(job);
        string? checkpoint = job.Options.CheckpointDirectory is { } root ? TrialCheckpoint.Folder(root, job.Spec.Key) : null;
        if (Sandboxed && job.Options.CheckpointDirectory is { } dir && IsInside(_settings.Database, dir))
        {
            return Conclude(job, TrialState.Failed, $"the checkpoint folder {dir} contains the results database, which workers could then write; pass --checkpoints elsewhere", string.Empty);
        }

        for (int attempt = 0; ; attempt++)
        {
            var a = RunOnce(job, progress, cancellation);
            if (a.Outcome is { } done) return done;
            bool retry = a.Retryable && attempt < _settings.Retries && checkpoint is not null && TrialCheckpoint.Exists(checkpoint) && !cancellation.IsCancellationRequested;
            if (retry) continue;
            string why = attempt == 0 ? a.Why : string.Create(CultureInfo.InvariantCulture, $"{a.Why} (after {attempt} restart{(attempt == 1 ? "" : "s")} from its checkpoint)");
            return Conclude(job, a.State, why, a.StderrTail);
        }
    }

    private sealed record Attempt(TrialOutcome? Outcome, TrialState State, string Why, bool Retryable, string StderrTail);

    private Attempt RunOnce(TrialJob job, IProgress<TrialProgress>? progress, CancellationToken cancellation)
    {
        var recorder = new StoreRecorder(_store, job.TrialId, job.Options.MaxSteps);
        bool startedBefore = recorder.Start();
        var stored = _store.Trials(_settings.RunId).Single(t => t.Id == job.TrialId);
        // per run instance and attempt: nothing another run (or an orphan of this one) uses
        string instance = string.Create(CultureInfo.InvariantCulture, $"trial-{job.TrialId}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string requestFile = Path.Combine(_settings.WorkDirectory, instance + ".json");
        string scratch = Path.Combine(_settings.WorkDirectory, instance + ".tmp");
        new WorkerRequest(stored, _settings.Preset, job.Options, startedBefore, _store.Evals(job.TrialId)).Save(requestFile);
        var writable = new List<string> { scratch };
        if (job.Options.CheckpointDirectory is { } ckpt) writable.Add(ckpt);
        var psi = _sandbox.StartInfo(_settings.Launch.FileName, [.. _settings.Launch.PrefixArguments, "worker", "--request", requestFile], writable);
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;

        double wallLimit = job.Options.WallClockLimit(job.WorkloadSpec, job.Spec);
        var tail = new BoundedTail();
        using var lines = new BlockingCollection<string>();
        using var process = new Process { StartInfo = psi };
        try
        {
            var watch = Stopwatch.StartNew();
            if (job.Lease is { } lease)
            {
                lease.Start(process.Start);
                lease.Describe(string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} (worker {process.Id})"));
            }
            else
            {
                process.Start();
            }

            var reader = new Thread(() => ReadLines(process.StandardOutput.BaseStream, lines, progress)) { IsBackground = true, Name = "worker stdout" };
            var errors = new Thread(() => tail.Drain(process.StandardError.BaseStream)) { IsBackground = true, Name = "worker stderr" };
            reader.Start();
            errors.Start();
            _started?.Invoke(process);

            (TrialState State, string Error)? killed = null;
            TrialEnd? end = null;
            double? cancelledAt = null, exitedAt = null;
            double nextMemoryPoll = 0;
            while (!lines.IsCompleted)
            {
                if (lines.TryTake(out string? line, 100, CancellationToken.None) && killed is null && Handle(line, recorder, process, tail, ref end) is { } violation)
                {
                    killed = (TrialState.Failed, violation);
                    Kill(process);
                }

                double t = watch.Elapsed.TotalSeconds;
                if (process.HasExited)
                {
                    // a grandchild that kept stdout open must not keep us waiting
                    exitedAt ??= t;
                    if (t - exitedAt > ExitDrainSeconds) break;
                    continue;
                }

                if (killed is not null) continue;
                if (cancellation.IsCancellationRequested && cancelledAt is null)
                {
                    cancelledAt = t;
                    Tell(process, WorkerMessages.Stop);
                }

                if (cancelledAt is { } c && t - c > CancelGraceSeconds)
                {
                    killed = (TrialState.Interrupted, $"did not stop within {CancelGraceSeconds} s of Ctrl+C and was killed; re-run the same command to resume");
                }
                else if (t > wallLimit + KillGraceSeconds)
                {
                    killed = (TrialState.TimedOut, $"worker exceeded the wall-clock limit of {TrialCheckpoint.Seconds(wallLimit)} and was killed");
                }
                else if (_settings.MaxMemoryBytes is { } max && t >= nextMemoryPoll)
                {
                    nextMemoryPoll = t + MemoryPollSeconds;
                    if (Rss(process) is { } rss && rss > max) killed = (TrialState.Failed, $"worker used {rss >> 20} MB resident memory, above --max-memory {max >> 20} MB, and was killed");
                }

                if (killed is not null) Kill(process);
            }

            process.WaitForExit();
            errors.Join(TimeSpan.FromSeconds(ExitDrainSeconds));
            if (end is { State: TrialState.Interrupted } && killed is null && !cancellation.IsCancellationRequested)
            {
                // stopped from outside (SIGTERM, e.g. its bwrap died): like a crash, worth a restart from the checkpoint
                return new Attempt(null, TrialState.Interrupted, "worker was stopped from outside (SIGTERM) after its checkpoint; re-run the same command to resume", Retryable: true, tail.ToString());
            }

            if (end is not null && killed is null)
            {
                var evals = _store.Evals(job.TrialId);
                return new Attempt(new TrialOutcome(end.State, end.Steps, end.SubmissionSeconds, TimeToTarget(job, evals), end.MedianStepSeconds, end.Error), end.State, string.Empty, false, string.Empty);
            }

            string why = killed?.Error ?? $"worker process exited with code {process.ExitCode}{Signal(process.ExitCode)} without recording the trial's end";
            return new Attempt(null, killed?.State ?? TrialState.Failed, why, Retryable: killed is null, tail.ToString());
        }
        finally
        {
            Kill(process);
            TryDelete(requestFile);
            try
            {
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // a file still open; the folder is per instance and harmless
            }
        }
    }

    // Applies one line from the worker; returns why the worker must be stopped, or null.
    private static string? Handle(string line, StoreRecorder recorder, Process process, BoundedTail tail, ref TrialEnd? end)
    {
        try
        {
            if (line == TooLong) return $"worker wrote a line over {WorkerMessages.MaxLineChars} characters on its protocol channel";
            if (line.StartsWith(WorkerMessages.Rewind, StringComparison.Ordinal))
            {
                if (!long.TryParse(line.AsSpan(WorkerMessages.Rewind.Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long step)) return "worker sent a malformed rewind line";
                recorder.Rewind(step);
            }
            else if (line.StartsWith(WorkerMessages.Eval, StringComparison.Ordinal))
            {
                var row = JsonSerializer.Deserialize<StoredEval>(line.AsSpan(WorkerMessages.Eval.Length), WorkerMessages.Json) ?? throw new JsonException("null row");
                if (row.Metrics is null || row.Diagnostics is null) throw new JsonException("a row without metrics or diagnostics");
                recorder.Append(row);
                Tell(process, WorkerMessages.Ack);
            }
            else if (line.StartsWith(WorkerMessages.Finish, StringComparison.Ordinal))
            {
                var e = JsonSerializer.Deserialize<TrialEnd>(line.AsSpan(WorkerMessages.Finish.Length), WorkerMessages.Json) ?? throw new JsonException("null end");
                recorder.Finish(e);
                end = e;
            }
            else if (ProgressLine.TryParse(line) is null)
            {
                tail.Append(Encoding.UTF8.GetBytes(line + "\n")); // stray output (e.g. the runtime before the worker took over stdout)
            }

            return null;
        }
        catch (TrialRecordException e)
        {
            return "worker sent an invalid record: " + e.Message;
        }
        catch (JsonException e)
        {
            return "worker sent a malformed record: " + e.Message.ReplaceLineEndings(" ");
        }
    }

    // Splits the worker's stdout into lines of at most MaxLineChars (longer ones become TooLong), forwarding progress lines at once.
    private static void ReadLines(Stream stdout, BlockingCollection<string> lines, IProgress<TrialProgress>? progress)
    {
        try
        {
            var buffer = new byte[16 * 1024];
            var line = new MemoryStream();
            bool overlong = false;
            int n;
            while ((n = stdout.Read(buffer)) > 0)
            {
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    Take(buffer.AsSpan(start, i - start));
                    Emit();
                    start = i + 1;
                }

                Take(buffer.AsSpan(start, n - start));
            }

            if (line.Length > 0) Emit();

            void Take(ReadOnlySpan<byte> bytes)
            {
                if (overlong) return;
                if (line.Length + bytes.Length > WorkerMessages.MaxLineChars)
                {
                    // said at once (the line may never end); the rest of it is dropped
                    overlong = true;
                    line.SetLength(0);
                    lines.Add(TooLong);
                    return;
                }

                line.Write(bytes);
            }

            void Emit()
            {
                if (overlong)
                {
                    overlong = false;
                    return;
                }

                string text = Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');
                line.SetLength(0);
                if (ProgressLine.TryParse(text) is { } p) progress?.Report(p);
                else lines.Add(text);
            }
        }
        catch (IOException)
        {
            // the pipe broke: same as its end
        }
        finally
        {
            lines.CompleteAdding();
        }
    }

    private TrialOutcome Conclude(TrialJob job, TrialState state, string why, string stderrTail)
    {
        var row = _store.Trials(_settings.RunId).Single(t => t.Id == job.TrialId);
        var evals = _store.Evals(job.TrialId);
        if (stderrTail.Length > 0) why += "\n--- worker stderr (last bytes) ---\n" + stderrTail;
        long steps = evals.Count > 0 ? evals[^1].Step : 0;
        double submission = evals.Count > 0 ? evals[^1].SubmissionSeconds : 0;
        _store.FinishTrial(job.TrialId, state, why, steps, submission, row.MedianStepSeconds);
        return new TrialOutcome(state, steps, submission, TimeToTarget(job, evals), row.MedianStepSeconds, why);
    }

    private static double? TimeToTarget(TrialJob job, IReadOnlyList<StoredEval> evals)
    {
        var spec = job.WorkloadSpec;
        return evals.FirstOrDefault(e => e.Metrics.TryGetValue("validation/" + spec.TargetMetric, out double v) && spec.MeetsValidationTarget(v))?.SubmissionSeconds;
    }

    private static bool IsInside(string file, string folder)
    {
        string f = Path.GetFullPath(file), d = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return f.StartsWith(d, StringComparison.Ordinal);
    }

    private static void Tell(Process process, string line)
    {
        try
        {
            process.StandardInput.WriteLine(line);
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // the worker is gone; its exit is handled by the loop
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // left behind; per instance, harmless
        }
    }

    private static string Signal(int exitCode) =>
        !OperatingSystem.IsWindows() && exitCode > 128 && exitCode < 160 ? string.Create(CultureInfo.InvariantCulture, $" (signal {exitCode - 128})") : string.Empty;

    private static long? Rss(Process p)
    {
        try
        {
            if (ProcessTree.ResidentBytes(p.Id) is { } tree) return tree;
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
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone or never started
        }
    }
}
