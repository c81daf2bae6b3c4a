using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;


namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Bad search spaces, plugin paths, config files and settings: exit code 2 and a message naming the field.</summary>
public sealed class HostedInputErrorTests : ScratchFolder
{
    private (int Code, string Err) Run(params string[] extra)
    {
        var (code, _, err) = HostedCli.Run(["run", "-w", "synthetic_regression", "-a", "adamw", "--db", P("x.db"), "--in-process", "--max-steps", "5", .. extra]);
        return (code, err);
    }

    [Theory]
    [InlineData("""{"learning_rate": {"min": "small", "max": 0.1, "scaling": "log"}}""", "'learning_rate': 'min' must be a number")]
    [InlineData("""{"learning_rate": {"min": 0.1, "max": 0.001, "scaling": "log"}}""", "'learning_rate': min 0.1 is greater than max 0.001")]
    [InlineData("""{"learning_rate": {"min": 0.001, "max": 0.1, "scaling": "cubic"}}""", "'learning_rate': unknown scaling \"cubic\"")]
    [InlineData("""{"learning_rate": """, "not valid JSON")]
    public void BadSearchSpaceJsonNamesTheField(string json, string expected)
    {
        File.WriteAllText(P("space.json"), json);
        var (code, err) = Run("--search-space", P("space.json"));
        Assert.Equal(2, code);
        Assert.Contains("SearchSpace (--search-space)", err);
        Assert.Contains(expected, err);
        Assert.False(File.Exists(P("x.db")), "nothing runs before the settings are valid");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingWorkloadDataIsAOneLineErrorNotACrash(bool inProcess)
    {
        const string message = "corpus folder /nowhere does not exist; run ./scripts/setup.sh";
        var missing = new AlgoPerfSharp.Workloads.WorkloadDescriptor("missing_data_test", "its data are never there", null, ["tiny"],
            _ => throw new DirectoryNotFoundException(message), _ => throw new DirectoryNotFoundException(message));
        var registries = new Registries(TestRegistries.Algorithms, HarnessWorkloads.Registry(missing));
        string[] args = ["run", "-w", "missing_data_test", "-a", "adamw", "--preset", "tiny", "--db", P("m.db"), "--max-steps", "5"];
        var (code, output, err) = HostedCli.RunWith(registries, inProcess ? [.. args, "--in-process"] : args);

        Assert.Equal(2, code);
        Assert.Contains("error: " + message, err);
        Assert.DoesNotContain("   at ", err + output); // no stack trace
    }

    [Fact]
    public void ScoringRunsThatRepeatATrialAsksForOneRun()
    {
        foreach (string label in new[] { "first", "again" })
        {
            Assert.Equal(0, HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--trials", "1", "--max-steps", "5",
                "--eval-every-steps", "5", "--label", label, "--db", P("two.db"), "--in-process").Code);
        }

        var (code, _, err) = HostedCli.Run("leaderboard", "--db", P("two.db"), "--ruleset", "external");
        Assert.Equal(2, code);
        Assert.Contains("trial synthetic_regression/adamw/external/study0/trial0 is in more than one of the runs scored (first, again)", err);
        Assert.Contains("--run LABEL", err);
        Assert.Equal(0, HostedCli.Run("leaderboard", "--db", P("two.db"), "--ruleset", "external", "--run", "again").Code);

        // the report scores through the same loader, so it says the same
        var (reportCode, _, reportErr) = HostedCli.Run("report", "--db", P("two.db"), "--ruleset", "external", "--out", P("r.html"));
        Assert.Equal(2, reportCode);
        Assert.Contains("is in more than one of the runs scored (first, again)", reportErr);
    }

    [Fact]
    public void BadPluginPathsGetAClearMessage()
    {
        var (code, _, err) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", P("nope.dll"), "--db", P("x.db"), "--in-process");
        Assert.Equal(2, code);
        Assert.Contains("is neither a built-in algorithm", err);
        var (code2, _, err2) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", PluginPaths.Mixed, "--db", P("y.db"), "--in-process");
        Assert.Equal(2, code2);
        Assert.Contains("choose one with", err2);
    }

    [Theory]
    [InlineData("""{"Trials": 2,""", "is not valid JSON")]
    [InlineData("""{"Trails": 2}""", "Trails")]
    [InlineData("""{"Studies": "many"}""", "Studies")]
    [InlineData("""{"Studies": 0}""", "Studies (--studies) must be ≥ 1 (got 0)")]
    [InlineData("""{"Preset": "huge"}""", "Preset (--preset) 'huge' is unknown")]
    [InlineData("""{"StepHint": 0}""", "StepHint (--step-hint) must be ≥ 1 (got 0)")]
    [InlineData("""{"Workloads": ["imagenet"]}""", "unknown workload 'imagenet'")]
    public void BadConfigJsonNamesTheSetting(string json, string expected)
    {
        File.WriteAllText(P("c.json"), json);
        var (code, _, err) = HostedCli.Run("sweep", "--config", P("c.json"), "-a", "adamw", "--db", P("x.db"));
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void BadCommandLineSettingsAreRefusedBeforeAnythingRuns()
    {
        Assert.Contains("--config", HostedCli.Run("sweep", "--config", P("missing.json")).Err);
        Assert.Contains("Shard --shard '3/2' is invalid", HostedCli.Run("sweep", "-w", "synthetic_regression", "-a", "adamw", "--shard", "3/2", "--db", P("x.db")).Err);
        Assert.Contains("MaxRuntime (--max-runtime) must be > 0 seconds (got -1)", Run("--max-runtime", "-1").Err);
        Assert.Contains("CheckpointEvery (--checkpoint-every) must be ≥ 0 seconds (got -1)", Run("--checkpoint-every", "-1").Err);
        Assert.False(File.Exists(P("x.db")));
        Assert.Contains("Plan (--plan) 'huge' is unknown", HostedCli.Run("sweep", "--plan", "huge", "--db", P("x.db")).Err);
        Assert.Contains("run takes exactly one --workload", HostedCli.Run("run", "-w", "synthetic_regression", "-w", "synthetic_regression", "-a", "adamw", "--db", P("x.db")).Err);
    }
}
