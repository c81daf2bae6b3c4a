using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>Bad input gets an <see cref="ArgumentException"/> whose message says what is wrong.</summary>
public sealed class InputValidationTests
{
    private static void Throws(Action act, string fragment)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareRejectsEmptyNaNAndNonPositiveSamples()
    {
        Throws(() => ReleaseComparison.Compare([], [1.0]), "baseline has no samples");
        Throws(() => ReleaseComparison.Compare([1.0], []), "candidate has no samples");
        Throws(() => ReleaseComparison.Compare([1.0, double.NaN], [1.0]), "baseline[1] = NaN");
        Throws(() => ReleaseComparison.Compare([1.0], [0.0]), "candidate[0] = 0");
        Throws(() => ReleaseComparison.Compare([1.0], [-3.0]), "candidate[0] = -3");
        Throws(() => ReleaseComparison.Compare([double.NegativeInfinity], [1.0]), "baseline[0]");
        Throws(() => _ = new ComparisonOptions(significanceLevel: 0), "significanceLevel");
        Throws(() => _ = new ComparisonOptions(significanceLevel: 0.5), "significanceLevel");
        Throws(() => _ = new ComparisonOptions(minimumEffect: -0.1), "minimumEffect");
        Throws(() => _ = new ComparisonOptions(minimumEffect: double.NaN), "minimumEffect");
    }

    [Fact]
    public void CompareRejectsRawLogsTooLargeForThePairwiseEstimator()
    {
        var many = Enumerable.Repeat(1.0, 4000).ToArray();
        Throws(() => ReleaseComparison.Compare(many, many), "one summary per seed");
    }

    [Fact]
    public void ProfileRejectsInconsistentInputs()
    {
        WorkloadScoringSpec[] specs = [Base("w1")];
        Throws(() => PerformanceProfile.Compute([], specs), "no submissions");
        Throws(() => PerformanceProfile.Compute([Times("A", ("nope", 1))], specs), "workload 'nope', which no workload spec describes");
        Throws(() => PerformanceProfile.Compute([Times("A", ("w1", 1)), Times("A", ("w1", 2))], specs), "'A' appears twice");
        Throws(() => PerformanceProfile.Compute([Times("A", ("w1", 1))], [Base("w1"), Base("w1")]), "'w1' is specified twice");
        Throws(() => PerformanceProfile.Compute([Times("A", ("w1", 1))], [Base("w1"), Variant("v", "ghost")]),
            "base workload 'ghost', which no spec describes");
        Throws(() => PerformanceProfile.Compute([Times("A", ("w1", 1))], [Base("w1"), Variant("v", "w1"), Variant("vv", "v")]),
            "itself a variant");
        Throws(() => PerformanceProfile.Compute([Times("A", ("v", 1))], [Variant("v", "v2"), Variant("v2", "v")]), "itself a variant");
        Throws(() => Times("A", ("w1", double.NaN)), "must be > 0 seconds or +∞, got NaN");
        Throws(() => Times("A", ("w1", 0)), "got 0");
        Throws(() => _ = new PerformanceProfileOptions(maxRatio: 1), "maxRatio");
        Throws(() => _ = new PerformanceProfileOptions(points: 1), "points");
    }

