using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary><c>algoperf gate</c> end to end in worker processes, and its bad input.</summary>
public sealed class GateCliTests : ScratchFolder
{
    private static string Wrapped => PluginPaths.Regression + ":adamw_wrapped";

    private string OnePoint()
    {
        File.WriteAllText(P("one.json"), """[{"learning_rate": 0.05, "one_minus_beta1": 0.1, "beta2": 0.99, "weight_decay": 0.0, "warmup_factor": 0.0}]""");
        return P("one.json");
    }

    private string[] Args(params string[] extra) =>
        ["gate", "adamw", Wrapped, "-w", "synthetic_regression", "--studies", "2", "--search-space", OnePoint(), "--max-steps", "300",
         "--db", P("g.db"), "--json", P("g.json"), .. extra];

    [Fact]
    public void AnAaGateThroughThePluginRunsInterleavedPairsThatTrainIdenticallyAndResumes()
    {
        var (code, output, err) = HostedCli.Run(Args());
        Assert.True(code == 0, err + output);
        Assert.Contains("4 trials run now, 4 in its two runs", output);
        Assert.Contains("**Gate: pass**", output);

        var baseline = HostedCli.Trials(P("g.db"), "gate.baseline").OrderBy(t => t.Trial.Study).ToList();
        var candidate = HostedCli.Trials(P("g.db"), "gate.candidate").OrderBy(t => t.Trial.Study).ToList();
        Assert.Equal(2, baseline.Count);
        Assert.Equal(2, candidate.Count);
        for (int s = 0; s < 2; s++)
        {
            // same seeds, separate worker processes, built-in vs the plugin's wrapper: the same training, eval by eval
            Assert.Equal(TrialState.Completed, candidate[s].Trial.State);
            Assert.Equal(HostedCli.Timeless(baseline[s].Evals), HostedCli.Timeless(candidate[s].Evals));
        }

        // ABBA: base 0, candidate 0, candidate 1, base 1
        using (var store = ResultsStore.Open(P("g.db"), create: false))
        {
            string Started((StoredTrial Trial, IReadOnlyList<StoredEval> _) t) => store.TrialTimes(t.Trial.Id).Started!;
            var starts = new[] { Started(baseline[0]), Started(candidate[0]), Started(candidate[1]), Started(baseline[1]) };
            Assert.Equal(starts.Order(StringComparer.Ordinal), starts);
        }

        var row = JsonDocument.Parse(File.ReadAllText(P("g.json"))).RootElement.GetProperty("rows").EnumerateArray().Single();
        Assert.Equal("synthetic_regression", row.GetProperty("workload").GetString());
        var steps = row.GetProperty("steps_to_target");
        Assert.Equal(2, steps.GetProperty("zero_differences").GetInt32());
        Assert.Equal(1.0, steps.GetProperty("ratio").GetDouble());
        Assert.Equal("inconclusive", steps.GetProperty("verdict").GetString()); // 2 studies can never show anything at α = 0.05

        var (again, output2, err2) = HostedCli.Run(Args());
        Assert.True(again == 0, err2);
        Assert.Contains("0 trials run now, 4 in its two runs", output2);
    }

    [Theory]
    [InlineData("nope", null, "'nope' is neither a built-in algorithm")]
    [InlineData(null, "0", "Studies (--studies) must be ≥ 1 (got 0)")]
    [InlineData(":defaults_throws", null, "DefaultsThrows.Defaults threw InvalidOperationException")]
    public void BadInputIsOneLineExit2AndCreatesNothing(string? candidate, string? studies, string expected)
    {
        string cand = candidate is null ? "adamw" : candidate.StartsWith(':') ? PluginPaths.Misbehaving + candidate : candidate;
        var (code, _, err) = HostedCli.Run("gate", "adamw", cand, "-w", "synthetic_regression", "--studies", studies ?? "5", "--db", P("bad.db"));
        Assert.Equal(2, code);
        Assert.Contains(expected, Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(P("bad.db")));
    }

    [Fact]
    public void ASearchSpaceOfMoreThanOnePointIsRefused()
    {
        File.WriteAllText(P("two.json"), """[{"learning_rate": 0.01}, {"learning_rate": 0.02}]""");
        var (code, _, err) = HostedCli.Run("gate", "adamw", "adamw", "-w", "synthetic_regression", "--search-space", P("two.json"), "--db", P("bad.db"));
        Assert.Equal(2, code);
        Assert.Contains("must hold exactly one point", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(P("bad.db")));
    }

    [Fact]
    public void AnAlphaOutOfRangeIsRefused()
    {
        var (code, _, err) = HostedCli.Run("gate", "adamw", "adamw", "--alpha", "0.7", "--db", P("bad.db"));
        Assert.Equal(2, code);
        Assert.Contains("--alpha must be in (0, 0.5)", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
