using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>run / sweep / merge through <c>CliApp.Run</c>, in worker processes unless a test says --in-process.</summary>
public sealed class HostedCommandTests : ScratchFolder
{
    private static readonly string[] Tiny = ["-w", "synthetic_regression", "--max-steps", "60", "--eval-every-steps", "20"];

    [Fact]
    public void RunInAWorkerRecordsEveryEvalWithDiagnosticsAndExportsTheCsv()
    {
        var (code, output, err) = HostedCli.Run(["run", .. Tiny, "-a", "adamw", "--trials", "1", "--db", P("run.db"), "--export-csv", P("csv")]);
        Assert.True(code == 0, output + err);
        var (trial, evals) = Assert.Single(HostedCli.Trials(P("run.db"), "run"));
        Assert.Equal(TrialState.Completed, trial.State);
        Assert.Equal(60, trial.Steps);
        Assert.Equal([20L, 40, 60], evals.Select(e => e.Step));
        Assert.All(evals, e =>
        {
            Assert.Contains("validation/loss", e.Metrics.Keys);
            Assert.Contains("test/loss", e.Metrics.Keys);
            Assert.Contains("train/loss", e.Metrics.Keys);
            Assert.NotEmpty(e.Diagnostics); // AdamW's diagnostics are stored at every eval
        });
        Assert.True(evals[2].Metrics["validation/loss"] < evals[0].Metrics["validation/loss"], "the worker trained the model");
        string csv = File.ReadAllLines(Directory.GetFiles(P("csv"), "eval_measurements.csv", SearchOption.AllDirectories).Single())[0];
        Assert.Contains("validation/loss", csv);
        Assert.Contains(",diagnostics/", csv);
        Assert.True(File.Exists(P("run.db.log")), "the log file is written beside the database");
    }

    [Fact]
    public void ATwoTrialSweepInWorkersEqualsTheSameSweepInProcess()
    {
        string[] sweep = ["sweep", .. Tiny, "-a", "adamw", "-a", "nadamw", "--ruleset", "self", "--seed", "5"];
        var (code, output, err) = HostedCli.Run([.. sweep, "--db", P("w.db")]);
        Assert.True(code == 0, output + err);
        Assert.Contains("[2/2] synthetic_regression/nadamw/self/study0/trial0", output);
        Assert.Equal(0, HostedCli.Run([.. sweep, "--db", P("p.db"), "--in-process"]).Code);
        var workers = HostedCli.Trials(P("w.db"), "sweep");
        var inProcess = HostedCli.Trials(P("p.db"), "sweep");
        Assert.Equal(2, workers.Count);
        Assert.All(workers, t => Assert.Equal(TrialState.Completed, t.Trial.State));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(inProcess[i].Trial.Key, workers[i].Trial.Key);
            Assert.Equal(HostedCli.Timeless(inProcess[i].Evals), HostedCli.Timeless(workers[i].Evals));
        }

        // re-running skips both
        var again = HostedCli.Run([.. sweep, "--db", P("w.db")]);
        Assert.Contains("0 trials run now, 2 already done", again.Out);
    }

    [Fact]
    public void TwoShardsMergedByTheCliEqualTheUnshardedSweep()
    {
        string[] sweep = ["sweep", .. Tiny, "-a", "adamw", "-a", "sgd_nesterov", "--trials", "2", "--in-process"];
        Assert.Equal(0, HostedCli.Run([.. sweep, "--db", P("full.db")]).Code);
        Assert.Equal(0, HostedCli.Run([.. sweep, "--db", P("s0.db"), "--shard", "0/2"]).Code);
        Assert.Equal(0, HostedCli.Run([.. sweep, "--db", P("s1.db"), "--shard", "1/2"]).Code);
        var (code, output, _) = HostedCli.Run("merge", "--db", P("merged.db"), P("s0.db"), P("s1.db"));
        Assert.Equal(0, code);
        Assert.Contains("run 'sweep': 4 trials", output);
        var full = HostedCli.Trials(P("full.db"), "sweep");
        var merged = HostedCli.Trials(P("merged.db"), "sweep");
        Assert.Equal(full.Select(t => t.Trial.Key), merged.Select(t => t.Trial.Key));
        for (int i = 0; i < full.Count; i++) Assert.Equal(HostedCli.Timeless(full[i].Evals), HostedCli.Timeless(merged[i].Evals));

        var missing = HostedCli.Run("merge", "--db", P("m2.db"), P("nope.db"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("not found", missing.Err);
    }

    [Fact]
    public void TheLionPluginRunsEndToEndInAWorker()
    {
        var (code, output, err) = HostedCli.Run(["run", .. Tiny, "-a", PluginPaths.Lion, "--ruleset", "self", "--db", P("lion.db")]);
        Assert.True(code == 0, output + err);
        var (trial, evals) = Assert.Single(HostedCli.Trials(P("lion.db"), "run"));
        Assert.Equal(TrialState.Completed, trial.State);
        Assert.Equal(3, evals.Count);
    }

    [Fact]
    public void CommandLineOverridesTheConfigFile()
    {
        File.WriteAllText(P("c.json"), $$"""{"Db": "{{P("cfg.db").Replace("\\", "\\\\", StringComparison.Ordinal)}}", "Trials": 3, "Algorithms": ["adamw"], "InProcess": true}""");
        var (code, output, err) = HostedCli.Run(["run", "--config", P("c.json"), .. Tiny, "--trials", "1"]);
        Assert.True(code == 0, output + err);
        Assert.Single(HostedCli.Trials(P("cfg.db"), "run"));
    }
}
