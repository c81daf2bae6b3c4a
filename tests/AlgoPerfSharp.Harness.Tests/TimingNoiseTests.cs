using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.TimingNoise;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The timing-noise statistics (hand-computed answers) and the <c>timing-noise</c> command on a database built here.</summary>
public sealed class TimingNoiseTests : ScratchFolder
{
    private const double Tolerance = 1e-12;

    // validation/loss 1.0, 0.8, 0.4 at steps 1, 11, 21: the target "≤ 0.5" is met at the third row
    private static readonly double[] Losses = [1.0, 0.8, 0.4];
    private static readonly long[] Steps = [1, 11, 21];

    private static List<StoredEval> Rows(double[] submission, double[]? cpu, double[]? probe) =>
        [.. Enumerable.Range(0, 3).Select(i => new StoredEval(Steps[i], submission[i], 0, 0, submission[i] + 100,
            new Dictionary<string, double> { ["validation/loss"] = Losses[i] }, new Dictionary<string, double>(), cpu?[i], probe?[i]))];

    private static readonly StoredWorkloadSpec Spec = new("tiny_regression", "validation/loss", 0.5, "test/loss", 0.5, true, 100, null);

    [Fact]
    public void CoefficientOfVariationIsTheSampleStandardDeviationOverTheMean()
    {
        // {1,2,3,4}: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5, sample variance 5/3, sd 1.2909944…
        Assert.Equal(Math.Sqrt(5.0 / 3.0) / 2.5, TimingStatistics.CoefficientOfVariation([1, 2, 3, 4])!.Value, Tolerance);
        Assert.Equal(0.5163977794943222, TimingStatistics.CoefficientOfVariation([1, 2, 3, 4])!.Value, 1e-15);
        // {5, 9}: mean 7, sample sd √8
        Assert.Equal(Math.Sqrt(8) / 7, TimingStatistics.CoefficientOfVariation([5, 9])!.Value, Tolerance);
        Assert.Equal(0.0, TimingStatistics.CoefficientOfVariation([3, 3, 3]));
        Assert.Null(TimingStatistics.CoefficientOfVariation([4]));
        Assert.Null(TimingStatistics.CoefficientOfVariation([-1, 1]));
    }

    [Fact]
    public void ProbeNormalisationDividesEachIntervalByItsProbesRatioToTheReference()
    {
        // intervals of 1, 4 and 4 wall seconds; probes 0.02, 0.04, 0.04 s against a 0.02 s reference (machine half as fast
        // after the first eval): 1·1 + 4·0.5 + 4·0.5 = 1, 3, 5
        var rows = Rows([1, 5, 9], [2, 8, 14], [0.02, 0.04, 0.04]);
        Assert.Equal([1.0, 3.0, 5.0], TimingStatistics.Cumulative(rows, TimingFigure.ProbeNormalised, 0.02)!);
        Assert.Equal([1.0, 5.0, 9.0], TimingStatistics.Cumulative(rows, TimingFigure.WallClock, 0.02)!);
        Assert.Equal([2.0, 8.0, 14.0], TimingStatistics.Cumulative(rows, TimingFigure.CpuTime, null)!);
        Assert.Null(TimingStatistics.Cumulative(rows, TimingFigure.ProbeNormalised, null));
        Assert.Null(TimingStatistics.Cumulative(Rows([1, 5, 9], null, null), TimingFigure.CpuTime, 0.02)); // a pre-schema-3 row
        Assert.Null(TimingStatistics.Cumulative(Rows([1, 5, 9], null, [0.02, 0, 0.02]), TimingFigure.ProbeNormalised, 0.02));

        // time-to-target at the third row; step time = median of (4/10, 4/10), the warm-up interval (step 0 → 1) left out
        Assert.Equal(5.0, TimingStatistics.TimeToTarget(rows, [1.0, 3.0, 5.0], Spec.MeetsValidationTarget));
        Assert.Equal(0.4, TimingStatistics.StepSeconds(rows, [1.0, 5.0, 9.0])!.Value, Tolerance);
        Assert.Equal(0.6, TimingStatistics.StepSeconds(rows, [2.0, 8.0, 14.0])!.Value, Tolerance);
        Assert.Null(TimingStatistics.TimeToTarget(rows.Take(2).ToList(), [1.0, 3.0], Spec.MeetsValidationTarget));
        Assert.Equal(0.02, TimingStatistics.IdleReference([0.05, null, 0.02, 0, double.NaN, 0.03]));
        Assert.Null(TimingStatistics.IdleReference([null, 0]));
    }

    // Two idle repetitions (identical) and two with the neighbour: B's wall clock doubles after its first eval, its
    // probe says so (0.04 s against 0.02), and its CPU time grows by half.
    private string Database(bool twoTrialsInOneRun = false)
    {
        string db = P("noise.db");
        using var store = ResultsStore.Open(db);
        var runs = new (string Label, double[] Sub, double[] Cpu, double[] Probe)[]
        {
            ("idle-1", [1, 3, 5], [2, 6, 10], [0.02, 0.02, 0.02]),
            ("idle-2", [1, 3, 5], [2, 6, 10], [0.02, 0.02, 0.02]),
            ("busy-1", [1, 3, 5], [2, 6, 10], [0.02, 0.02, 0.02]),
            ("busy-2", [1, 5, 9], [2, 8, 14], [0.02, 0.04, 0.04]),
        };
        foreach (var (label, sub, cpu, probe) in runs)
        {
            var run = store.CreateRun(label, "test", 1, "{}");
            store.RecordWorkloadSpec(run.Id, Spec);
            for (int trial = 0; trial < (twoTrialsInOneRun && label == "busy-2" ? 2 : 1); trial++)
            {
                var spec = new TrialSpec("tiny_regression", "adamw", TuningRuleset.ExternalTuning, 0, trial, new Hyperparameters(new Dictionary<string, object>()), 1, 2, 3, 1);
                long id = store.EnsureTrial(run.Id, spec).Id;
                foreach (var row in Rows(sub, cpu, probe)) store.AppendEval(id, row);
            }
        }

        return db;
    }

