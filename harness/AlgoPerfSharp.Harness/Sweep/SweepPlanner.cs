using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using SplitMix64 = AlgoPerfSharp.Workloads.Data.SplitMix64;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// Turns (workloads × algorithms × studies × trials) and one sweep seed into a deterministic list of trials.
/// External tuning: a search space of dimensions is sampled by a scrambled Halton sequence seeded per
/// (sweep seed, workload, algorithm, study) — each study draws its own points, as AlgoPerf's runner does; a fixed list
/// of points is taken in order (cycling if it is shorter than the trial count). Self-tuning: one trial per study with
/// the algorithm's defaults and budget × <see cref="SelfTuningBudgetMultiplier"/>. Every trial's seeds derive from
/// the sweep seed and its key, so they are recorded and reproducible.
/// </summary>
public static class SweepPlanner
{
    /// <summary>AlgoPerf v0.6's self-tuning budget multiplier.</summary>
    public const double SelfTuningBudgetMultiplier = TuningRulesets.SelfTuningBudgetMultiplier;

    /// <summary>
    /// The most trials one invocation may plan (every shard plans the whole sweep, then takes its part). A plan is
    /// held in memory (about a kilobyte a trial) and each trial gets a database row, so the size is checked with
    /// <see cref="CheckSize"/> before anything is built.
    /// </summary>
    public const long MaxTrials = 100_000;

