using System.Globalization;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>What to sweep.</summary>
/// <param name="RunLabel">Run label in the results database; re-running the same label resumes it.</param>
/// <param name="Workloads">Workload names.</param>
/// <param name="Algorithms">Algorithm names or plugin specs.</param>
/// <param name="Ruleset">External or self tuning.</param>
/// <param name="Studies">Studies (independent repetitions).</param>
/// <param name="Trials">Trials per study (external tuning).</param>
/// <param name="Seed">Sweep seed: every trial's seeds derive from it.</param>
/// <param name="SearchSpace">Overrides the algorithms' own search spaces (external tuning).</param>
/// <param name="ShardIndex">This process's shard (0-based).</param>
/// <param name="ShardCount">Number of shards.</param>
/// <param name="Options">Per-trial options.</param>
/// <param name="FirstTrial">
/// The index of the first trial of each study (external tuning): trials are numbered from it, so a run that continues
/// another's search (e.g. a transfer ladder's edge extension) has trial keys and seeds of its own.
/// </param>
/// <param name="CommonSeeds">
/// Every trial of a study draws its data order and initial weights from the seeds of the study's trial 0 (common
/// random numbers), so trials differ only in their hyperparameters: a paired comparison of points, as a transfer
/// ladder needs. Off (AlgoPerf's external tuning): each trial has seeds of its own.
/// </param>
public sealed record SweepRequest(
    string RunLabel, IReadOnlyList<string> Workloads, IReadOnlyList<string> Algorithms, TuningRuleset Ruleset, int Studies, int Trials,
    ulong Seed, SearchSpace? SearchSpace, int ShardIndex, int ShardCount, TrialRunnerOptions Options, int FirstTrial = 0, bool CommonSeeds = false);

/// <summary>What a sweep did.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Planned">Trials in this shard.</param>
/// <param name="Ran">Trials run (or resumed) now.</param>
/// <param name="Skipped">Trials already finished in an earlier invocation.</param>
/// <param name="Interrupted">Whether Ctrl+C stopped the sweep.</param>
public sealed record SweepSummary(long RunId, int Planned, int Ran, int Skipped, bool Interrupted)
{
    /// <summary>Trials not run because another process held their lease (re-run once it has finished).</summary>
    public int Busy { get; init; }
}

/// <summary>
/// Runs a sweep's trials one after the other in this process, recording everything in the results store. Idempotent:
/// finished trials are skipped and interrupted ones resume from their checkpoints, so re-running the same command
/// after a crash or Ctrl+C continues where it stopped. One workload instance (its data) is kept per workload. Each trial
/// runs under its <see cref="TrialLease"/>: a trial another process (another sweep on the same database, or the
/// orphaned worker of a killed one) is running is refused with a line naming that process, and the sweep goes on with
/// the next trial.
/// </summary>
public sealed class SweepRunner
{
    private readonly ResultsStore _store;
    private readonly Func<string, IWorkload> _workloads;
    private readonly Func<string, ITrainingAlgorithm> _algorithms;
    private readonly IClock? _clock;
    private readonly TextWriter _log;
    private readonly IProgress<TrialProgress>? _progress;
    private readonly Func<long, ITrialExecutor>? _executorFor;
    private readonly ISweepObserver? _observer;
    private readonly Func<string, WorkloadSpec>? _specs;

    /// <summary>
    /// Creates a sweep runner. <paramref name="executorFor"/> gives, for the run id, where trials execute (default: in
    /// this process); <paramref name="observer"/> hears when each trial starts and ends (live displays);
    /// <paramref name="specs"/> gives a workload's constants without building it (null = build it to read them), so
    /// that a sweep whose trials run in workers never loads the data in the parent.
    /// </summary>
    public SweepRunner(
        ResultsStore store, Func<string, IWorkload> workloads, Func<string, ITrainingAlgorithm> algorithms, TextWriter log, IClock? clock = null,
        IProgress<TrialProgress>? progress = null, Func<long, ITrialExecutor>? executorFor = null, ISweepObserver? observer = null,
        Func<string, WorkloadSpec>? specs = null)
    {
        _specs = specs;
        _executorFor = executorFor;
        _observer = observer;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _workloads = workloads ?? throw new ArgumentNullException(nameof(workloads));
        _algorithms = algorithms ?? throw new ArgumentNullException(nameof(algorithms));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clock = clock;
        _progress = progress;
    }

