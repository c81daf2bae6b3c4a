using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class TimeToTargetTests
{
    private static readonly ScoringRules External = ScoringRules.ExternalTuning;

    [Fact]
    public void TrialTimeIsTheFirstEvalMeetingTheTarget()
    {
        // Meets at step 200 (0.91 ≥ 0.9), dips below afterwards, meets again later: the FIRST meeting row counts.
        var trial = MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.5), (200, 20, 0.91), (300, 30, 0.85), (400, 40, 0.95));
        var t = TimeToTarget.ForTrial(trial, Mnist, External);
        Assert.Equal(20.0, t.ValidationSeconds);
        Assert.Equal(200L, t.ValidationStep);
    }

    [Fact]
    public void TargetComparisonIsInclusiveInBothDirections()
    {
        // Exactly the target meets it: ≥ for accuracy, ≤ for loss (AlgoPerf's scoring operators).
        var acc = MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.8999999), (200, 20, 0.9));
        Assert.Equal(20.0, TimeToTarget.ForTrial(acc, Mnist, External).ValidationSeconds);

        var loss = Trial("sub", Lm, 0, 0, (10, 3.0000001), (20, 3.0), (30, 2.5));
        Assert.Equal(20.0, TimeToTarget.ForTrial(loss, Lm, External).ValidationSeconds);
    }

    [Fact]
    public void NeverReachedIsInfinity()
    {
        var trial = MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.5), (200, 20, 0.89));
        var t = TimeToTarget.ForTrial(trial, Mnist, External);
        Assert.Equal(Inf, t.ValidationSeconds);
        Assert.Null(t.ValidationStep);
        Assert.False(t.ReachedValidationTarget);
    }

    [Fact]
    public void DivergedTrialKeepsATargetMetBeforeDiverging()
    {
        // Decision (as AlgoPerf, which reads only logged rows): the row at 20 s met the target before the NaN.
        var before = MnistTrial(0, 0, TrialState.Diverged, (100, 10, 0.5), (200, 20, 0.92), (300, 30, double.NaN));
        Assert.Equal(20.0, TimeToTarget.ForTrial(before, Mnist, External).ValidationSeconds);
        Assert.Equal(TrialState.Diverged, TimeToTarget.ForTrial(before, Mnist, External).State);

        // Diverged before meeting it: NaN never meets a target (not even a "≤" one) → ∞.
        var after = MnistTrial(0, 0, TrialState.Diverged, (100, 10, 0.5), (200, 20, double.NaN));
        Assert.Equal(Inf, TimeToTarget.ForTrial(after, Mnist, External).ValidationSeconds);
        var nanLoss = Trial("sub", Lm, 0, 0, (10, 4.0), (20, double.NaN));
        Assert.Equal(Inf, TimeToTarget.ForTrial(nanLoss, Lm, External).ValidationSeconds);

        // Failed before its first eval: no rows → ∞.
        var failed = new TrialRecord("sub", "mnist", 0, 0, TrialState.Failed, []);
        Assert.Equal(Inf, TimeToTarget.ForTrial(failed, Mnist, External).ValidationSeconds);
    }

    [Fact]
    public void RowsAreReadInStepOrderWhateverTheInputOrder()
    {
        var rows = new[] { (300L, 30.0, 0.95), (100L, 10.0, 0.5), (200L, 20.0, 0.91) };
        var trial = MnistTrial(0, 0, TrialState.Completed, rows);
        Assert.Equal([100L, 200L, 300L], trial.Rows.Select(r => r.GlobalStep));
        Assert.Equal(20.0, TimeToTarget.ForTrial(trial, Mnist, External).ValidationSeconds);
    }

    [Fact]
    public void TimesBeyondTheBudgetAreInfinity()
    {
        // Budget = 100 s external; a row exactly at the budget still counts, one past it does not.
        var atBudget = MnistTrial(0, 0, TrialState.Completed, (100, 50, 0.5), (200, 100, 0.95));
        var past = MnistTrial(0, 0, TrialState.Completed, (100, 50, 0.5), (200, 100.5, 0.95));
        Assert.Equal(100.0, TimeToTarget.ForTrial(atBudget, Mnist, External).ValidationSeconds);
        Assert.Equal(Inf, TimeToTarget.ForTrial(past, Mnist, External).ValidationSeconds);
    }

    [Fact]
    public void SelfTuningBudgetIsOnePointFiveTimes()
    {
        Assert.Equal(150.0, ScoringRules.SelfTuning.BudgetSeconds(Mnist));
        var at120 = MnistTrial(0, 0, TrialState.Completed, (100, 60, 0.5), (200, 120, 0.95));
        var at150 = MnistTrial(0, 0, TrialState.Completed, (100, 60, 0.5), (200, 150, 0.95));
        var at151 = MnistTrial(0, 0, TrialState.Completed, (100, 60, 0.5), (200, 151, 0.95));
        Assert.Equal(Inf, TimeToTarget.ForTrial(at120, Mnist, External).ValidationSeconds);
        Assert.Equal(120.0, TimeToTarget.ForTrial(at120, Mnist, ScoringRules.SelfTuning).ValidationSeconds);
        Assert.Equal(150.0, TimeToTarget.ForTrial(at150, Mnist, ScoringRules.SelfTuning).ValidationSeconds);
        Assert.Equal(Inf, TimeToTarget.ForTrial(at151, Mnist, ScoringRules.SelfTuning).ValidationSeconds);

        // v0.5's 3× is expressible.
        var v05 = new ScoringRules(TuningRuleset.SelfTuning, 3.0);
        Assert.Equal(151.0, TimeToTarget.ForTrial(at151, Mnist, v05).ValidationSeconds);
    }

    [Fact]
    public void BestTrialIsChosenBySecondsNotByEvalIndex()
    {
        // Trial 0 evaluates rarely: it meets the target at eval index 1, at 60 s.
        // Trial 1 evaluates often: it meets the target at eval index 4, at 50 s.
        // AlgoPerf's get_best_trial_index picks the earliest INDEX (trial 0, 60 s); the fastest trial is trial 1.
        var slow = MnistTrial(0, 0, TrialState.Completed, (300, 30, 0.5), (600, 60, 0.91), (900, 90, 0.93));
        var fast = MnistTrial(0, 1, TrialState.Completed,
            (100, 10, 0.5), (200, 20, 0.6), (300, 30, 0.7), (400, 40, 0.8), (500, 50, 0.9));
        var study = TimeToTarget.ForStudy([slow, fast], Mnist, External);
        Assert.Equal(50.0, study.ValidationSeconds);
        Assert.Equal(1, study.BestTrial);
        Assert.Equal([60.0, 50.0], study.Trials.Select(t => t.ValidationSeconds));
    }

    [Fact]
    public void TiedTrialsPickTheLowestTrialIndexAndAllMissIsInfinity()
    {
        var a = MnistTrial(0, 3, TrialState.Completed, (100, 40, 0.95));
        var b = MnistTrial(0, 1, TrialState.Completed, (100, 40, 0.95));
        Assert.Equal(1, TimeToTarget.ForStudy([a, b], Mnist, External).BestTrial);

        var miss = TimeToTarget.ForStudy(
            [MnistTrial(0, 0, TrialState.Completed, (100, 40, 0.1)), MnistTrial(0, 1, TrialState.Failed)], Mnist, External);
        Assert.Equal(Inf, miss.ValidationSeconds);
        Assert.Null(miss.BestTrial);
    }

    [Theory]
    [InlineData(new[] { 10.0, 30.0, 20.0 }, 20.0)]
    [InlineData(new[] { 10.0, double.PositiveInfinity, 30.0 }, 30.0)] // odd count: ∞ is just the largest value
    [InlineData(new[] { 10.0, double.PositiveInfinity, double.PositiveInfinity }, double.PositiveInfinity)]
    [InlineData(new[] { 10.0, 30.0 }, 20.0)] // even count: mean of the two middle values
    [InlineData(new[] { 10.0, double.PositiveInfinity }, double.PositiveInfinity)] // (10 + ∞)/2 = ∞, as np.median
    [InlineData(new[] { 40.0, 10.0, double.PositiveInfinity, 20.0 }, 30.0)] // middle pair 20, 40
    [InlineData(new[] { 10.0, 20.0, double.PositiveInfinity, double.PositiveInfinity }, double.PositiveInfinity)]
    [InlineData(new[] { 7.0 }, 7.0)]
    public void WorkloadTimeIsTheNumpyMedianOverStudies(double[] studyTimes, double expected)
    {
        var trials = studyTimes.Select((t, study) => ReachesAt("sub", Lm, study, 0, t));
        var w = TimeToTarget.ForWorkload(trials, Lm, External);
        Assert.Equal(expected, w.ValidationSeconds);
        Assert.Equal(studyTimes.Count(double.IsFinite), w.TrialsReachingTarget);
        Assert.Equal(studyTimes.Length, w.TrialCount);
    }

    [Fact]
    public void ExternalTuningIsMedianOfMinimaOverStudies()
    {
        // Study 0: trials 40, 25, ∞ → 25. Study 1: ∞, ∞ → ∞. Study 2: 30, 90 → 30. Median(25, ∞, 30) = 30.
        var trials = new[]
        {
            ReachesAt("sub", Lm, 0, 0, 40), ReachesAt("sub", Lm, 0, 1, 25), ReachesAt("sub", Lm, 0, 2, Inf),
            ReachesAt("sub", Lm, 1, 0, Inf), ReachesAt("sub", Lm, 1, 1, Inf),
            ReachesAt("sub", Lm, 2, 0, 30), ReachesAt("sub", Lm, 2, 1, 90),
        };
        var w = TimeToTarget.ForWorkload(trials, Lm, External);
        Assert.Equal([25.0, Inf, 30.0], w.Studies.Select(s => s.ValidationSeconds));
        Assert.Equal([1, (int?)null, 0], w.Studies.Select(s => s.BestTrial));
        Assert.Equal(30.0, w.ValidationSeconds);
        Assert.Equal(4, w.TrialsReachingTarget);
        Assert.Equal(7, w.TrialCount);
        Assert.Null(w.TestSeconds);
    }

    [Fact]
    public void RequiredStudiesThatAreMissingCountAsInfinity()
    {
        var three = new ScoringRules(TuningRuleset.ExternalTuning, 1.0, studies: 3);
        var trials = new[] { ReachesAt("sub", Lm, 0, 0, 10), ReachesAt("sub", Lm, 1, 0, 20) };
        var w = TimeToTarget.ForWorkload(trials, Lm, three);
        Assert.Equal(1, w.MissingStudies);
        Assert.Equal(20.0, w.ValidationSeconds); // median(10, 20, ∞)
        Assert.Equal(15.0, TimeToTarget.ForWorkload(trials, Lm, External).ValidationSeconds); // median(10, 20)

        var two = new ScoringRules(TuningRuleset.ExternalTuning, 1.0, studies: 1);
        var ex = Assert.Throws<ArgumentException>(() => TimeToTarget.ForWorkload(trials, Lm, two));
        Assert.Contains("2 studies", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTuningRejectsMoreThanOneRunPerStudy()
    {
        var trials = new[] { ReachesAt("sub", Lm, 0, 0, 10), ReachesAt("sub", Lm, 0, 1, 20) };
        var ex = Assert.Throws<ArgumentException>(() => TimeToTarget.ForWorkload(trials, Lm, ScoringRules.SelfTuning));
        Assert.Contains("one run per study", ex.Message, StringComparison.Ordinal);

        // One run per study: the study time is that run's; the median over 3 studies.
        var ok = new[] { ReachesAt("sub", Lm, 0, 0, 10), ReachesAt("sub", Lm, 1, 0, 250), ReachesAt("sub", Lm, 2, 0, 310) };
        var w = TimeToTarget.ForWorkload(ok, Lm, ScoringRules.SelfTuning);
        Assert.Equal(250.0, w.ValidationSeconds); // 250 ≤ 1.5 × 200 = 300; 310 > 300 → ∞
        Assert.Equal([10.0, 250.0, Inf], w.Studies.Select(s => s.ValidationSeconds));
        Assert.Equal(Inf, TimeToTarget.ForWorkload(ok, Lm, External).ValidationSeconds); // median(10, ∞, ∞)
    }

    [Fact]
    public void TestTargetTimeIsReportedBesideTheValidationTime()
    {
        static TrialRecord T(int study, int trial, params (long Step, double Seconds, double Val, double Test)[] rows) =>
            new("sub", "mnist", study, trial, TrialState.Completed, rows.Select(r =>
                new EvalRow("sub", "mnist", study, trial, r.Step, r.Seconds,
                    new Dictionary<string, double> { [Acc] = r.Val, [TestAcc] = r.Test })));

        // Study 0: trial 0 validation 50 s / test 70 s; trial 1 validation 60 s / test 55 s.
        // The study's test time is the minimum over trials (55 s), independent of the fastest validation trial (0).
        var s0t0 = T(0, 0, (1, 50, 0.91, 0.80), (2, 70, 0.93, 0.89));
        var s0t1 = T(0, 1, (1, 55, 0.80, 0.88), (2, 60, 0.90, 0.90));
        // Study 1: validation 40 s, test never → ∞.
        var s1t0 = T(1, 0, (1, 40, 0.95, 0.5));
        // Study 2: validation 80 s, test 80 s.
        var s2t0 = T(2, 0, (1, 80, 0.95, 0.95));

        var trial = TimeToTarget.ForTrial(s0t0, Mnist, External);
        Assert.Equal((50.0, 1L, 70.0, 2L), (trial.ValidationSeconds, trial.ValidationStep!.Value, trial.TestSeconds!.Value, trial.TestStep!.Value));

        var w = TimeToTarget.ForWorkload([s0t0, s0t1, s1t0, s2t0], Mnist, External);
        Assert.Equal([50.0, 40.0, 80.0], w.Studies.Select(s => s.ValidationSeconds));
        Assert.Equal([55.0, Inf, 80.0], w.Studies.Select(s => s.TestSeconds!.Value));
        Assert.Equal(50.0, w.ValidationSeconds);
        Assert.Equal(80.0, w.TestSeconds);
    }

    [Fact]
    public void ForAllGroupsBySubmissionAndWorkload()
    {
        var trials = new[]
        {
            ReachesAt("b", Lm, 0, 0, 30), ReachesAt("a", Lm, 0, 0, 10), ReachesAt("a", Lm, 1, 0, 20),
            Trial("a", Mnist, 0, 0, (5, 0.95)),
        };
        var all = TimeToTarget.ForAll(trials, [Mnist, Lm], External);
        Assert.Equal([("a", "lm", 15.0), ("a", "mnist", 5.0), ("b", "lm", 30.0)],
            all.Select(w => (w.Submission, w.Workload, w.ValidationSeconds)));
    }
}