    /// <summary>
    /// How many trials a sweep plans, without building them: workloads × algorithms × studies × trials per study
    /// (one per study under self-tuning). Saturates at <see cref="long.MaxValue"/> instead of overflowing.
    /// </summary>
    public static long Count(int workloads, int algorithms, TuningRuleset ruleset, int studies, int trials)
    {
        long perStudy = ruleset == TuningRuleset.SelfTuning ? 1 : Math.Max(0, trials);
        try
        {
            return checked((long)Math.Max(0, workloads) * Math.Max(0, algorithms) * Math.Max(0, studies) * perStudy);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (one line naming the factors and what to do) when the sweep
    /// <see cref="Count"/> describes exceeds <see cref="MaxTrials"/>.
    /// </summary>
    public static void CheckSize(int workloads, int algorithms, TuningRuleset ruleset, int studies, int trials)
    {
        long n = Count(workloads, algorithms, ruleset, studies, trials);
        if (n <= MaxTrials) return;
        string count = n == long.MaxValue ? "more than 9.2e18" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string perStudy = ruleset == TuningRuleset.SelfTuning ? "1 trial per study (self-tuning)" : $"{trials} trials per study";
        throw new ArgumentException(
            $"the sweep would plan {count} trials ({workloads} workloads × {algorithms} algorithms × {studies} studies × {perStudy}), " +
            $"more than the maximum of {MaxTrials}; lower --studies or --trials, or split the sweep into runs with their own --label");
    }

    /// <summary>Plans the trials of one (workload, algorithm) pair.</summary>
    public static IReadOnlyList<TrialSpec> Plan(
        string workload, ITrainingAlgorithm algorithm, string algorithmSpec, TuningRuleset ruleset, int studies, int trials,
        ulong sweepSeed, SearchSpace? searchSpace = null, int firstTrial = 0, bool commonSeeds = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfLessThan(studies, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstTrial);
        CheckSize(1, 1, ruleset, studies, trials);
        var result = new List<TrialSpec>();
        var space = searchSpace ?? algorithm.SearchSpace;
        for (int s = 0; s < studies; s++)
        {
            if (s % 1024 == 0) cancellation.ThrowIfCancellationRequested();
            if (ruleset == TuningRuleset.SelfTuning)
            {
                result.Add(Make(workload, algorithmSpec, ruleset, s, 0, algorithm.Defaults, sweepSeed, ruleset.BudgetMultiplier()));
                continue;
            }

            ScrambledHalton? halton = space.IsFixedList ? null : new ScrambledHalton(space.Dimensions.Count, Derive(sweepSeed, $"{workload}/{algorithmSpec}/halton/study{s}"));
            for (int t = 0; t < trials; t++)
            {
                if (t % 1024 == 1023) cancellation.ThrowIfCancellationRequested();
                var h = space.IsFixedList ? space.FixedPoints![t % space.FixedPoints.Count] : space.Map(halton!.Point(firstTrial + t));
                result.Add(Make(workload, algorithmSpec, ruleset, s, firstTrial + t, h, sweepSeed, ruleset.BudgetMultiplier(), commonSeeds ? 0 : firstTrial + t));
            }
        }

        return result;
    }

    /// <summary>
    /// The trials of a whole sweep, in the order its workloads and algorithms are given: <see cref="Plan"/> for every
    /// (workload, algorithm) pair of <paramref name="request"/>, with <paramref name="algorithms"/> resolved by spec.
    /// </summary>
    public static IReadOnlyList<TrialSpec> PlanSweep(
        SweepRequest request, IReadOnlyDictionary<string, ITrainingAlgorithm> algorithms, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(algorithms);
        var plan = new List<TrialSpec>();
        foreach (string w in request.Workloads)
        {
            foreach (string a in request.Algorithms)
            {
                plan.AddRange(Plan(w, algorithms[a], a, request.Ruleset, request.Studies, request.Trials, request.Seed, request.SearchSpace, request.FirstTrial, request.CommonSeeds, cancellation));
            }
        }

        return plan;
    }

    /// <summary>
    /// The trials of shard <paramref name="index"/> of <paramref name="count"/>, in key order, by the budget-balanced
    /// <see cref="ShardPartition"/>; <paramref name="budgetSeconds"/> gives a trial's timed budget (null = its budget
    /// multiplier alone, i.e. every workload's budget taken as equal).
    /// </summary>
    public static IReadOnlyList<TrialSpec> Shard(IReadOnlyList<TrialSpec> trials, int index, int count, Func<TrialSpec, double>? budgetSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (count < 1 || index < 0 || index >= count)
        {
            throw new ArgumentException($"shard {index}/{count} is invalid: need 0 ≤ i < n (e.g. --shard 0/4)");
        }

        return ShardPartition.Of(trials, count, budgetSeconds ?? (t => t.BudgetMultiplier)).Shards[index];
    }

    /// <summary>Parses "i/n".</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = (text ?? string.Empty).Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 0 && i < n)
        {
            return (i, n);
        }

        throw new ArgumentException($"--shard '{text}' is invalid: expected i/n with 0 ≤ i < n, e.g. 0/4");
    }

    private static TrialSpec Make(string workload, string algorithm, TuningRuleset ruleset, int study, int trial, Hyperparameters h, ulong sweepSeed, double budget, int? seedTrial = null)
    {
        int seeds = seedTrial ?? trial; // the trial whose data and init seeds this one takes (CommonSeeds: trial 0)
        // The algorithm seed's label names the ruleset as "External"/"SelfTuning" (the names of the enum it was first
        // derived from): changing the text would change every recorded trial's seed.
        string key = $"{workload}/{algorithm}/{(ruleset == TuningRuleset.SelfTuning ? "SelfTuning" : "External")}/study{study}/trial{trial}";
        // The data order and the initial weights depend on the study (and trial), not on the algorithm, so every
        // algorithm in a study sees the same data and the same initial model — a paired comparison.
        return new TrialSpec(workload, algorithm, ruleset, study, trial, h,
            DataSeed: Derive(sweepSeed, $"{workload}/data/study{study}/trial{seeds}"),
            InitSeed: Derive(sweepSeed, $"{workload}/init/study{study}/trial{seeds}"),
            AlgorithmSeed: Derive(sweepSeed, key),
            BudgetMultiplier: budget);
    }

    /// <summary>A 64-bit seed from the sweep seed and a label (FNV-1a of the label mixed by SplitMix64).</summary>
    public static ulong Derive(ulong sweepSeed, string label)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in label)
        {
            h ^= c;
            h *= 1099511628211UL;
        }

        return SplitMix64.For(sweepSeed, h, 0).NextUInt64();
    }
}
