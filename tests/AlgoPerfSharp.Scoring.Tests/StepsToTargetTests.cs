using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

public sealed class StepsToTargetTests
{
    private static readonly ScoringRules External = ScoringRules.ExternalTuning;

    [Fact]
    public void AStudysStepsAreThoseOfItsFastestTrialInSeconds()
    {
        // Trial 0 meets the target at step 300 after 30 s; trial 1 at step 400 after 20 s (faster steps): the study's
        // time is trial 1's 20 s, so its steps are trial 1's 400 — time and steps describe the same run.
        var t0 = MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.5), (300, 30, 0.91));
        var t1 = MnistTrial(0, 1, TrialState.Completed, (200, 10, 0.5), (400, 20, 0.95));
        var study = TimeToTarget.ForStudy([t0, t1], Mnist, External);
        Assert.Equal(20.0, study.ValidationSeconds);
        Assert.Equal(400.0, study.ValidationSteps);
    }

    [Fact]
    public void TheWorkloadsStepsAreTheMedianOverStudiesLikeItsTime()
    {
        // Studies reach at steps 200, 300 and never: median of {200, 300, ∞} = 300.
        var studies = new[]
        {
            MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.5), (200, 20, 0.91)),
            MnistTrial(1, 0, TrialState.Completed, (100, 10, 0.5), (300, 30, 0.91)),
            MnistTrial(2, 0, TrialState.Completed, (100, 10, 0.5), (200, 20, 0.8)),
        };
        var w = TimeToTarget.ForWorkload(studies, Mnist, External);
        Assert.Equal(30.0, w.ValidationSeconds);
        Assert.Equal(300.0, w.ValidationSteps);

        // Two studies: numpy's even-count median averages the middle two steps.
        var two = TimeToTarget.ForWorkload(studies.Take(2), Mnist, External);
        Assert.Equal(250.0, two.ValidationSteps);
    }

    [Fact]
    public void NotReachedAndMissingStudiesAreInfinity()
    {
        var miss = MnistTrial(0, 0, TrialState.Completed, (100, 10, 0.5), (200, 20, 0.8));
        var w = TimeToTarget.ForWorkload([miss], Mnist, External);
        Assert.Equal(Inf, w.ValidationSteps);
        Assert.Equal(Inf, w.Studies[0].ValidationSteps);

        // One study reached at step 200 of the 2 the ruleset requires: the missing one is ∞ → (200 + ∞)/2 = ∞.
        var hit = MnistTrial(0, 0, TrialState.Completed, (200, 20, 0.95));
        var padded = TimeToTarget.ForWorkload([hit], Mnist, new ScoringRules(TuningRuleset.ExternalTuning, 1.0, studies: 2));
        Assert.Equal(Inf, padded.ValidationSteps);
        Assert.Equal([20.0, Inf], padded.StudySeconds);
    }
}