    /// <summary>Plans, shards and runs the sweep.</summary>
    public SweepSummary Run(SweepRequest request, string command, string environmentJson, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = _store.FindRun(request.RunLabel);
        if (run is null)
        {
            run = _store.CreateRun(request.RunLabel, command, request.Seed, environmentJson);
        }
        else if (run.SweepSeed != request.Seed)
        {
            throw new ResultsStoreException(
                $"run '{request.RunLabel}' in {_store.Path} was created with seed {run.SweepSeed}, not {request.Seed}; use another --label or the same --seed");
        }

        var algorithms = request.Algorithms.Distinct().ToDictionary(a => a, _algorithms, StringComparer.Ordinal);
        foreach (var (spec, algorithm) in algorithms) _store.RecordAlgorithmVersion(run.Id, spec, AlgorithmIdentity.Of(algorithm));
        var plan = SweepPlanner.PlanSweep(request, algorithms, cancellation);
        var workloads = new Dictionary<string, IWorkload>(StringComparer.Ordinal);
        var specs = new Dictionary<string, WorkloadSpec>(StringComparer.Ordinal);
        IWorkload WorkloadNamed(string name)
        {
            if (!workloads.TryGetValue(name, out var w))
            {
                w = _workloads(name);
                workloads[name] = w;
            }

            return w;
        }

        WorkloadSpec SpecOf(string name)
        {
            if (!specs.TryGetValue(name, out var s))
            {
                s = _specs?.Invoke(name) ?? WorkloadNamed(name).Spec;
                specs[name] = s;
            }

            return s;
        }

        IReadOnlyList<TrialSpec> mine = [];
        int ran = 0, skipped = 0, busy = 0, index = 0;
        try
        {
            // Shards balance the trials' timed budgets (the same in every shard: the plan and the workloads' constants)
            double Budget(TrialSpec t) => request.Options.BudgetSeconds(SpecOf(t.Workload), t);
            mine = SweepPlanner.Shard(plan, request.ShardIndex, request.ShardCount, Budget);
            Stamp(run, new ShardStamp(ShardStamp.Fingerprint(plan, Budget), request.ShardCount, [request.ShardIndex], plan.Count, mine.Count));
            var recorded = new HashSet<string>(StringComparer.Ordinal);
            var executor = _executorFor?.Invoke(run.Id) ?? new InProcessExecutor(_store, _clock);
            if (executor.Notice is { } notice) _log.WriteLine(notice);
            foreach (var spec in mine)
            {
                // Ctrl+C between trials (e.g. one that just completed): start no new one
                if (cancellation.IsCancellationRequested) return new SweepSummary(run.Id, mine.Count, ran, skipped, Interrupted: true) { Busy = busy };
                index++;
                var stored = _store.EnsureTrial(run.Id, spec);
                string name = spec.Workload;
                var workloadSpec = SpecOf(name);
                if (recorded.Add(name))
                {
                    // checked for finished trials too: a finished run re-run at other constants is refused, not skipped
                    _store.RecordWorkloadSpec(run.Id, StoredWorkloadSpec.From(workloadSpec));
                }

                if (StoredTrials.IsFinished(stored.State))
                {
                    skipped++;
                    continue;
                }

                using var lease = TrialLease.TryAcquire(TrialLease.PathFor(_store.Path, stored.Id), out string holder);
                if (lease is null)
                {
                    busy++;
                    _log.WriteLine($"[{index}/{mine.Count}] {spec.Key}: skipped, {holder} is running it; re-run this command once it has finished");
                    continue;
                }

                // it may have finished between our look and the lease
                stored = _store.EnsureTrial(run.Id, spec);
                if (StoredTrials.IsFinished(stored.State))
                {
                    skipped++;
                    continue;
                }

                _log.WriteLine($"[{index}/{mine.Count}] {spec.Key} ({spec.Hyperparameters})");
                _observer?.TrialStarting(index, mine.Count, spec);
                var job = new TrialJob(stored.Id, spec, workloadSpec, () => WorkloadNamed(name), algorithms[spec.Algorithm], request.Options) { Lease = lease };
                var outcome = executor.Execute(job, _progress, cancellation);
                ran++;
                _log.WriteLine("    " + Describe(outcome));
                _observer?.TrialFinished(spec, outcome);
                if (outcome.State == TrialState.Interrupted)
                {
                    return new SweepSummary(run.Id, mine.Count, ran, skipped, Interrupted: true) { Busy = busy };
                }
            }
        }
        finally
        {
            foreach (var w in workloads.Values) w.Dispose();
        }

        if (busy > 0) _log.WriteLine($"{busy} trial(s) skipped because other processes are running them");
        return new SweepSummary(run.Id, mine.Count, ran, skipped, Interrupted: false) { Busy = busy };
    }

    // Records which shard of which plan this database holds for the run (a sharded sweep only: an unsharded one writes
    // nothing more than before); a database already holding another shard or another sharded plan under this label is
    // refused (its trials would be merged as this one's).
    private void Stamp(StoredRun run, ShardStamp stamp)
    {
        var stored = ShardStamp.OfShard(_store, run.Label);
        if (stored is null ? stamp.Count == 1 : stored.Same(stamp)) return; // nothing to record, or a resumed shard
        if (stored is not null)
        {
            throw new ResultsStoreException(
                $"run '{run.Label}' in {_store.Path} holds {stored.Describe()} of plan {stored.Plan} ({stored.PlanTrials} trials); this command is " +
                $"{stamp.Describe()} of plan {stamp.Plan} ({stamp.PlanTrials} trials): give every shard the same arguments and its own --db, or use another --label");
        }

        stamp.WriteShard(_store, run.Label);
    }

    /// <summary>One line describing how a trial ended.</summary>
    public static string Describe(TrialOutcome o)
    {
        string target = o.TimeToTargetSeconds is { } t ? $"target reached at {t.ToString("F1", CultureInfo.InvariantCulture)} s" : "target not reached";
        string time = o.SubmissionSeconds.ToString("F1", CultureInfo.InvariantCulture);
        string step = (o.MedianStepSeconds * 1000).ToString("F1", CultureInfo.InvariantCulture);
        return $"{o.State.ToString().ToLowerInvariant()} after {o.Steps} steps, {time} s timed, median step {step} ms; {target}" +
            (o.Error is null ? string.Empty : $" — {o.Error}");
    }
}
