using System.Diagnostics;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Workloads' data written by the process that starts the trials, before any worker (<see cref="DataPreparation"/>):
/// the click-log DLRMs' cache is generated once by the parent, the sandboxed workers (the data folder read-only there)
/// only read it; a read-only data folder is a one-line error before anything runs; the <c>dlrm</c> plan lists, dry-runs,
/// runs, and is scored and reported. Every run here points <c>ALGOPERF_DATA</c> at its own temporary folder, in a child
/// process (the variable is process-wide), so nothing is written to the shared data folder.
/// </summary>
public sealed class DataPreparationTests : ScratchFolder
{
    private const string Preparing = "preparing data for ";

    /// <summary>Runs this build's <c>algoperf</c> in a child process with <c>ALGOPERF_DATA</c> = <paramref name="data"/>.</summary>
    private static (int Code, string Out, string Err) Cli(string data, params string[] args) => CliWith(data, null, args);

    /// <summary>As <see cref="Cli"/>, with <c>ALGOPERF_CRITEO</c> = <paramref name="criteo"/> when given.</summary>
    private static (int Code, string Out, string Err) CliWith(string data, string? criteo, string[] args)
    {
        var launch = WorkerLaunch.Current();
        var psi = new ProcessStartInfo(launch.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in launch.PrefixArguments.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["ALGOPERF_DATA"] = data;
        if (criteo is not null) psi.Environment["ALGOPERF_CRITEO"] = criteo;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"algoperf {string.Join(' ', args)} did not finish in 10 minutes");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void TheDlrmPlanWritesTheSharedCacheOnceInTheParentAndItsSandboxedWorkersOnlyReadIt()
    {
        Assert.NotNull(WorkerSandbox.Probe().Bwrap); // the workers run with the data folder read-only: they cannot have written the cache
        string data = P("data");
        string db = P("dlrm.db");
        var (code, output, err) = Cli(data, "sweep", "--plan", "dlrm", "--preset", "tiny", "-a", "adamw", "--studies", "1",
            "--max-steps", "3", "--eval-every-steps", "3", "--db", db);
        Assert.True(code == 0, output + err);

        // one cache for both workloads, written before the first trial, with its size
        Assert.Equal(1, Count(output, Preparing));
        Assert.Contains("preparing data for criteo_dlrm_synthetic (tiny) before the trials start: the synthetic click-log cache of preset tiny, 22 MB → ", output, StringComparison.Ordinal);
        Assert.Contains("  done: 22 MB in ", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf(Preparing, StringComparison.Ordinal) < output.IndexOf("[1/2]", StringComparison.Ordinal), output);
        string cache = CriteoDlrmWorkloads.CachePath(Presets.Tiny, Path.Combine(data, "criteo_synthetic"));
        Assert.Equal(22_421_804, new FileInfo(cache).Length);
        Assert.Equal([cache], Directory.GetFiles(Path.Combine(data, "criteo_synthetic")));

        // both trials ran in their workers on that cache
        var trials = HostedCli.Trials(db, "dlrm");
        Assert.Equal([CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr], trials.Select(t => t.Trial.Workload).Order(StringComparer.Ordinal));
        Assert.All(trials, t => Assert.Equal(TrialState.Completed, t.Trial.State));
        Assert.All(trials, t => Assert.Equal(3L, t.Trial.Steps));

        // placeholders said above the trials and again under the plan's leaderboard
        string warning = $"warning: {CriteoDlrmWorkloads.Dlrm}: {CriteoDlrmWorkloads.PlaceholderNote}";
        Assert.Equal(2, Count(output, warning));
        Assert.Equal(2, Count(output, $"warning: {CriteoDlrmWorkloads.DlrmQr}: "));

        // a later run of the held-out variant finds the cache: nothing prepared, nothing rewritten
        var stamp = File.GetLastWriteTimeUtc(cache).AddMinutes(-5);
        File.SetLastWriteTimeUtc(cache, stamp);
        (code, output, err) = Cli(data, "run", "-w", CriteoDlrmWorkloads.DlrmLayerNorm, "-a", "adamw", "--ruleset", "self", "--preset", "tiny",
            "--max-steps", "2", "--eval-every-steps", "2", "--db", db, "--label", "layernorm");
        Assert.True(code == 0, output + err);
        Assert.DoesNotContain(Preparing, output, StringComparison.Ordinal);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(cache));
        Assert.Equal(TrialState.Completed, Assert.Single(HostedCli.Trials(db, "layernorm")).Trial.State);

        // the database scores and reports like any other
        var (lc, lo, le) = HostedCli.Run("leaderboard", "--db", db, "--run", "dlrm");
        Assert.True(lc == 0, lo + le);
        Assert.Contains("adamw", lo, StringComparison.Ordinal);
        var (rc, ro, re) = HostedCli.Run("report", "--db", db, "--out", P("r.html"));
        Assert.True(rc == 0, ro + re);
        string html = File.ReadAllText(P("r.html"));
        Assert.Contains(CriteoDlrmWorkloads.Dlrm, html, StringComparison.Ordinal);
        Assert.Contains(CriteoDlrmWorkloads.DlrmQr, html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheParentConvertsCriteoTsvFilesAndTheSandboxedWorkerTrainsOnTheCache()
    {
        // before: a worker could not write the conversion cache and failed with "Read-only file system"
        Assert.NotNull(WorkerSandbox.Probe().Bwrap);
        string data = P("data");
        string criteo = Directory.CreateDirectory(P("criteo")).FullName;
        File.WriteAllLines(Path.Combine(criteo, "day_0"), TsvLines(1, 400));
        File.WriteAllLines(Path.Combine(criteo, "day_1"), TsvLines(2, 40));
        string db = P("tsv.db");
        var (code, output, err) = CliWith(data, criteo, ["run", "-w", CriteoDlrmWorkloads.DlrmTsv, "-a", "adamw", "--ruleset", "self", "--preset", "tiny",
            "--max-steps", "2", "--eval-every-steps", "2", "--db", db]);
        Assert.True(code == 0, output + err);
        Assert.Contains($"preparing data for criteo_dlrm_tsv (tiny) before the trials start: the click-log cache of preset tiny converted from the Criteo TSV files in {criteo} (at most 139,264 records), 22 MB → {data}/criteo_tsv_cache/", output, StringComparison.Ordinal);
        var (trial, evals) = Assert.Single(HostedCli.Trials(db, "run"));
        Assert.True(trial.State == TrialState.Completed, trial.Error);
        Assert.True(double.IsNaN(evals[^1].Metrics["validation/bayes_loss"])); // real data: no floor
        string cache = Assert.Single(Directory.GetFiles(Path.Combine(data, "criteo_tsv_cache")));
        Assert.Equal(300 + (440 * 161), new FileInfo(cache).Length); // 400 train + 20 test + 20 validation records
    }

    // Criteo TSV lines: a 0/1 label, 13 integers, 26 8-digit hex categories (seeded, a few missing).
    private static IEnumerable<string> TsvLines(int seed, int count)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var f = new List<string> { rng.Next(4) == 0 ? "1" : "0" };
            for (int j = 0; j < 13; j++) f.Add(rng.Next(10) == 0 ? string.Empty : rng.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (int c = 0; c < 26; c++) f.Add(rng.Next(10) == 0 ? string.Empty : rng.Next(50).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            yield return string.Join('\t', f);
        }
    }

    [Fact]
    public void CalibrateWritesTheCacheOnceBeforeItsFirstSweepsWorkers()
    {
        string data = P("data");
        string db = P("cal.db");
        var (code, output, err) = Cli(data, "calibrate", "-w", CriteoDlrmWorkloads.DlrmQr, "--preset", "tiny", "-n", "1", "-k", "1",
            "--max-runtime", "1", "--eval-every-steps", "20", "--no-long-run", "--no-test-eval", "--db", db, "--json", P("cal.json"));
        Assert.True(code == 0, output + err);
        Assert.Equal(1, Count(output, Preparing)); // by the first (tuning) sweep; the seeds' sweep finds it
        Assert.True(output.IndexOf(Preparing, StringComparison.Ordinal) < output.IndexOf("[1/2]", StringComparison.Ordinal), output);
        Assert.Contains("proposed constants for criteo_dlrm_synthetic_qr (tiny):", output, StringComparison.Ordinal);
        Assert.True(File.Exists(CriteoDlrmWorkloads.CachePath(Presets.Tiny, Path.Combine(data, "criteo_synthetic"))));
    }

    [Fact]
    public void AReadOnlyDataFolderIsAOneLineErrorBeforeTheDatabaseIsOpened()
    {
        // a read-only bind mount refuses root too (chmod would not: the tests run as root in CI)
        string data = Directory.CreateDirectory(P("ro-data")).FullName;
        string db = P("x.db");
        var (code, output, err) = Sandbox.Run(
            $"ALGOPERF_DATA={data} $ALGOPERF sweep -w {CriteoDlrmWorkloads.Dlrm} -a adamw --ruleset self --preset tiny --max-steps 2 --db {db}",
            readOnly: [data]);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"error: cannot write the synthetic click-log cache of preset tiny to {data}/criteo_synthetic (", err, StringComparison.Ordinal);
        Assert.Contains("make it writable, or set ALGOPERF_DATA to a writable folder, then re-run", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err + output, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "nothing is recorded when the data cannot be written");
        Assert.Empty(Directory.GetFileSystemEntries(data));
    }

    [Fact]
    public void ACorruptCacheIsAOneLineErrorBeforeAnyWorkerAndTheDryRunSaysSo()
    {
        string data = P("data");
        string cache = CriteoDlrmWorkloads.CachePath(Presets.Tiny, Path.Combine(data, "criteo_synthetic"));
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        File.WriteAllText(cache, "truncated");
        string db = P("x.db");
        var (code, output, err) = Cli(data, "run", "-w", CriteoDlrmWorkloads.DlrmQr, "-a", "adamw", "--preset", "tiny", "--db", db);
        Assert.Equal(2, code);
        Assert.Equal($"error: {cache}: not a valid click-log cache (9 bytes is shorter than the 300-byte header); delete the file to regenerate it", err.TrimEnd('\n'));
        Assert.DoesNotContain(Preparing, output, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
        Assert.Equal("truncated", File.ReadAllText(cache));

        (code, output, err) = Cli(data, "sweep", "-w", CriteoDlrmWorkloads.DlrmQr, "-a", "adamw", "--preset", "tiny", "--dry-run", "--db", db);
        Assert.True(code == 0, output + err);
        Assert.Contains($"data: {cache}: not a valid click-log cache", output, StringComparison.Ordinal);
        Assert.Contains("(the sweep would stop here)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDryRunSaysWhichDataTheSweepWouldWriteAndWritesNothing()
    {
        string data = P("data");
        var (code, output, err) = Cli(data, "sweep", "--plan", "dlrm", "--dry-run", "--db", P("x.db"));
        Assert.True(code == 0, output + err);
        // 2 workloads × the main job's 8 algorithms × 3 studies, each 1.5 × the calibrated quick budget (19.4 s plain, 16.8 s QR)
        double budgetSeconds = 8 * 3 * 1.5 * (CriteoDlrmWorkloads.Calibrated(CriteoDlrmWorkloads.Dlrm, "quick")!.Value.BudgetSeconds + CriteoDlrmWorkloads.Calibrated(CriteoDlrmWorkloads.DlrmQr, "quick")!.Value.BudgetSeconds);
        Assert.Equal(1303.2, budgetSeconds, 9);
        Assert.Contains("plan 'dlrm' (seed 0, preset quick): 2 workloads × 8 algorithms × 3 studies × 1 trial (self-tuning) = 48 trials, 1,303.2 budget-seconds", output, StringComparison.Ordinal);
        Assert.Equal(1, Count(output, "data to write before the trials start: ")); // one cache shared by both workloads
        Assert.Contains($"data to write before the trials start: criteo_dlrm_synthetic (quick): the synthetic click-log cache of preset quick, 90 MB → {data}/criteo_synthetic/clicklog-quick-s20260-v1.bin", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", output, StringComparison.Ordinal); // calibrated at quick
        (code, output, err) = Cli(data, "sweep", "--plan", "dlrm", "--preset", "cpu", "--dry-run", "--db", P("x.db"));
        Assert.True(code == 0, output + err);
        Assert.DoesNotContain("warning:", output, StringComparison.Ordinal); // calibrated at cpu too
        (code, output, err) = Cli(data, "sweep", "--plan", "dlrm", "--preset", "tiny", "--dry-run", "--db", P("x.db"));
        Assert.True(code == 0, output + err);
        Assert.Contains($"warning: {CriteoDlrmWorkloads.DlrmQr}: at this preset the targets (validation/test loss 0.5)", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
        Assert.False(File.Exists(P("x.db")));

        // the same with the data there: no data line
        var (c2, o2, e2) = Cli(data, "sweep", "-w", "synthetic_regression", "-a", "adamw", "--dry-run", "--db", P("x.db"));
        Assert.True(c2 == 0, o2 + e2);
        Assert.DoesNotContain("data to write", o2, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", o2, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheClickLogWorkloadsPrepareDataOrCarryPlaceholderTargetsAndListSaysSo()
    {
        var registry = HarnessWorkloads.Registry();
        foreach (var d in registry.All)
        {
            bool clickLog = CriteoDlrmWorkloads.Descriptors.Any(c => c.Name == d.Name);
            Assert.Equal(clickLog, d.Data is not null);
            Assert.Equal(clickLog, d.UncalibratedTargets is not null);
        }

        Assert.Same(registry.Find(CriteoDlrmWorkloads.Dlrm)!.Data, registry.Find(CriteoDlrmWorkloads.DlrmQr)!.Data); // one cache, one preparer
        Assert.IsType<CriteoTsvCache>(registry.Find(CriteoDlrmWorkloads.DlrmTsv)!.Data);
        var (code, output, err) = HostedCli.Run("list");
        Assert.True(code == 0, output + err);
        foreach (var d in CriteoDlrmWorkloads.Descriptors)
        {
            Assert.Contains($"  {d.Name}", output, StringComparison.Ordinal);
            Assert.Contains(d.Description, output, StringComparison.Ordinal);
        }

        string[] workloads = ["sotu_llama", CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmTsv];
        Assert.Equal(["criteo_dlrm_synthetic: " + CriteoDlrmWorkloads.PlaceholderNote, "criteo_dlrm_tsv: " + CriteoDlrmWorkloads.TsvNote],
            SweepJob.PlaceholderWarnings(registry, workloads, "tiny").Select(w => w["warning: ".Length..]));
        Assert.Equal(SweepJob.PlaceholderWarnings(registry, workloads, "cpu"), SweepJob.PlaceholderWarnings(registry, workloads, null)); // cpu is the default
        foreach (string calibrated in new[] { "quick", "cpu" })
        {
            Assert.Equal(["criteo_dlrm_tsv: " + CriteoDlrmWorkloads.TsvNote], // calibrated on the synthetic log, not on your data
                SweepJob.PlaceholderWarnings(registry, workloads, calibrated).Select(w => w["warning: ".Length..]));
        }
    }
}
