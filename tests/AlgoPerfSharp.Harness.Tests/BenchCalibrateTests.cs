using System.Text.Json;
using AlgoPerfSharp.Harness.Calibration;
using AlgoPerfSharp.Harness.Results;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class BenchCalibrateTests : ScratchFolder
{
    [Fact]
    public void BenchJsonHasConsistentShares()
    {
        var (code, output, err) = HostedCli.Run("bench", "-w", "synthetic_regression", "-a", "adamw", "--max-steps", "30", "--json", "-", "--db", P("b.db"));
        Assert.True(code == 0, output + err);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        double D(string k) => r.GetProperty(k).GetDouble();
        // the tiny preset's linear student: 8 weights + 1 bias; batch 32, one target each
        Assert.Equal(9, r.GetProperty("Parameters").GetInt64());
        Assert.Equal(32, r.GetProperty("BatchSize").GetInt32());
        Assert.Equal(32, r.GetProperty("TargetsPerStep").GetInt64());
        Assert.Equal(3 * (2.0 * 8) * 32, D("ModelFlopsPerStep")); // forward: 8 multiply-adds per example; backward twice that
        Assert.Equal(32 / D("MedianStepSeconds"), D("ExamplesPerSecond"), 6);
        Assert.Equal((D("MedianStepSeconds") - D("MedianUpdateSeconds")) / D("MedianStepSeconds"), D("HarnessOverhead"), 9);
        Assert.True(D("MedianUpdateSeconds") <= D("MedianStepSeconds"));
        Assert.True(D("GemmPeakFlopsPerSecond") > 1e8, "a 1024² float32 GEMM runs at more than 0.1 GFLOP/s anywhere");
    }

    [Fact]
    public void CalibrateProposesTheMedianBestMetricAndFourThirdsOfTheMedianTimeToReachIt()
    {
        string db = P("cal.db"), json = P("cal.json");
        var (code, output, err) = HostedCli.Run("calibrate", "-w", "synthetic_regression", "-n", "2", "-k", "3", "--max-runtime", "0.4",
            "--eval-every-steps", "25", "--in-process", "--db", db, "--json", json);
        Assert.True(code == 0, output + err);
        var result = JsonSerializer.Deserialize<CalibrationResult>(File.ReadAllText(json), Hosting.JsonFormats.Indented)!;

        // recompute the protocol from the stored rows
        using var store = ResultsStore.Open(db, create: false);
        double BestOf(StoredTrial t) => store.Evals(t.Id).Select(e => e.Metrics["validation/loss"]).Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Min();
        var tuning = store.Trials(store.FindRun("calibrate-synthetic_regression-tiny-tune")!.Id);
        Assert.Equal(4, tuning.Count); // 2 trials × adamw, nadamw
        var best = tuning.MinBy(BestOf)!;
        Assert.Equal(best.Algorithm, result.BestAlgorithm);
        var seeds = store.Trials(store.FindRun("calibrate-synthetic_regression-tiny-seeds")!.Id);
        Assert.Equal(3, seeds.Count);
        Assert.All(seeds, s => Assert.Equal(best.HyperparametersJson, s.HyperparametersJson));
        var bests = seeds.Select(BestOf).Order().ToArray();
        Assert.Equal(bests[1], result.ValidationTarget);
        var times = seeds.Select(s => store.Evals(s.Id).FirstOrDefault(e => e.Metrics["validation/loss"] <= bests[1])?.SubmissionSeconds ?? double.PositiveInfinity)
            .Order().ToArray();
        Assert.Equal(4.0 / 3.0 * times[1], result.MaxRuntimeSeconds, 12);
        Assert.Contains("proposed constants for synthetic_regression (tiny)", output);
    }

    [Fact]
    public void TheLowerMedianIsReachedByAtLeastHalfTheSeeds()
    {
        // two seeds: the better best is the target, so one of two reaches it and its time (not ∞) is the median time
        Assert.Equal(0.1588, Calibrator.LowerMedian([0.1902, 0.1588]));
        Assert.Equal(91.7, Calibrator.LowerMedian([double.PositiveInfinity, 91.7]));
        Assert.Equal(0.9, Calibrator.LowerMedian([0.8, 0.9], lowerIsBetter: false));
        Assert.Equal(2, Calibrator.LowerMedian([3, 1, 2]));
        Assert.Equal(0.7, Calibrator.LowerMedian([double.NaN, 0.7, 0.6, 0.8], lowerIsBetter: false));
        Assert.True(double.IsNaN(Calibrator.LowerMedian([])));
    }

    [Fact]
    public void MedianTreatsNanAsInfinity()
    {
        Assert.Equal(2, Calibrator.Median([double.NaN, 1, 2]));
        Assert.Equal(double.PositiveInfinity, Calibrator.Median([double.NaN, double.PositiveInfinity, 2]));
        Assert.Equal(1.5, Calibrator.Median([2, 1]));
    }
}
