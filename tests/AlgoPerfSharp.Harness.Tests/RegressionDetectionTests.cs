using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The release comparison end to end on a deterministic clock (every step costs 1 s of a manual clock): real trials of
/// a baseline and of injected regressions — a step 15 % slower, a learning rate halved — go through
/// the sweep runner, the store and <c>algoperf compare</c>, which must flag each and pass an identical candidate.
/// </summary>
public sealed class RegressionDetectionTests : ScratchFolder
{
    private const int Studies = 5;

    private static readonly SearchSpace Tuned = SearchSpace.FromPoints([new Hyperparameters(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.0,
    })]);

    /// <summary>Runs <paramref name="label"/>: adamw (or its regression) × the tiny regression workload, five studies of one trial.</summary>
    private void Sweep(string label, double slowdown = 1, double learningRateFactor = 1)
    {
        var clock = new ManualClock();
        using var store = ResultsStore.Open(P("gate.db"));
        var request = new SweepRequest(label, ["tiny_regression"], ["adamw"], TuningRuleset.ExternalTuning, Studies, 1, 7, Tuned, 0, 1,
            new TrialRunnerOptions { MaxSteps = 400, EvalEverySteps = 5 });
        new SweepRunner(store, _ => new TinyWorkload(clock, target: 2e-3), _ => new InjectedRegression(clock, slowdown, learningRateFactor),
            new StringWriter(), clock).Run(request, "test", "{}");
    }

    private (int Code, JsonElement Row) Compare(string candidate)
    {
        var (code, _, err) = HostedCli.Run("compare", P("gate.db"), "--baseline-run", "base", "--candidate-run", candidate, "--ruleset", "external", "--json", P($"{candidate}.json"));
        Assert.True(code is 0 or 1, err);
        var row = JsonDocument.Parse(File.ReadAllText(P($"{candidate}.json"))).RootElement.GetProperty("rows").EnumerateArray().Single();
        return (code, row);
    }

    private static string Verdict(JsonElement row, string what) => row.GetProperty(what).GetProperty("verdict").GetString()!;

    [Fact]
    public void AnIdenticalCandidateIsNoRegression()
    {
        Sweep("base");
        Sweep("same");
        var (code, row) = Compare("same");
        Assert.Equal(0, code);
        Assert.Equal("no change", Verdict(row, "step_time"));
        Assert.NotEqual("regression", Verdict(row, "time_to_target"));
    }

    [Fact]
    public void AStepFifteenPercentSlowerIsFlagged()
    {
        Sweep("base");
        Sweep("slow", slowdown: 1.15);
        var (code, row) = Compare("slow");
        Assert.Equal(1, code);
        Assert.Equal("regression", Verdict(row, "step_time"));
        Assert.Equal(1.15, row.GetProperty("step_time").GetProperty("ratio").GetDouble(), 9);
        // Each study reaches the target in the same steps as the baseline's (same seeds), 15 % later; but its steps vary
        // from study to study far more than 15 %, so the unpaired test over five studies cannot call the times apart.
        Assert.NotEqual("improvement", Verdict(row, "time_to_target"));
    }

    [Fact]
    public void AHalvedLearningRateIsFlaggedOnTimeToTargetAlone()
    {
        Sweep("base");
        Sweep("worse", learningRateFactor: 0.5);
        var (code, row) = Compare("worse");
        Assert.Equal(1, code);
        Assert.Equal("regression", Verdict(row, "time_to_target"));
        Assert.Equal("no change", Verdict(row, "step_time")); // every step still costs exactly 1 s
    }
}
