using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// Runs one trial in this process under AlgoPerf's timing rules and records it through an <see cref="ITrialRecorder"/>:
/// <list type="bullet">
/// <item>untimed set-up: model from the init seed, algorithm init, batch stream from the data seed;</item>
/// <item>timed: every update step (batch selection, forward, backward, optimizer), prepare-for-eval and the algorithm's
///   <c>Diagnostics()</c> (plugin code between steps never escapes the clock);</item>
/// <item>an eval is due when the submission time since the last eval reaches the eval period (and after step 1);
///   the budget (max runtime × ruleset multiplier) is checked there — an exhausted budget ends the trial without an
///   eval; otherwise the clock pauses for the (untimed) eval of validation and test, and the row is recorded (±∞ metrics
///   as NaN);</item>
/// <item>a checkpoint is written at the worker's first eval, then at the first eval
///   <see cref="TrialRunnerOptions.CheckpointIntervalSeconds"/> of wall time after the previous one, and on cancellation;</item>
/// <item>the algorithm's untimed <c>SaveState</c>/<c>LoadState</c> (checkpoints) are bounded: their total may not exceed
///   <see cref="UntimedPluginAllowanceSeconds"/> + <see cref="UntimedPluginFraction"/> × the timed seconds, else the
///   trial fails (their time is also part of each row's logging seconds);</item>
/// <item>the trial stops at the validation target, at the budget, when the loss is NaN/∞ (diverged), when the
///   algorithm throws (failed), past the wall-clock limit (timed out) or on cancellation (interrupted, after a
///   checkpoint, resumable). A resume continues the step count, the timed seconds and the wall-clock total.</item>
/// </list>
/// With <see cref="TrialRunnerOptions.MeasureMemory"/> the outcome also carries this process's resident memory before
/// the algorithm's Init and after the last step, and the algorithm's checkpoint-state bytes (<see cref="TrialMemory"/>).
/// Every step and eval runs inside a DisposeScope. Not thread-safe; one trial at a time.
/// </summary>
public sealed class TrialRunner
{
    /// <summary>Seconds the algorithm's untimed SaveState/LoadState may take in total before the fraction applies.</summary>
    public const double UntimedPluginAllowanceSeconds = 5;

    /// <summary>Fraction of the timed seconds the algorithm's untimed SaveState/LoadState may take on top of the allowance.</summary>
    public const double UntimedPluginFraction = 0.05;

    private readonly ResultsStore? _store;
    private readonly IClock _clock;
    private readonly IProgress<TrialProgress>? _progress;
    private readonly List<double> _updateTimes = [];
    private TrialMemory? _memory;

    /// <summary>Creates a runner whose <see cref="Run(long, TrialSpec, IWorkload, ITrainingAlgorithm, TrialRunnerOptions, CancellationToken)"/> writes to <paramref name="store"/>.</summary>
    public TrialRunner(ResultsStore store, IClock? clock = null, IProgress<TrialProgress>? progress = null)
        : this(clock, progress)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>Creates a runner that records through the recorder each run is given.</summary>
    public TrialRunner(IClock? clock = null, IProgress<TrialProgress>? progress = null)
    {
        _clock = clock ?? StopwatchClock.Instance;
        _progress = progress;
    }

    /// <summary>Runs (or resumes from its checkpoint) trial <paramref name="trialId"/> of the store this runner was created with.</summary>
    public TrialOutcome Run(long trialId, TrialSpec spec, IWorkload workload, ITrainingAlgorithm algorithm, TrialRunnerOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = _store ?? throw new InvalidOperationException("this TrialRunner has no results store; pass a recorder");
        return Run(new StoreRecorder(store, trialId, options.MaxSteps), spec, workload, algorithm, options, cancellation);
    }

