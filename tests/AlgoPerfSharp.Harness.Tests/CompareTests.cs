using System.Text.Json;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Scoring;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class CompareTests : IDisposable
{
    private static readonly double[] Base = [100, 102, 98, 101, 99];
    private static readonly double[] BaseSteps = [0.0100, 0.0102, 0.0098, 0.0101, 0.0099];
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-compare-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Database(string name, string label, IReadOnlyList<double> reach, IReadOnlyList<double> steps)
    {
        using var store = ResultsStore.Open(PathOf(name));
        ScoringDatabases.Seeds(store, label, "w1", "adam", reach, steps);
        return PathOf(name);
    }

    private static double[] Times(double[] v, double f) => v.Select(x => x * f).ToArray();

    private static (int Code, string Out, string Err) Run(params string[] args) => CliTests.Run(args);

    [Fact]
    public void IdenticalInputsAreNoChange()
    {
        double[] tight = [100, 100.5, 99.5, 100.2, 99.8];
        string b = Database("base.db", "v1", tight, BaseSteps), c = Database("cand.db", "v2", tight, BaseSteps);
        var (code, output, _) = Run("compare", b, c);
        Assert.Equal(0, code);
        // Identical samples: the Hodges–Lehmann ratio is exactly 1, and with a spread of ±0.5% the 90% interval
        // (5th smallest/largest of the 25 ratios b_j/b_i) is within ±5%, so equivalence is shown.
        Assert.Contains("| w1 | adam | 5/5 | 100.0 s → 100.0 s | 1.000 [", output, StringComparison.Ordinal);
        Assert.Contains("| no change |", output, StringComparison.Ordinal);
        Assert.Contains("**Result: no regression**", output, StringComparison.Ordinal);

        // The same database twice is identical too.
        Assert.Equal(0, Run("compare", b, b).Code);
    }

    [Fact]
    public void ThirtyPercentSlowerOverFiveSeedsIsARegression()
    {
        string b = Database("base.db", "v1", Base, BaseSteps), c = Database("cand.db", "v2", Times(Base, 1.3), Times(BaseSteps, 1.3));
        string md = PathOf("cmp.md"), js = PathOf("cmp.json");
        var (code, output, _) = Run("compare", b, c, "--markdown", md, "--json", js);
        Assert.Equal(ScoringCommands.Regression, code);
        Assert.Equal(output, File.ReadAllText(md));
        // c = 1.3·b seed by seed: the median pairwise log-ratio is log 1.3; every candidate seed is slower than every
        // baseline seed, so the exact one-sided p-value is 1/C(10,5) = 1/252 = 0.0040.
        Assert.Contains("| 1.300 [", output, StringComparison.Ordinal);
        Assert.Contains("| 0.0040 | regression |", output, StringComparison.Ordinal);
        Assert.Contains("significance level α = 0.05, minimum effect δ = 5%", output, StringComparison.Ordinal);
        Assert.Contains("**Result: 1 regression(s)**", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(js));
        Assert.True(doc.RootElement.GetProperty("has_regression").GetBoolean());
        var row = doc.RootElement.GetProperty("rows")[0];
        Assert.Equal("regression", row.GetProperty("time_to_target").GetProperty("verdict").GetString());
        Assert.Equal("regression", row.GetProperty("step_time").GetProperty("verdict").GetString());
        Assert.Equal(1.3, row.GetProperty("time_to_target").GetProperty("ratio").GetDouble(), 1e-12);

        // A 35% minimum effect turns the same 30% slowdown into no regression (the flag is honoured and stated).
        var (code2, output2, _) = Run("compare", b, c, "--min-effect", "0.35", "--alpha", "0.01");
        Assert.Equal(0, code2);
        Assert.Contains("α = 0.01, minimum effect δ = 35%", output2, StringComparison.Ordinal);
        Assert.Contains("98% CI", output2, StringComparison.Ordinal);
    }

    [Fact]
    public void NoiseWithinTheSeedSpreadGivesNoVerdict()
    {
        string b = Database("base.db", "v1", [100, 120, 90, 110, 95], BaseSteps);
        string c = Database("cand.db", "v2", [105, 92, 118, 99, 112], BaseSteps);
        var (code, output, _) = Run("compare", b, c);
        Assert.Equal(0, code);
        Assert.Contains("| inconclusive |", output.Split('\n').Single(l => l.StartsWith("| w1 |", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void TwoRunLabelsInOneDatabase()
    {
        string db = PathOf("one.db");
        using (var store = ResultsStore.Open(db))
        {
            ScoringDatabases.Seeds(store, "v1", "w1", "adam", Base, BaseSteps);
            ScoringDatabases.Seeds(store, "v2", "w1", "adam", Times(Base, 1.3), BaseSteps);
        }

        var (code, output, _) = Run("compare", db, "--baseline-run", "v1", "--candidate-run", "v2");
        Assert.Equal(1, code);
        Assert.Contains("Baseline: one.db run(s) v1. Candidate: one.db run(s) v2.", output, StringComparison.Ordinal);
        Assert.Contains("| 0.0040 | regression |", output, StringComparison.Ordinal);
        // Step times are identical: no regression there, so only the time-to-target verdict fails the build.
        Assert.EndsWith("| no change |", output.Split('\n').Single(l => l.StartsWith("| w1 |", StringComparison.Ordinal)), StringComparison.Ordinal);

        // Swapped: the candidate is faster.
        var (code2, output2, _) = Run("compare", db, "--baseline-run", "v2", "--candidate-run", "v1");
        Assert.Equal(0, code2);
        Assert.Contains("| improvement |", output2, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInputsGetClearMessages()
    {
        string good = Database("base.db", "v1", Base, BaseSteps);

        string empty = PathOf("empty.db");
        using (ResultsStore.Open(empty))
        {
        }

        var r = Run("compare", empty, good);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("empty.db is empty: it has no runs", r.Err, StringComparison.Ordinal);

        string newer = PathOf("newer.db");
        using (ResultsStore.Open(newer))
        {
        }

        using (var conn = new SqliteConnection($"Data Source={newer};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"UPDATE meta SET value = '{ResultsSchema.Version + 1}' WHERE key = 'schema_version';";
            cmd.ExecuteNonQuery();
        }

        r = Run("compare", good, newer);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains($"has schema version {ResultsSchema.Version + 1}, newer than this AlgoPerfSharp understands", r.Err, StringComparison.Ordinal);

        r = Run("compare", good, "--baseline-run", "v1", "--candidate-run", "v9");
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("has no run labelled 'v9' (it has: v1)", r.Err, StringComparison.Ordinal);

        using (var store = ResultsStore.Open(PathOf("other.db")))
        {
            ScoringDatabases.Seeds(store, "v2", "w2", "sgd", Base, BaseSteps);
        }

        r = Run("compare", good, PathOf("other.db"));
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("have no (workload, algorithm) pair in common: baseline has w1/adam; candidate has w2/sgd", r.Err, StringComparison.Ordinal);

        r = Run("compare", good);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("compare needs two databases", r.Err, StringComparison.Ordinal);

        r = Run("compare", good, PathOf("missing.db"));
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("missing.db does not exist", r.Err, StringComparison.Ordinal);

        r = Run("compare", good, good, "--alpha", "0.7");
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains("--alpha must be in (0, 0.5)", r.Err, StringComparison.Ordinal);
    }

    /// <summary>A database whose run recorded <paramref name="spec"/> for w1, with adam's five seeds of <see cref="Base"/>.</summary>
    private string DatabaseWith(string name, StoredWorkloadSpec spec)
    {
        using var store = ResultsStore.Open(PathOf(name));
        var run = store.CreateRun("v", "test", 7, "{}");
        store.RecordWorkloadSpec(run.Id, spec);
        for (int s = 0; s < Base.Length; s++) ScoringDatabases.Trial(store, run, "adam", "w1", s, Base[s], BaseSteps[s]);
        return PathOf(name);
    }

    private static string Contents(string db)
    {
        using var store = ResultsStore.Open(db, create: false);
        var run = store.Runs().Single();
        return string.Join('\n', store.WorkloadSpecs(run.Id).Select(w => w.ToString()).Concat(
            store.Trials(run.Id).SelectMany(t => store.Evals(t.Id).Select(e => $"{t.Key} {e.Step} {e.SubmissionSeconds}"))));
    }

    private static StoredWorkloadSpec Spec(string? preset = "quick", string metric = "validation/error_rate", bool lower = true, double target = 0.5, double budget = 1000) =>
        new("w1", metric, target, "test/error_rate", 0.55, lower, budget, null, preset);

    [Theory]
    [InlineData("preset", "the preset differs (quick vs cpu)")]
    [InlineData("metric", "the target metric differs (validation/error_rate vs validation/loss)")]
    [InlineData("direction", "the metric's direction differs (≤ vs ≥)")]
    [InlineData("target", "the validation target differs (validation/error_rate ≤ 0.5 vs ≤ 0.4)")]
    [InlineData("budget", "the budget differs (1000 s vs 500 s)")]
    public void RunsOfDifferentPresetsOrConstantsAreRefusedWithOneLineNamingTheDifference(string what, string expected)
    {
        var candidateSpec = what switch
        {
            "preset" => Spec(preset: "cpu"),
            "metric" => Spec(metric: "validation/loss"),
            "direction" => Spec(lower: false),
            "target" => Spec(target: 0.4),
            _ => Spec(budget: 500),
        };
        string b = DatabaseWith("b.db", Spec()), c = DatabaseWith("c.db", candidateSpec);
        string before = Contents(b) + Contents(c);
        var r = Run("compare", b, c, "--markdown", PathOf("out.md"));
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Equal($"error: cannot compare w1: {expected} between the baseline (b.db run(s) v) and the candidate (c.db run(s) v); " +
            "times to different targets or under different budgets are not comparable — compare runs of the same preset and workload constants\n", r.Err);
        Assert.Equal("", r.Out);
        Assert.False(File.Exists(PathOf("out.md")));
        Assert.Equal(before, Contents(b) + Contents(c));
    }

    [Fact]
    public void ADatabaseWithoutARecordedPresetComparesWhenTheConstantsAgree()
    {
        string b = DatabaseWith("b.db", Spec(preset: null)), c = DatabaseWith("c.db", Spec(preset: "quick"));
        var r = Run("compare", b, c);
        Assert.Equal(0, r.Code);
        Assert.Contains("| w1 | adam | 5/5 |", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void PairsOnOneSideOnlyAreListedNotCompared()
    {
        using var bs = ResultsStore.Open(PathOf("b.db"));
        using var cs = ResultsStore.Open(PathOf("c.db"));
        ScoringDatabases.Seeds(bs, "v1", "w1", "adam", Base, BaseSteps);
        ScoringDatabases.Seeds(bs, "v1", "w1", "lion", Base, BaseSteps);
        ScoringDatabases.Seeds(cs, "v2", "w1", "adam", Base, BaseSteps);
        var report = ReleaseComparisonReport.Compute(bs, bs.Runs(), cs, cs.Runs(), TuningRuleset.SelfTuning);
        Assert.Single(report.Rows);
        Assert.Equal(["w1/lion is only in the baseline: not compared"], report.Notes);
        Assert.False(report.HasRegression);
    }
}
