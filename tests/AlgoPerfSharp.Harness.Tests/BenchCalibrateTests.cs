using System.Text.Json;
using AlgoPerfSharp.Harness.Calibration;
using AlgoPerfSharp.Harness.Store;

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

        // what the step asked of its oracle: AdamW one gradient pass over its batch and nothing else
        Assert.Equal(1.0, D("GradientEvaluationsPerStep"));
        Assert.Equal(0.0, D("LossEvaluationsPerStep"));
        Assert.Equal(32.0, D("ExamplesDrawnPerStep"));

        // memory: AdamW keeps m and v of the 9 float32 parameters, 2·4·9 bytes, exactly its theoretical 2P
        Assert.Equal(72, r.GetProperty("StateBytes").GetInt64());
        Assert.Equal(72, r.GetProperty("TheoreticalStateBytes").GetInt64());
        Assert.Equal(1.0, D("StateRatio"));
        Assert.Equal("2P (m, v)", r.GetProperty("TheoreticalStateFormula").GetString());
        Assert.StartsWith("in-process", r.GetProperty("MemoryScope").GetString(), StringComparison.Ordinal);
        long peak = r.GetProperty("PeakResidentBytes").GetInt64(), after = r.GetProperty("ResidentAfterStepsBytes").GetInt64();
        Assert.True(peak >= after && after > 0 && r.GetProperty("ResidentBeforeInitBytes").GetInt64() > 0, $"peak {peak}, after the steps {after}");
    }

    [Fact]
    public void BenchReportsTheGradientEvaluationsOfAnAlgorithmThatSpendsMore()
    {
        // progressive-batching L-BFGS: a sub-batch pass and the curvature pass, at least one line-search loss, per step
        var (code, output, err) = HostedCli.Run("bench", "-w", "synthetic_regression", "-a", "pb_lbfgs", "--max-steps", "4", "--db", P("b.db"));
        Assert.True(code == 0, output + err);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("oracle per step", StringComparison.Ordinal));
        Assert.StartsWith("  oracle per step       2.00 gradient + ", line);
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
        Assert.Equal(0.05 * times[1], result.EvalPeriodSeconds, 12);
        Assert.Contains("proposed constants for synthetic_regression (tiny)", output);

        // step 4: the best configuration once more, 4 × the budget and the step hint, to its best
        var longRun = store.Trials(store.FindRun("calibrate-synthetic_regression-tiny-long")!.Id).Single();
        Assert.Equal(best.HyperparametersJson, longRun.HyperparametersJson);
        var rows = store.Evals(longRun.Id);
        var check = result.LongRun!;
        Assert.Equal(rows[0].Metrics["validation/loss"], check.InitialMetric);
        Assert.Equal(rows.Min(r => r.Metrics["validation/loss"]), check.BestMetric);
        Assert.Equal((check.InitialMetric - result.ValidationTarget) / (check.InitialMetric - check.BestMetric), check.Fraction, 12);
        Assert.Equal(4 * result.StepHint, check.LongRunStepHint);
        Assert.Equal(4 * result.MaxRuntimeSeconds, check.LongRunSeconds, 12);
        Assert.Contains("lies ", output);
    }

    [Fact]
    public void ConvergenceIsTheFractionOfTheWayFromTheInitialMetricToTheLongRunsBest()
    {
        static StoredEval Row(long step, double v) => new(step, step, 0, 0, step, new Dictionary<string, double> { ["validation/error_rate"] = v }, new Dictionary<string, double>());
        var lower = new StoredWorkloadSpec("w", "validation/error_rate", 0.2, "test/error_rate", 0.2, true, 10, null);
        // initial 0.9, best 0.1: a target of 0.2 is (0.9 − 0.2) / (0.9 − 0.1) = 0.875 of the way — early
        var c = Calibrator.Convergence([Row(1, 0.9), Row(2, 0.3), Row(3, 0.1), Row(4, 0.15)], lower, 0.2, 40, 400);
        Assert.Equal((0.9, 0.1), (c.InitialMetric, c.BestMetric));
        Assert.Equal(0.875, c.Fraction, 12);
        Assert.False(c.MeansATrainedModel);
        Assert.True(Calibrator.Convergence([Row(1, 0.9), Row(2, 0.15)], lower, 0.2, 40, 400).MeansATrainedModel); // 0.7 / 0.75 = 0.933

        // accuracy-like metrics mirror: initial 0.1, best 0.9, target 0.8 → 0.875
        var higher = lower with { LowerIsBetter = false };
        Assert.Equal(0.875, Calibrator.Convergence([Row(1, 0.1), Row(2, 0.9)], higher, 0.8, 40, 400).Fraction, 12);
        Assert.True(double.IsNaN(Calibrator.Convergence([Row(1, 0.5)], lower, 0.2, 40, 400).Fraction)); // never improved

        // evals every period p at cost c take c / (p + c) of the wall time
        Assert.Equal(0.25, Calibrator.EvalShareOf(1, 3), 15);
        Assert.Equal(0, Calibrator.EvalShareOf(0, 3));
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
}