    /// <summary>Runs (or resumes from its checkpoint) the trial <paramref name="spec"/>, recording it through <paramref name="recorder"/>.</summary>
    public TrialOutcome Run(ITrialRecorder recorder, TrialSpec spec, IWorkload workload, ITrainingAlgorithm algorithm, TrialRunnerOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(options);
        var ws = workload.Spec;
        double budget = options.BudgetSeconds(ws, spec);
        double wallLimit = options.WallClockLimit(ws, spec);
        double evalPeriod = options.EvalPeriodSeconds ?? ws.EvalPeriodSeconds;
        double wallStart = _clock.Now();
        var h = spec.Hyperparameters;
        string? invalid = TrialHyperparameters.Problem(h, algorithm); // a stored or fixed point with a bad key fails before training
        string? checkpoint = options.CheckpointDirectory is null ? null : TrialCheckpoint.Folder(options.CheckpointDirectory, spec.Key);
        string name = algorithm.Name;

        _updateTimes.Clear();
        _memory = null;
        bool resuming = recorder.Start();
        // A checkpoint for a trial this database has never started is not this trial's (e.g. left by a deleted or
        // another database at the same path): resuming from it would report someone else's steps as ours.
        if (!resuming && checkpoint is not null) TrialCheckpoint.Delete(checkpoint);
        if (invalid is not null) return Finish(recorder, TrialState.Failed, invalid, 0, 0, null, []);
        double labelSmoothing = h.GetDouble("label_smoothing", 0);
        double dropout = h.GetDouble("dropout_rate", 0);

        // ---- untimed set-up ------------------------------------------------------------------------------------
        try
        {
            workload.Device = Device.Parse(options.Device); // the model is built on the CPU, then moved there
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return Finish(recorder, TrialState.Failed, $"cannot train on device '{options.Device}': {OneLine(e.Message)}", 0, 0, null, []);
        }

        using var model = workload.CreateModel(spec.InitSeed, dropout);
        var parameters = model.Parameters.Select(p => p.ToModelParameter()).ToList();
        var info = ws.Info(budget) with { SupportsHessianVectorProducts = workload.TwiceDifferentiable };
        if (options.StepHint is { } stepHint) info = info with { StepHint = stepHint };
        int batchSize = algorithm.BatchSize(info);
        ITrainingRun run;
        var beforeInit = options.MeasureMemory ? ResidentMemory.Read() : default; // runtime, libtorch, data and model, no algorithm yet
        try
        {
            var (multipliers, note) = Transfer.WidthTransfer.Resolve(workload, algorithm, parameters, h);
            if (note is not null) Console.Error.WriteLine(note);
            run = algorithm.Init(new AlgorithmInitContext(parameters, h, info, spec.AlgorithmSeed) { Multipliers = multipliers });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Finish(recorder, TrialState.Failed, $"{name}.Init threw {e.GetType().Name}: {OneLine(e.Message)}", 0, 0, null, []);
        }

        using var runScope = run;
        var counters = new TrialCounters(0, 0, 0, 0, 0, 0, [], []);
        double pluginSeconds = 0;
        if (checkpoint is not null && TrialCheckpoint.Exists(checkpoint))
        {
            try
            {
                counters = TrialCheckpoint.Load(checkpoint, state =>
                {
                    using var noGrad = Autograd.NoGrad();
                    model.Module.LoadStateDict(state);
                }, state =>
                {
                    double s0 = _clock.Now();
                    run.LoadState(state);
                    pluginSeconds += _clock.Now() - s0;
                });
            }
            catch (Exception e) when (e is not OutOfMemoryException and not IOException and not InvalidDataException)
            {
                return Finish(recorder, TrialState.Failed, $"{name}.LoadState threw {e.GetType().Name}: {OneLine(e.Message)}", 0, 0, null, []);
            }

            pluginSeconds += counters.UntimedPluginSeconds;
        }

        var kept = recorder.Rewind(counters.Step);
        // Checkpoints older than TotalSeconds carry 0: continue from the last row kept instead.
        double totalBase = Math.Max(counters.TotalSeconds, kept?.TotalSeconds ?? 0);
        double? timeToTarget = FirstTargetTime(counters.History, ws);
        using var batches = workload.TrainBatches(spec.DataSeed, batchSize, counters.NextBatchIndex);
        long step = counters.Step;
        double submission = counters.SubmissionSeconds, evalSeconds = counters.EvalSeconds, loggingSeconds = counters.LoggingSeconds;
        double lastEvalAt = counters.LastEvalSubmissionSeconds;
        var history = counters.History;
        var stepTimes = counters.StepSeconds;
        double lastMetric = history.Count > 0 && history[^1].Metrics.TryGetValue("validation/" + ws.TargetMetric, out double lm) ? lm : double.NaN;
        model.Module.Train();

        var spent = new OracleSpending();
        double lastCheckpointAt = double.NegativeInfinity; // the first eval of every (re)start checkpoints: a killed worker always has one to restart from
        double Total() => totalBase + (_clock.Now() - wallStart);
        TrialCounters Snapshot() => new(step, submission, evalSeconds, loggingSeconds, lastEvalAt, batches.NextIndex, history, stepTimes, Total(), pluginSeconds);

        // Untimed, but bounded: returns why the trial must fail, or null.
        string? SaveCheckpoint(string folder)
        {
            double c0 = _clock.Now();
            using (var scope = new DisposeScope())
            {
                AlgorithmState state;
                double s0 = _clock.Now();
                try
                {
                    state = run.SaveState();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return $"{name}.SaveState threw {e.GetType().Name} at step {step}: {OneLine(e.Message)}";
                }

                pluginSeconds += _clock.Now() - s0;
                using (state)
                {
                    TrialCheckpoint.Save(folder, model.Module.StateDict(), state, Snapshot());
                }
            }

            loggingSeconds += _clock.Now() - c0;
            lastCheckpointAt = _clock.Now();
            double bound = UntimedPluginAllowanceSeconds + (UntimedPluginFraction * submission);
            return pluginSeconds <= bound ? null : string.Create(CultureInfo.InvariantCulture,
                $"{name}.SaveState/LoadState took {pluginSeconds:F1} s untimed in total, above the bound of {UntimedPluginAllowanceSeconds} s + {UntimedPluginFraction * 100:0.##}% of the {submission:F1} s timed; keep training work in Update");
        }

        // ---- the loop ------------------------------------------------------------------------------------------
        while (true)
        {
            if (cancellation.IsCancellationRequested)
            {
                if (checkpoint is not null && SaveCheckpoint(checkpoint) is { } bad) return Finish(recorder, TrialState.Failed, bad, step, submission, timeToTarget, stepTimes);
                return Finish(recorder, TrialState.Interrupted, "interrupted (Ctrl+C); re-run the same command to resume", step, submission, timeToTarget, stepTimes);
            }

            if (_clock.Now() - wallStart > wallLimit)
            {
                return Finish(recorder, TrialState.TimedOut, $"exceeded the wall-clock limit of {TrialCheckpoint.Seconds(wallLimit)}", step, submission, timeToTarget, stepTimes);
            }

            double loss;
            StepContext context;
            double t0 = _clock.Now();
            using (var scope = new DisposeScope())
            {
                var oracle = new StepOracle(workload, model, batches, batches.Next(), labelSmoothing, algorithm.AcceptsSparseGradients);
                context = new StepContext(step, parameters, info, submission, history, oracle);
                try
                {
                    double u0 = _clock.Now();
                    loss = run.Update(context);
                    _updateTimes.Add(_clock.Now() - u0);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return Finish(recorder, TrialState.Failed, $"{name}.Update threw {e.GetType().Name} at step {step}: {OneLine(e.Message)}", step, submission, timeToTarget, stepTimes);
                }
            }

            double dt = _clock.Now() - t0;
            spent.Add(context);
            submission += dt;
            stepTimes.Add(dt);
            step++;
            if (!double.IsFinite(loss))
            {
                return Finish(recorder, TrialState.Diverged, $"training loss became {loss} at step {step}", step, submission, timeToTarget, stepTimes);
            }

            bool capped = options.MaxSteps is { } max && step >= max;
            if (capped && options.MeasureMemory && MeasureMemory(name, run, beforeInit) is { } unmeasured)
            {
                return Finish(recorder, TrialState.Failed, unmeasured, step, submission, timeToTarget, stepTimes);
            }

            bool due = options.EvalEverySteps is { } every ? step % every == 0 : step == 1 || submission - lastEvalAt >= evalPeriod;
            if (!due && !capped)
            {
                _progress?.Report(new TrialProgress(step, loss, submission, budget, lastMetric, ws.ValidationTarget));
                continue;
            }

            // prepare-for-eval and the algorithm's diagnostics are timed
            double p0 = _clock.Now();
            Dictionary<string, double> diagnostics;
            try
            {
                using var scope = new DisposeScope();
                run.PrepareForEval(context);
                diagnostics = new Dictionary<string, double>(run.Diagnostics(), StringComparer.Ordinal);
                spent.Report(diagnostics);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Finish(recorder, TrialState.Failed, $"{name}.PrepareForEval/Diagnostics threw {e.GetType().Name} at step {step}: {OneLine(e.Message)}", step, submission, timeToTarget, stepTimes);
            }

            submission += _clock.Now() - p0;
            if (submission >= budget)
            {
                return Finish(recorder, TrialState.Completed, null, step, submission, timeToTarget, stepTimes);
            }

            // eval is untimed
            double e0 = _clock.Now();
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["train/loss"] = loss };
            foreach (var (k, v) in workload.Evaluate(model, DataSplit.Validation)) metrics["validation/" + k] = Recordable(v);
            if (options.EvaluateTest)
            {
                foreach (var (k, v) in workload.Evaluate(model, DataSplit.Test)) metrics["test/" + k] = Recordable(v);
            }

            model.Module.Train();
            evalSeconds += _clock.Now() - e0;
            lastEvalAt = submission;

            double l0 = _clock.Now();
            try
            {
                recorder.Append(new StoredEval(step, submission, evalSeconds, loggingSeconds, Total(), metrics, diagnostics));
            }
            catch (TrialRecordException e)
            {
                return Finish(recorder, TrialState.Failed, e.Message, step, submission, timeToTarget, stepTimes);
            }

            history.Add(new EvalRecord(step, submission, metrics));
            lastMetric = metrics.GetValueOrDefault("validation/" + ws.TargetMetric, double.NaN);
            bool reached = ws.MeetsValidationTarget(lastMetric);
            if (reached) timeToTarget ??= submission;
            loggingSeconds += _clock.Now() - l0;
            _progress?.Report(new TrialProgress(step, loss, submission, budget, lastMetric, ws.ValidationTarget));

            if ((reached && options.StopAtTarget) || capped)
            {
                return Finish(recorder, TrialState.Completed, null, step, submission, timeToTarget, stepTimes);
            }

            if (checkpoint is not null && _clock.Now() - lastCheckpointAt >= options.CheckpointIntervalSeconds && SaveCheckpoint(checkpoint) is { } problem)
            {
                return Finish(recorder, TrialState.Failed, problem, step, submission, timeToTarget, stepTimes);
            }
        }
    }

    /// <summary>
    /// After the last step (untimed): the resident set and its peak first, then the bytes of the algorithm's checkpoint
    /// state (whose copies are thus not in the resident figures). Returns why the trial must fail, or null.
    /// </summary>
    private string? MeasureMemory(string name, ITrainingRun run, ResidentMemory beforeInit)
    {
        var afterSteps = ResidentMemory.Read();
        using var scope = new DisposeScope();
        try
        {
            using var state = run.SaveState();
            _memory = new TrialMemory(beforeInit.ResidentBytes, afterSteps.ResidentBytes, afterSteps.PeakBytes, Optimizers.Memory.StateSize.Measure(state), state.Tensors.Count);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"{name}.SaveState threw {e.GetType().Name} while measuring memory: {OneLine(e.Message)}";
        }
    }

    private static double? FirstTargetTime(IReadOnlyList<EvalRecord> history, WorkloadSpec ws)
    {
        foreach (var r in history)
        {
            if (r.Metrics.TryGetValue("validation/" + ws.TargetMetric, out double v) && ws.MeetsValidationTarget(v)) return r.SubmissionTimeSeconds;
        }

        return null;
    }

    private TrialOutcome Finish(ITrialRecorder recorder, TrialState state, string? error, long steps, double submission, double? timeToTarget, List<double> stepTimes)
    {
        double median = stepTimes.Count == 0 ? 0 : Scoring.SampleStatistics.Median(stepTimes);
        recorder.Finish(new TrialEnd(state, error, steps, submission, median));
        return new TrialOutcome(state, steps, submission, timeToTarget, median, error)
        {
            MedianUpdateSeconds = _updateTimes.Count == 0 ? 0 : Scoring.SampleStatistics.Median(_updateTimes),
            Memory = _memory,
        };
    }

    // A metric that overflowed is recorded as NaN (diverged): it can never meet a target, and ±∞ rows are refused.
    private static double Recordable(double v) => double.IsInfinity(v) ? double.NaN : v;

    private static string OneLine(string s) => Reports.SafeText.Terminal(s.ReplaceLineEndings(" "));
}
