using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// <c>scripts/slurm/sweep-array.sh</c> on a real Slurm (Debian's slurm-wlm 22.05 with munge, installed by
/// <c>scripts/setup.sh --tests</c>): <c>scripts/slurm/e2e-test.sh</c> starts a private single-node cluster, runs the
/// array with 3 shards and its merge job, then preempts a shard and resubmits it; this test then checks the databases
/// against an unsharded in-process sweep of the same plan and seed. Needs root (skipped otherwise, with the reason).
/// </summary>
public sealed class SlurmEndToEndTests : ScratchFolder
{
    /// <summary>
    /// The plan: smoke restricted to the synthetic workload, two algorithms, external tuning (2 trials each, so every
    /// trial has its own sampled hyperparameters) and step-based limits, so eval rows are reproducible to the bit.
    /// 9600 steps with an eval every 800 make a trial last a few seconds: long enough to be preempted in the middle (with
    /// 600 steps a worker that starts fast could finish its trial between the first logged eval and the signal, and
    /// with 2400 so could one that checkpoints every 10 s instead of at every eval).
    /// </summary>
    private static readonly string[] Plan =
        ["--plan", "smoke", "-w", "synthetic_regression", "-a", "adamw", "-a", "nadamw", "--ruleset", "external", "--trials", "2",
         "--max-steps", "9600", "--eval-every-steps", "800"];

    /// <summary>Seconds the script may take before it stops itself (its EXIT trap stops the cluster).</summary>
    private const int DeadlineSeconds = 360;

    [RootFact]
    public void ShardsMergedUnderSlurmEqualTheUnshardedSweepAndAPreemptedShardResumes()
    {
        var (code, log) = RunScript(P("slurm"));
        Assert.True(code == 0, $"scripts/slurm/e2e-test.sh exited {code}:\n{log}");

        // the unsharded sweep: same plan, label and seed as the array script's shards
        var (fullCode, fullOut, fullErr) = HostedCli.Run(["sweep", .. Plan, "--label", "sweep", "--seed", "0", "--in-process", "--db", P("full.db")]);
        Assert.True(fullCode == 0, fullOut + fullErr);
        var full = HostedCli.Trials(P("full.db"), "sweep");
        Assert.Equal(4, full.Count); // 1 workload × 2 algorithms × 1 study × 2 trials
        Assert.Equal(4, full.Select(t => t.Trial.HyperparametersJson).Distinct().Count());

        // 1. three shards merged by the merge job = the unsharded sweep, trial by trial, eval by eval
        AssertSameTrials(full, HostedCli.Trials(P("slurm/run1/merged.db"), "sweep"));
        var shardKeys = Enumerable.Range(0, 3).Select(i => HostedCli.Trials(P($"slurm/run1/shard-{i}.db"), "sweep").Select(t => t.Trial.Key).ToList()).ToList();
        var ordered = full.Select(t => t.Trial.Key).Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < 3; i++) Assert.Equal(ordered.Where((_, j) => j % 3 == i), shardKeys[i].Order(StringComparer.Ordinal)); // every 3rd in key order
        string board = File.ReadAllText(P("slurm/run1/leaderboard.md"));
        Assert.Contains("adamw", board);
        Assert.Contains("nadamw", board);
        Assert.Contains("<svg", File.ReadAllText(P("slurm/run1/report.html")));

        // 2. the preempted shard: one trial stopped mid-way with a checkpoint, resumed (its earlier rows kept as they
        // were recorded, times included: not re-run), and finished exactly as the uninterrupted run
        var preempted = HostedCli.Trials(P("slurm/preempted/shard-1.db"), "sweep");
        var (stopped, before) = Assert.Single(preempted, t => t.Trial.State == TrialState.Interrupted);
        Assert.All(preempted.Where(t => t.Trial.Id != stopped.Id), t => Assert.Equal(TrialState.Completed, t.Trial.State));
        Assert.InRange(stopped.Steps, 800, 9599);
        Assert.NotEmpty(before);
        var resumed = HostedCli.Trials(P("slurm/run2/shard-1.db"), "sweep").Single(t => t.Trial.Key == stopped.Key);
        Assert.Equal(TrialState.Completed, resumed.Trial.State);
        Assert.Equal(9600, resumed.Trial.Steps);
        Assert.Equal(Timed(before), Timed(resumed.Evals.Take(before.Count).ToList()));
        var uninterrupted = full.Single(t => t.Trial.Key == stopped.Key);
        Assert.Equal(HostedCli.Timeless(uninterrupted.Evals), HostedCli.Timeless(resumed.Evals));
        Assert.Equal(12, resumed.Evals.Count); // every 800 steps up to 9600
        AssertSameTrials(full, HostedCli.Trials(P("slurm/run2/merged.db"), "sweep"));
    }

    private static void AssertSameTrials(
        List<(StoredTrial Trial, IReadOnlyList<StoredEval> Evals)> expected, List<(StoredTrial Trial, IReadOnlyList<StoredEval> Evals)> actual)
    {
        Assert.Equal(expected.Select(t => t.Trial.Key), actual.Select(t => t.Trial.Key));
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i].Trial, actual[i].Trial);
            Assert.Equal(e.HyperparametersJson, a.HyperparametersJson);
            Assert.Equal((e.DataSeed, e.InitSeed, e.AlgorithmSeed), (a.DataSeed, a.InitSeed, a.AlgorithmSeed));
            Assert.Equal(TrialState.Completed, a.State);
            Assert.Equal(e.Steps, a.Steps);
            Assert.Equal(HostedCli.Timeless(expected[i].Evals), HostedCli.Timeless(actual[i].Evals));
        }
    }

    /// <summary>Eval rows with their recorded times: equal only for the same recording, not for a re-run.</summary>
    private static List<string> Timed(IReadOnlyList<StoredEval> evals) =>
        evals.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Step}|{e.SubmissionSeconds:R}|{e.EvalSeconds:R}|{e.TotalSeconds:R}")).ToList();

    /// <summary>Runs the end-to-end script; past its deadline (plus a minute) sends it SIGTERM, which its trap turns into a clean stop.</summary>
    private static (int Code, string Log) RunScript(string workDir)
    {
        var launch = WorkerLaunch.Current();
        Assert.True(launch.PrefixArguments.Count == 0, $"the test build has no algoperf apphost beside {launch.FileName}");
        var start = new ProcessStartInfo("bash", [Path.Combine(PluginPaths.RepoRoot, "scripts", "slurm", "e2e-test.sh"), workDir])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ALGOPERF"] = launch.FileName;
        start.Environment["SWEEP_ARGS"] = string.Join(' ', Plan);
        start.Environment["DEADLINE"] = DeadlineSeconds.ToString(CultureInfo.InvariantCulture);
        var log = new StringBuilder();
        using var script = Process.Start(start)!;
        script.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        script.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        if (!script.WaitForExit(TimeSpan.FromSeconds(DeadlineSeconds + 60)))
        {
            using (var term = Process.Start("kill", ["-TERM", script.Id.ToString(CultureInfo.InvariantCulture)])) term.WaitForExit();
            if (!script.WaitForExit(TimeSpan.FromSeconds(60))) script.Kill(entireProcessTree: true);
        }

        script.WaitForExit();
        lock (log) return (script.ExitCode, log.ToString());
    }
}
