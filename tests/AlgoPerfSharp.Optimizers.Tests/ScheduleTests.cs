using AlgoPerfSharp.Optimizers.Schedules;

namespace AlgoPerfSharp.Optimizers.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public void WarmupCosineFollowsAlgoPerfsBaseline()
    {
        var s = LearningRateSchedule.WarmupCosine(peak: 2.0, warmupFactor: 0.1, stepHint: 1000); // 100 warm-up steps
        Assert.Equal(0.0, s.At(0));
        Assert.Equal(1.0, s.At(50), 1e-15);
        Assert.Equal(2.0, s.At(100), 1e-15);
        Assert.Equal(1.0, s.At(550), 1e-12);                                   // half-way through the decay
        Assert.Equal(2.0 * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), s.At(325), 1e-12);
        Assert.Equal(0.0, s.At(1000));
        Assert.Equal(0.0, s.At(5000));                                        // held at the end, no cosine rebound
    }

    [Fact]
    public void LinearDecayAndValidation()
    {
        var s = new WarmupLinearSchedule(1.0, 10, 110);
        Assert.Equal(0.5, s.At(5), 1e-15);
        Assert.Equal(0.5, s.At(60), 1e-15);
        Assert.Equal(0.0, s.At(110));
        Assert.Contains("totalSteps (5) must be ≥ warmupSteps (10)", Assert.Throws<ArgumentException>(() => new WarmupCosineSchedule(1, 10, 5)).Message);
        Assert.Contains("peak learning rate", Assert.Throws<ArgumentException>(() => new WarmupCosineSchedule(-1, 0, 5)).Message);
    }

    [Fact]
    public void WarmupConstantCountsTheFirstUpdateAsTheReferenceDoes()
    {
        // facebookresearch/schedule_free: η·(k + 1)/W for k < W, then η — the first update already moves.
        var s = new WarmupConstantSchedule(0.4, 4);
        Assert.Equal([0.1, 0.2, 0.3, 0.4, 0.4, 0.4], Enumerable.Range(0, 6).Select(k => s.At(k)).Select(x => Math.Round(x, 15)));
        Assert.Equal(0.4, new WarmupConstantSchedule(0.4, 0).At(0));
        Assert.Contains("warmupSteps must be ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new WarmupConstantSchedule(1, -1)).Message);
        Assert.Contains("peak learning rate must be finite and ≥ 0 (got NaN)", Assert.Throws<ArgumentException>(() => new WarmupConstantSchedule(double.NaN, 1)).Message);
    }
}
