using System.Diagnostics;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Workloads.Suite;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Crashes, hangs, divergence, memory blow-ups, Ctrl+C and kill -9 of worker processes.</summary>
public sealed class WorkerIsolationTests : ScratchFolder
{
    private static string Bad(string name) => PluginPaths.Misbehaving + ":" + name;

    [Fact]
    public void ACrashAHangAndANanCostOnlyTheirTrialsAndTheSweepGoesOn()
    {
        var (code, output, err) = HostedCli.Run(
            "sweep", "-w", "synthetic_regression", "-a", Bad("crash"), "-a", Bad("hang"), "-a", Bad("nan"), "-a", "adamw",
            "--ruleset", "self", "--max-steps", "60", "--eval-every-steps", "20", "--trial-timeout", "8", "--db", P("bad.db"));
        Assert.True(code == 1, output + err); // the sweep went on, and its exit code says two trials failed
        Assert.Contains("error: 2 of 4 trials failed or timed out", err);
        var trials = HostedCli.Trials(P("bad.db"), "sweep").ToDictionary(t => t.Trial.Algorithm.Split(':')[^1], t => t.Trial);
        Assert.Equal(TrialState.Failed, trials["crash"].State);
        Assert.Contains("exited with code", trials["crash"].Error);
        Assert.Contains("deliberate crash", trials["crash"].Error); // the child's stderr tail
        Assert.Equal(TrialState.TimedOut, trials["hang"].State);
        Assert.Contains("wall-clock limit", trials["hang"].Error);
        Assert.Equal(TrialState.Diverged, trials["nan"].State);
        Assert.Contains("NaN at step 31", trials["nan"].Error);
        Assert.Equal(TrialState.Completed, trials["adamw"].State);
        Assert.Equal(60, trials["adamw"].Steps);
        var adamw = HostedCli.Trials(P("bad.db"), "sweep").Single(t => t.Trial.Algorithm == "adamw").Evals;
        Assert.Equal([20L, 40L, 60L], adamw.Select(r => r.Step));
        // the crash happened at step 30: the eval at step 20 survived
        Assert.Equal(20, trials["crash"].Steps);
    }

    [Fact]
    public void AWorkerAboveTheMemoryLimitIsKilledAndItsTrialFails()
    {
        var (code, output, err) = HostedCli.Run(
            "run", "-w", "synthetic_regression", "-a", Bad("hog"), "--ruleset", "self", "--max-steps", "200", "--max-runtime", "1000", "--max-memory", "1500", "--db", P("hog.db"));
        Assert.True(code == 1, output + err);
        var (trial, _) = Assert.Single(HostedCli.Trials(P("hog.db"), "run"));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Contains("above --max-memory 1500 MB", trial.Error);
    }

    [Fact]
    public void ANegativeRetryCountIsRefusedBeforeAnythingRuns()
    {
        var (code, output, err) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--retries", "-1", "--db", P("r.db"));
        Assert.Equal(2, code);
        Assert.Contains("Retries (--retries) must be ≥ 0 (got -1)", err);
        Assert.DoesNotContain("   at ", err + output);
        Assert.False(File.Exists(P("r.db")));
    }

    [Fact]
    public async Task CtrlCThenResumeGivesTheSameEvalRowsAsAnUninterruptedRun()
    {
        string[] run = ["run", "-w", "synthetic_regression", "-a", Bad("slow"), "--ruleset", "self", "--max-steps", "150", "--eval-every-steps", "10"];
        string db = P("cc.db");
        using var cts = new CancellationTokenSource();
        var pressed = Task.Run(async () =>
        {
            // press Ctrl+C once the worker has recorded two evals
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!File.Exists(db) || EvalCount(db) < 2)
            {
                // Never hang the suite: if the worker never records two evals, press Ctrl+C anyway and let the asserts say why.
                if (DateTime.UtcNow > deadline) break;
                await Task.Delay(50);
            }

            await cts.CancelAsync();
        });
        var first = HostedCli.Run(cts.Token, [.. run, "--db", db]);
        await pressed;
        Assert.True(first.Code == 130, first.Out + first.Err);
        var (interrupted, partial) = Assert.Single(HostedCli.Trials(db, "run"));
        Assert.Equal(TrialState.Interrupted, interrupted.State);
        Assert.InRange(partial.Count, 2, 14);

