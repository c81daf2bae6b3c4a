using System.Diagnostics;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>One run of a trial at a time: kernel locks that die with their holders, the worker included.</summary>
public sealed class TrialLeaseTests : ScratchFolder
{
    [Fact]
    public void ASecondHolderIsRefusedWithTheFirstOnesPidUntilItLetsGo()
    {
        string path = TrialLease.PathFor(P("a.db"), 7);
        Assert.EndsWith("a.db.leases/trial-7.lock", path);
        using (var first = TrialLease.TryAcquire(path, out _))
        {
            Assert.NotNull(first);
            Assert.Null(TrialLease.TryAcquire(path, out string holder));
            Assert.Equal($"process {Environment.ProcessId}", holder);
        }

        using var again = TrialLease.TryAcquire(path, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void AChildStartedWithTheLeaseKeepsItAfterTheParentLetsGoUntilItExits()
    {
        string path = TrialLease.PathFor(P("b.db"), 1);
        var lease = TrialLease.TryAcquire(path, out _)!;
        using var child = lease.Start(() => Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!);
        lease.Describe($"process {Environment.ProcessId} (worker {child.Id})");
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!; // started without it
        lease.Dispose();

        Assert.Null(TrialLease.TryAcquire(path, out string holder));
        Assert.Equal($"process {Environment.ProcessId} (worker {child.Id})", holder);
        child.Kill();
        child.WaitForExit();
        using var reclaimed = TrialLease.TryAcquire(path, out _); // the other child never held it
        Assert.NotNull(reclaimed);
        other.Kill();
        other.WaitForExit();
    }

    [Fact]
    public void ASweepSkipsATrialAnotherProcessHoldsNamingItAndRunsTheRest()
    {
        string db = P("sweep.db");
        var request = new SweepRequest("sweep", ["tiny_regression"], ["adamw"], TuningRuleset.ExternalTuning, Studies: 1, Trials: 3, 5, null, 0, 1,
            new TrialRunnerOptions { MaxSteps = 10, EvalEverySteps = 5 });
        long busyId;
        using (var store = ResultsStore.Open(db))
        {
            var run = store.CreateRun("sweep", "test", 5, "{}");
            var plan = SweepPlanner.Plan("tiny_regression", TestRegistries.Algorithms.Resolve("adamw"), "adamw", TuningRuleset.ExternalTuning, 1, 3, 5, null);
            busyId = store.EnsureTrial(run.Id, plan[1]).Id;
        }

        SweepSummary Sweep(StringWriter log)
        {
            using var store = ResultsStore.Open(db);
            return new SweepRunner(store, _ => new TinyWorkload(target: -1), TestRegistries.Algorithms.Resolve, log).Run(request, "test", "{}");
        }

        var held = TrialLease.TryAcquire(TrialLease.PathFor(db, busyId), out _)!;
        var log = new StringWriter();
        var first = Sweep(log);
        Assert.Equal((2, 1), (first.Ran, first.Busy));
        Assert.Contains($"skipped, process {Environment.ProcessId} is running it", log.ToString());
        var states = HostedCli.Trials(db, "sweep").ToDictionary(t => t.Trial.Id, t => t.Trial.State);
        Assert.Equal(TrialState.Pending, states[busyId]);
        Assert.Equal(2, states.Values.Count(s => s == TrialState.Completed));

        held.Dispose();
        var second = Sweep(new StringWriter());
        Assert.Equal((1, 2, 0), (second.Ran, second.Skipped, second.Busy));
        Assert.All(HostedCli.Trials(db, "sweep"), t => Assert.Equal(TrialState.Completed, t.Trial.State));
    }

    [Fact]
    public void ASweepThatSkippedBusyTrialsDoesNotClaimSuccess()
    {
        string db = P("busy.db");
        long busyId;
        using (var store = ResultsStore.Open(db))
        {
            var run = store.CreateRun("r", "test", 5, "{}");
            var plan = SweepPlanner.Plan("synthetic_regression", TestRegistries.Algorithms.Resolve("adamw"), "adamw", TuningRuleset.ExternalTuning, 1, 2, 5, null);
            busyId = store.EnsureTrial(run.Id, plan[1]).Id;
        }

        string[] args = ["sweep", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "external", "--studies", "1", "--trials", "2", "--seed", "5",
            "--preset", "tiny", "--max-steps", "10", "--eval-every-steps", "5", "--label", "r", "--db", db, "--in-process"];
        using (TrialLease.TryAcquire(TrialLease.PathFor(db, busyId), out _))
        {
            var (code, _, err) = HostedCli.Run(args);
            Assert.Equal(1, code);
            Assert.Contains("1 trial(s) were skipped because another process is running them", err, StringComparison.Ordinal);
        }

        Assert.Equal(0, HostedCli.Run(args).Code);
        Assert.All(HostedCli.Trials(db, "r"), t => Assert.Equal(TrialState.Completed, t.Trial.State));
    }
}
