using System.Diagnostics;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>The Slurm job-array script: its preemption warning must reach the algoperf process, which checkpoints.</summary>
public sealed class SlurmScriptTests : ScratchFolder
{
    private static string Script => Path.Combine(PluginPaths.RepoRoot, "scripts", "slurm", "sweep-array.sh");

    [Fact]
    public void TheWarningSignalIsSentToTheBatchShell()
    {
        // without "B:" Slurm signals only job steps (srun), and this script starts none
        var directives = File.ReadAllLines(Script).Where(l => l.StartsWith("#SBATCH --signal", StringComparison.Ordinal)).ToList();
        Assert.Equal(["#SBATCH --signal=B:TERM@120"], directives);
    }

    [Fact]
    public void TheBatchShellBecomesAlgoperfSoSigtermReachesIt()
    {
        if (!OperatingSystem.IsLinux()) return; // Slurm runs on Linux

        // A stand-in algoperf that records its PID and arguments and exits 130 on SIGTERM, as algoperf does.
        string fake = P("algoperf");
        string pidFile = P("pid");
        File.WriteAllText(fake, $"#!/bin/sh\necho \"$$ $*\" > {pidFile}.tmp && mv {pidFile}.tmp {pidFile}\ntrap 'echo TERM >> {pidFile}; exit 130' TERM\nwhile :; do sleep 0.05; done\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("bash", [Script]) { UseShellExecute = false, RedirectStandardError = true, WorkingDirectory = P(".") };
        start.Environment["ALGOPERF"] = fake;
        start.Environment["OUT"] = P("out");
        start.Environment["SLURM_ARRAY_TASK_ID"] = "1"; // not the first task: no merge job is submitted
        start.Environment["SLURM_ARRAY_TASK_MIN"] = "0";
        start.Environment["SLURM_ARRAY_TASK_MAX"] = "3";
        using var shell = Process.Start(start)!;
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!File.Exists(pidFile) && !shell.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            string[] recorded = File.ReadAllText(pidFile).Trim().Split(' ');
            Assert.Equal(shell.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), recorded[0]); // exec: the batch shell's PID is algoperf's
            Assert.Equal(["sweep", "--plan", "quick", "--label", "sweep", "--seed", "0", "--shard", "1/4", "--db", P("out") + "/shard-1.db"], recorded[1..]);

            using (var kill = Process.Start("kill", ["-TERM", shell.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.True(shell.WaitForExit(60_000), "the batch shell did not end after SIGTERM");
            Assert.Equal(130, shell.ExitCode);
            Assert.EndsWith("TERM", File.ReadAllText(pidFile).Trim());
        }
        finally
        {
            if (!shell.HasExited) shell.Kill(entireProcessTree: true);
        }
    }
    [Theory]
    [InlineData("--plan full", "external")]
    [InlineData("--plan smoke -w synthetic_regression", "self")]
    [InlineData("--plan quick --ruleset external", "external")]
    [InlineData("--ruleset=self -w synthetic_regression", "self")]
    [InlineData("-w synthetic_regression -a adamw", "external")]
    public void TheMergeJobMergesEveryShardByNameAndScoresWithTheSweepsRuleset(string sweepArgs, string ruleset)
    {
        if (!OperatingSystem.IsLinux()) return;

        // A stand-in algoperf that appends its arguments, one invocation a line.
        string fake = P("algoperf"), calls = P("calls");
        File.WriteAllText(fake, $"#!/bin/sh\necho \"$*\" >> {calls}\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (code, err) = RunMerge(new() { ["ALGOPERF"] = fake, ["OUT"] = P("out"), ["SHARDS"] = "3", ["SWEEP_ARGS"] = sweepArgs });
        Assert.True(code == 0, err);
        string o = P("out");
        Assert.Equal(
            [$"merge --db {o}/merged.db {o}/shard-0.db {o}/shard-1.db {o}/shard-2.db",
             $"leaderboard --db {o}/merged.db --ruleset {ruleset} --markdown {o}/leaderboard.md --json {o}/leaderboard.json",
             $"report --db {o}/merged.db --ruleset {ruleset} --out {o}/report.html"],
            File.ReadAllLines(calls));
    }

    [Fact]
    public void AMergeJobWithAMissingShardFailsNamingItAndPublishesNothing()
    {
        if (!OperatingSystem.IsLinux()) return;

        var launch = AlgoPerfSharp.Harness.Trial.Workers.WorkerLaunch.Current();
        Assert.Empty(launch.PrefixArguments); // the test build has an algoperf apphost
        Directory.CreateDirectory(P("out"));
        var (code, err) = RunMerge(new() { ["ALGOPERF"] = launch.FileName, ["OUT"] = P("out"), ["SHARDS"] = "2", ["SWEEP_ARGS"] = "--plan smoke" });
        Assert.Equal(2, code);
        Assert.Equal($"error: shard database(s) not found: {P("out")}/shard-0.db, {P("out")}/shard-1.db", err.Trim());
        Assert.Empty(Directory.GetFiles(P("out"))); // no merged.db, no leaderboard

        var (unsized, unsizedErr) = RunMerge(new() { ["ALGOPERF"] = launch.FileName, ["OUT"] = P("out") });
        Assert.NotEqual(0, unsized);
        Assert.Contains("SHARDS", unsizedErr);
    }

    private (int Code, string Err) RunMerge(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", [Script, "--merge"]) { UseShellExecute = false, RedirectStandardError = true, WorkingDirectory = P(".") };
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err);
    }
}