    [Fact]
    public void TheCommandReportsHandComputedCvsAndAppliesTheDecisionRule()
    {
        string db = Database();
        var (code, output, err) = HostedCli.Run("timing-noise", "--db", db, "--run", "idle-1", "--run", "idle-2", "--noisy-run", "busy-1", "--noisy-run", "busy-2", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(0.02, root.GetProperty("ProbeReference").GetDouble());
        var cells = root.GetProperty("Cells").EnumerateArray().ToDictionary(c => (c.GetProperty("Condition").GetString(), c.GetProperty("Figure").GetString()));
        Assert.Equal(0.0, cells[("idle", "WallClock")].GetProperty("TimeToTargetCv").GetDouble());
        Assert.Equal(2, cells[("idle", "WallClock")].GetProperty("Reached").GetInt32());

        // neighbour: wall time-to-target 5 and 9 (CV √8/7), step 0.2 and 0.4 (CV √0.02/0.3); CPU 10 and 14 (√8/12),
        // step 0.4 and 0.6 (√0.02/0.5); normalised 5 and 5, step 0.2 and 0.2 (CV 0)
        var wall = cells[("neighbour", "WallClock")];
        var cpu = cells[("neighbour", "CpuTime")];
        var norm = cells[("neighbour", "ProbeNormalised")];
        Assert.Equal(Math.Sqrt(8) / 7, wall.GetProperty("TimeToTargetCv").GetDouble(), Tolerance);
        Assert.Equal(Math.Sqrt(0.02) / 0.3, wall.GetProperty("StepCv").GetDouble(), Tolerance);
        Assert.Equal(Math.Sqrt(8) / 12, cpu.GetProperty("TimeToTargetCv").GetDouble(), Tolerance);
        Assert.Equal(Math.Sqrt(0.02) / 0.5, cpu.GetProperty("StepCv").GetDouble(), Tolerance);
        Assert.Equal(0.0, norm.GetProperty("TimeToTargetCv").GetDouble(), Tolerance);
        Assert.Equal(0.0, norm.GetProperty("StepCv").GetDouble(), Tolerance);
        Assert.Equal(7.0, wall.GetProperty("MeanTimeToTarget").GetDouble(), Tolerance);

        // the rule: CPU's ratios 7/12 and 0.3/0.5 are above one half (does not ship); the normalised figure's are 0 (ships)
        var decisions = root.GetProperty("Decisions").EnumerateArray().ToDictionary(d => d.GetProperty("Figure").GetString()!);
        Assert.Equal(7.0 / 12, decisions["CpuTime"].GetProperty("TimeToTargetRatio").GetDouble(), Tolerance);
        Assert.Equal(0.6, decisions["CpuTime"].GetProperty("StepRatio").GetDouble(), Tolerance);
        Assert.False(decisions["CpuTime"].GetProperty("Ships").GetBoolean());
        Assert.True(decisions["ProbeNormalised"].GetProperty("Ships").GetBoolean());

        var (mdCode, markdown, _) = HostedCli.Run("timing-noise", "--db", db, "--run", "idle-1", "--run", "idle-2", "--noisy-run", "busy-1", "--noisy-run", "busy-2");
        Assert.Equal(0, mdCode);
        Assert.Contains("| tiny_regression | adamw | 2/2 | 40.4 % | 23.6 % | 0.0 % | 47.1 % | 28.3 % | 0.0 % |", markdown);
        Assert.Contains("- CPU time: CV ratio to wall clock 0.58 (time-to-target, 1 cells), 0.60 (step time) → does not ship", markdown);
        Assert.Contains("- probe-normalised time: CV ratio to wall clock 0.00 (time-to-target, 1 cells), 0.00 (step time) → SHIPS", markdown);
    }

    [Theory]
    [InlineData(false, new[] { "--run", "idle-1" }, "error: timing-noise needs at least two repetitions")]
    [InlineData(false, new[] { "--run", "idle-1", "--noisy-run", "idle-1" }, "error: run 'idle-1' is given twice")]
    [InlineData(false, new[] { "--run", "idle-1", "--run", "nope" }, "has no run labelled 'nope'")]
    [InlineData(true, new[] { "--run", "idle-1", "--noisy-run", "busy-2" }, "error: run 'busy-2' has 2 trials of tiny_regression × adamw; timing-noise treats each run as one repetition")]
    public void BadInputIsOneLineExitTwoAndLeavesTheDatabaseUntouched(bool twoTrials, string[] args, string error)
    {
        string db = Database(twoTrials);
        byte[] before = File.ReadAllBytes(db);
        var (code, output, err) = HostedCli.Run(["timing-noise", "--db", db, .. args]);
        Assert.Equal(2, code);
        Assert.Contains(error, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Equal(string.Empty, output);
        Assert.Equal(before, File.ReadAllBytes(db));
    }
}