        var second = HostedCli.Run([.. run, "--db", db]);
        Assert.True(second.Code == 0, second.Out + second.Err);
        Assert.Equal(0, HostedCli.Run([.. run, "--db", P("ref.db"), "--in-process"]).Code);
        var (resumed, rows) = Assert.Single(HostedCli.Trials(db, "run"));
        var (reference, refRows) = Assert.Single(HostedCli.Trials(P("ref.db"), "run"));
        Assert.Equal(TrialState.Completed, resumed.State);
        Assert.Equal(150, resumed.Steps);
        Assert.Equal(15, rows.Count);
        Assert.Equal(HostedCli.Timeless(refRows), HostedCli.Timeless(rows));
    }

    [Fact]
    public async Task AWorkerKilledMinus9MidTrialIsRestartedFromItsCheckpointAndEndsAsAnUninterruptedRun()
    {
        string db = P("k9.db");
        var request = new SweepRequest("k9", [SyntheticRegression.Name], [Bad("slow")], TuningRuleset.SelfTuning, 1, 1, 0, null, 0, 1,
            new TrialRunnerOptions { MaxSteps = 150, EvalEverySteps = 10, CheckpointDirectory = P("ckpt") });
        Process? child = null;
        int starts = 0;
        var killer = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (child is null || !File.Exists(db) || EvalCount(db) < 3)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the worker never recorded 3 evals: " + (child is null ? "it did not start" : "see the trial's error"));
                await Task.Delay(50);
            }

            // SIGKILL of the worker itself (sandboxed, the leaf below bwrap): no chance to clean up
            int worker = ProcessTree.Descendants(child.Id).LastOrDefault(child.Id);
            Process.GetProcessById(worker).Kill();
        });
        using (var store = ResultsStore.Open(db))
        {
            var settings = (long runId) => new WorkerSettings(db, runId, null, P("work"), null, WorkerLaunch.Current());
            new SweepRunner(store, n => TestRegistries.Workloads.Create(n), TestRegistries.Algorithms.Resolve, new StringWriter(),
                executorFor: runId => new WorkerExecutor(store, settings(runId), p =>
                {
                    child = p;
                    starts++;
                })).Run(request, "test", "{}");
        }

        await killer;
        var (trial, rows) = Assert.Single(HostedCli.Trials(db, "k9"));
        Assert.True(starts == 2, $"{starts} start(s): {trial.State} {trial.Error}"); // killed once, restarted once (--retries 1)
        Assert.True(trial.State == TrialState.Completed, trial.Error);
        Assert.Equal(150, trial.Steps);
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", cmd.ExecuteScalar());
        }

        // every row, before and after the kill, is the row an unkilled run writes, and the wall-clock total never goes back
        Assert.Equal(0, HostedCli.Run("run", "-w", "synthetic_regression", "-a", Bad("slow"), "--ruleset", "self", "--max-steps", "150",
            "--eval-every-steps", "10", "--label", "k9", "--db", P("k9ref.db"), "--in-process").Code);
        var (_, reference) = Assert.Single(HostedCli.Trials(P("k9ref.db"), "k9"));
        Assert.Equal(HostedCli.Timeless(reference), HostedCli.Timeless(rows));
        Assert.All(rows.Zip(rows.Skip(1)), p => Assert.True(p.Second.TotalSeconds > p.First.TotalSeconds, $"total went from {p.First.TotalSeconds} to {p.Second.TotalSeconds}"));
    }

    [Fact]
    public async Task AWorkerDiesWithItsKilledParentAndARerunReclaimsAndResumesTheTrial()
    {
        string db = P("orphan.db");
        string[] run = ["run", "-w", "synthetic_regression", "-a", Bad("slow"), "--ruleset", "self", "--max-steps", "300", "--eval-every-steps", "10", "--label", "orphan"];
        var launch = WorkerLaunch.Current();
        var psi = new ProcessStartInfo(launch.FileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in launch.PrefixArguments.Concat(run).Concat(["--db", db])) psi.ArgumentList.Add(a);
        List<int> workers;
        using (var parent = Process.Start(psi)!)
        {
            parent.BeginOutputReadLine();
            parent.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!File.Exists(db) || EvalCount(db) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline && !parent.HasExited, "the parent never recorded 2 evals");
                await Task.Delay(50);
            }

            workers = ProcessTree.Descendants(parent.Id);
            Assert.NotEmpty(workers);
            parent.Kill(); // SIGKILL of the parent alone
            await parent.WaitForExitAsync();
        }

        // the worker goes too (bwrap's --die-with-parent, or unsandboxed the parent-death signal and the end of its
        // stdin), and with it the last hold on the trial's lease
        var (stale, _) = Assert.Single(HostedCli.Trials(db, "orphan"));
        Assert.Equal(TrialState.Running, stale.State); // nobody recorded its end
        var gone = DateTime.UtcNow.AddSeconds(30);
        TrialLease? lease;
        while ((lease = TrialLease.TryAcquire(TrialLease.PathFor(db, stale.Id), out string holder)) is null)
        {
            Assert.True(DateTime.UtcNow < gone, "the lease is still held 30 s after the parent died, by " + holder);
            await Task.Delay(100);
        }

        lease.Dispose();
        Assert.DoesNotContain(workers, Alive);

        var again = HostedCli.Run([.. run, "--db", db]);
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Equal(0, HostedCli.Run([.. run, "--db", P("orphan-ref.db"), "--in-process"]).Code);
        var (resumed, rows) = Assert.Single(HostedCli.Trials(db, "orphan"));
        var (_, reference) = Assert.Single(HostedCli.Trials(P("orphan-ref.db"), "orphan"));
        Assert.True(resumed.State == TrialState.Completed, resumed.Error);
        Assert.Equal(30, rows.Count);
        Assert.Equal(HostedCli.Timeless(reference), HostedCli.Timeless(rows));
    }

    // A process that has not exited (a zombie waiting for its reaper has).
    private static bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long EvalCount(string db)
    {
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM evals;";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }
}