    [Fact]
    public void TimeToTargetRejectsUnknownWorkloadsAndMisnamedMetrics()
    {
        var stray = ReachesAt("A", Base("stray"), 0, 0, 10);
        Throws(() => TimeToTarget.ForAll([stray], [Lm], ScoringRules.ExternalTuning), "workload 'stray', which no workload spec describes");
        Throws(() => BenchmarkScoring.Score([stray], [Lm], ScoringRules.ExternalTuning), "no workload spec describes");
        Throws(() => BenchmarkScoring.Score([], [Lm], ScoringRules.ExternalTuning), "no trials to score");

        var lmTrial = ReachesAt("A", Lm, 0, 0, 10);
        Throws(() => TimeToTarget.ForTrial(lmTrial, Mnist, ScoringRules.ExternalTuning), "cannot be scored with the spec of workload 'mnist'");

        var misnamed = new WorkloadScoringSpec("lm", "validation/los", 3.0, MetricDirection.LowerIsBetter, 200);
        Throws(() => TimeToTarget.ForTrial(lmTrial, misnamed, ScoringRules.ExternalTuning),
            "logs the validation metric 'validation/los' (logged: validation/loss)");

        Throws(() => TimeToTarget.ForStudy([ReachesAt("A", Lm, 0, 0, 1), ReachesAt("A", Lm, 1, 0, 1)], Lm, ScoringRules.ExternalTuning),
            "not of the same study");
        Throws(() => TimeToTarget.ForStudy([ReachesAt("A", Lm, 0, 0, 1), ReachesAt("A", Lm, 0, 0, 2)], Lm, ScoringRules.ExternalTuning),
            "appears 2 times");
        Throws(() => TimeToTarget.ForWorkload([ReachesAt("A", Lm, 0, 0, 1), ReachesAt("B", Lm, 0, 0, 1)], Lm, ScoringRules.ExternalTuning),
            "not of the same submission and workload");
        Throws(() => TimeToTarget.ForWorkload([], Lm, ScoringRules.ExternalTuning), "No trials");
    }

    [Fact]
    public void TrialRecordRejectsCorruptLogs()
    {
        static EvalRow Row(int trial, long step, double seconds) =>
            new("A", "lm", 0, trial, step, seconds, new Dictionary<string, double> { [Loss] = 5 });

        Throws(() => _ = new TrialRecord("A", "lm", 0, 0, TrialState.Completed, [Row(0, 1, 1), Row(1, 2, 2)]),
            "does not belong to trial A/lm study 0 trial 0");
        Throws(() => _ = new TrialRecord("A", "lm", 0, 0, TrialState.Completed, [Row(0, 5, 1), Row(0, 5, 2)]),
            "two eval rows at global step 5");
        Throws(() => _ = new TrialRecord("A", "lm", 0, 0, TrialState.Completed, [Row(0, 1, 10), Row(0, 2, 9)]),
            "submission time goes backwards");
        Throws(() => TrialRecord.FromRows(TrialState.Completed, []), "zero rows");
        Assert.Equal(1, TrialRecord.FromRows(TrialState.Failed, [Row(1, 3, 4)]).Trial);
    }

    [Fact]
    public void RecordsValidateTheirFields()
    {
        var metrics = new Dictionary<string, double> { [Loss] = 1 };
        Throws(() => _ = new EvalRow("A", "lm", 0, 0, 1, -1, metrics), "submissionTimeSeconds must be finite and ≥ 0");
        Throws(() => _ = new EvalRow("A", "lm", 0, 0, 1, double.NaN, metrics), "submissionTimeSeconds");
        Throws(() => _ = new EvalRow("", "lm", 0, 0, 1, 1, metrics), "submission must be a non-empty name");
        Throws(() => _ = new EvalRow("A", "lm", -1, 0, 1, 1, metrics), "study must be ≥ 0");
        Throws(() => _ = new EvalRow("A", "lm", 0, 0, -5, 1, metrics), "globalStep must be ≥ 0");

        Throws(() => _ = new WorkloadScoringSpec("w", Loss, double.NaN, MetricDirection.LowerIsBetter, 10), "validationTarget");
        Throws(() => _ = new WorkloadScoringSpec("w", Loss, 1, MetricDirection.LowerIsBetter, 0), "maxRuntimeSeconds");
        Throws(() => _ = new WorkloadScoringSpec("w", Loss, 1, MetricDirection.LowerIsBetter, 10, testMetric: "test/loss"),
            "testMetric and testTarget must be given together");
        Throws(() => _ = new WorkloadScoringSpec("w", Loss, 1, MetricDirection.LowerIsBetter, 10, variantOf: "w"), "variant of itself");
        Throws(() => _ = new WorkloadScoringSpec("w", Loss, 1, (MetricDirection)7, 10), "Unknown metric direction");

        Throws(() => _ = new ScoringRules(TuningRuleset.SelfTuning, 0), "budgetMultiplier");
        Throws(() => _ = new ScoringRules(TuningRuleset.SelfTuning, 1.5, studies: 0), "studies");
    }
}
