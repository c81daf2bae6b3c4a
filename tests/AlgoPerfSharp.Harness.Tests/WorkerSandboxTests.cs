using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Workloads.Suite;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Results only through the parent: the sandbox, the checks on what a worker sends, and bounded output.</summary>
public sealed class WorkerSandboxTests : ScratchFolder
{
    private const string ForgeVariable = "ALGOPERF_TEST_FORGE_DB";

    private static string Forge => PluginPaths.Misbehaving + ":forge";

    private (StoredTrial Trial, IReadOnlyList<StoredEval> Rows, string Log) Sweep(
        string db, string algorithm, WorkerSandbox sandbox, WorkerLaunch? launch = null, string? checkpoints = null)
    {
        var request = new SweepRequest("s", [SyntheticRegression.Name], [algorithm], TuningRuleset.SelfTuning, 1, 1, 0, null, 0, 1,
            new TrialRunnerOptions { MaxSteps = 40, EvalEverySteps = 20, CheckpointDirectory = checkpoints ?? P("ckpt"), CheckpointIntervalSeconds = 0 });
        var log = new StringWriter();
        using (var store = ResultsStore.Open(db))
        {
            var settings = (long runId) => new WorkerSettings(db, runId, null, P("work"), null, launch ?? WorkerLaunch.Current()) { Sandbox = sandbox };
            new SweepRunner(store, n => TestRegistries.Workloads.Create(n), TestRegistries.Algorithms.Resolve, log,
                executorFor: runId => new WorkerExecutor(store, settings(runId))).Run(request, "test", "{}");
        }

        var (trial, rows) = Assert.Single(HostedCli.Trials(db, "s"));
        return (trial, rows, log.ToString());
    }

    [Fact]
    public void ASandboxedWorkerCannotWriteTheDatabaseOrItsFolderWhileItsRowsLand()
    {
        var sandbox = WorkerSandbox.Probe();
        Assert.True(sandbox.Bwrap is not null, sandbox.Warning); // bubblewrap is part of scripts/setup.sh
        string db = P("sandboxed.db");
        Environment.SetEnvironmentVariable(ForgeVariable, db);
        var (trial, rows, _) = Sweep(db, Forge, sandbox);
        Assert.True(trial.State == TrialState.Completed, trial.Error);
        Assert.Equal([20L, 40L], rows.Select(r => r.Step)); // the printed step-1 row never became a row
        Assert.All(rows, r => Assert.Equal((0.0, 0.0), (r.Diagnostics["forge/db_writable"], r.Diagnostics["forge/folder_writable"])));
        Assert.True(rows[0].SubmissionSeconds > 0);
    }

    [Fact]
    public void WithoutBubblewrapWorkersRunUnsandboxedAfterAWarning()
    {
        var sandbox = WorkerSandbox.Probe(P("no-such-bwrap"));
        Assert.Null(sandbox.Bwrap);
        string db = P("open.db");
        Environment.SetEnvironmentVariable(ForgeVariable, db);
        var (trial, rows, log) = Sweep(db, Forge, sandbox);
        Assert.StartsWith("warning: " + P("no-such-bwrap") + " cannot be started", log);
        Assert.Contains("workers run WITHOUT a sandbox", log);
        Assert.True(trial.State == TrialState.Completed, trial.Error);
        // what the sandbox prevents is possible here: the other test's zeros are the sandbox's doing
        Assert.All(rows, r => Assert.Equal((1.0, 1.0), (r.Diagnostics["forge/db_writable"], r.Diagnostics["forge/folder_writable"])));
        Assert.Equal([20L, 40L], rows.Select(r => r.Step)); // even unsandboxed, a plugin's prints are not protocol lines
    }

    [Fact]
    public void ACheckpointFolderHoldingTheDatabaseIsRefusedWhenSandboxed()
    {
        // the checkpoint folder is writable inside the sandbox: it must not contain the database
        Directory.CreateDirectory(P("shared"));
        var (trial, rows, _) = Sweep(Path.Combine(P("shared"), "in.db"), "adamw", WorkerSandbox.Probe(), checkpoints: P("shared"));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Equal($"the checkpoint folder {P("shared")} contains the results database, which workers could then write; pass --checkpoints elsewhere", trial.Error);
        Assert.Empty(rows);
    }

    [Fact]
    public void AWorkerThatSendsAnInvalidRowFailsItsTrialWithOneLineKeepingTheValidRows()
    {
        // a fake worker: a valid row at step 20, then one whose step goes back
        const string Row = "{\"Step\":%d,\"SubmissionSeconds\":1,\"EvalSeconds\":1,\"LoggingSeconds\":0,\"TotalSeconds\":5,\"Metrics\":{\"validation/loss\":0.5},\"Diagnostics\":{}}";
        string script = $"echo '@rewind 0'; printf '@eval {Row}\\n' 20; read ack; printf '@eval {Row}\\n' 10; read ack; sleep 30";
        var (trial, rows, _) = Sweep(P("invalid.db"), "adamw", WorkerSandbox.None, new WorkerLaunch("/bin/sh", ["-c", script, "sh"]));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Equal("worker sent an invalid record: eval row at step 10 is not after the previous row's step 20", trial.Error);
        Assert.Equal([20L], rows.Select(r => r.Step));
    }

    [Fact]
    public void AFloodOnStderrOrAnEndlessStdoutLineKeepsOnlyBoundedTails()
    {
        // 200 MB on stderr: the parent keeps the last 64 KiB
        var (flooded, _, _) = Sweep(P("flood.db"), "adamw", WorkerSandbox.None,
            new WorkerLaunch("/bin/sh", ["-c", "head -c 200000000 /dev/zero | tr '\\0' x >&2; echo end >&2; exit 3", "sh"]));
        Assert.Equal(TrialState.Failed, flooded.State);
        Assert.StartsWith("worker process exited with code 3 without recording the trial's end\n--- worker stderr (last bytes) ---\n[", flooded.Error);
        Assert.EndsWith("xxxxend", flooded.Error);
        Assert.InRange(flooded.Error!.Length, BoundedTail.DefaultCapacity - 100, BoundedTail.DefaultCapacity + 200);

        // 20 MB without a newline on the protocol channel: refused once it passes 1 MiB
        var (endless, _, _) = Sweep(P("endless.db"), "adamw", WorkerSandbox.None,
            new WorkerLaunch("/bin/sh", ["-c", "head -c 20000000 /dev/zero | tr '\\0' y; sleep 30", "sh"]));
        Assert.Equal(TrialState.Failed, endless.State);
        Assert.Equal($"worker wrote a line over {WorkerMessages.MaxLineChars} characters on its protocol channel", endless.Error);
    }
}
