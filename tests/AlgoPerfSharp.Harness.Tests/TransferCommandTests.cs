using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Transfer;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary><c>algoperf transfer</c>: the quick ladder end to end, its grids and summary against hand-computed values, bad input.</summary>
public sealed class TransferCommandTests : ScratchFolder
{
    [Fact]
    public void QuickLadderRecordsOneRunPerWidthAndPrintsDriftRegretAndTheCoordinateCheck()
    {
        string db = P("t.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 0, error + output);
        const string label = "transfer/adamw/fashion_mnist_mlp/mup/20steps";
        var w64 = HostedCli.Trials(db, label + "/w64");
        var w128 = HostedCli.Trials(db, label + "/w128");
        Assert.Equal(3, w64.Count);
        Assert.Equal(3, w128.Count);
        Assert.All(w64.Concat(w128), t => Assert.Equal(20, t.Trial.Steps));
        Assert.All(w128, t => Assert.Equal("fashion_mnist_mlp_w128_mup", t.Trial.Workload));
        // ten evals a trial (every 20/10 steps): the loss curve AdamW-relative compute reads
        Assert.All(w64.Concat(w128), t => Assert.Equal([2L, 4, 6, 8, 10, 12, 14, 16, 18, 20], t.Evals.Select(e => e.Step)));
        Assert.Contains("AdamW-relative compute: this is AdamW's ladder, the reference of the other algorithms' (1× by definition)", output);
        Assert.Contains("transfer '" + label + "': fashion_mnist_mlp, µP", output);
        Assert.Matches(@"\n  128 +[0-9.e-]+ +[0-9.e-]+ +[+-]?[0-9.]+ ", output);
        Assert.Matches(@"w128 +input [0-9.e-]+ +hidden1 [0-9.e-]+ +hidden2 [0-9.e-]+ +readout [0-9.e-]+", output);

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var q = connection.CreateCommand();
        q.CommandText = "SELECT width, transferred_lr, drift_steps, regret, coordinate_check FROM transfer_widths WHERE label = $l ORDER BY width";
        q.Parameters.AddWithValue("$l", label);
        using var r = q.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal((64L, 0.0, 0.0), (r.GetInt64(0), r.GetDouble(2), r.GetDouble(3)));
        Assert.Contains("\"hidden2\":", r.GetString(4));
        Assert.True(r.Read());
        Assert.Equal(128L, r.GetInt64(0));
        Assert.False(r.Read());
    }

    [Fact]
    public void AShardRunsItsPartOfTheBaseWidthAndSaysHowToContinue()
    {
        string db = P("s.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--preset", "tiny",
            "--in-process", "--shard", "0/2", "--db", db);
        Assert.True(code == 0, error + output);
        int finished = HostedCli.Trials(db, "transfer/adamw/fashion_mnist_mlp/sp/20steps/w64").Count(t => t.Trial.State == Scoring.TrialState.Completed);
        Assert.InRange(finished, 1, 2);
        Assert.Contains($"width 64: {finished} of 3 trials finished in {db}; merge the shards' databases and re-run without --shard to continue", output);
        Assert.Throws<InvalidOperationException>(() => HostedCli.Trials(db, "transfer/adamw/fashion_mnist_mlp/sp/20steps/w128"));
    }

    [Fact]
    public void BadParameterisationAndUnknownFamilyAreOneLineErrors()
    {
        var (code, _, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "ntk", "--quick", "--preset", "tiny", "--db", P("a.db"));
        Assert.Equal(2, code);
        Assert.Equal("error: --parameterisation must be sp or mup (got 'ntk')", error.Trim());
        (code, _, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "sotu_llama_gelu", "--quick", "--preset", "tiny", "--db", P("b.db"));
        Assert.Equal(2, code);
        Assert.Contains("transfer takes one --algorithm and one width family as --workload (sotu_llama, fashion_mnist_mlp)", error);
    }

    [Fact]
    public void OneAlgorithmOnlyAndItMustDeclareLearningRateAndWeightDecay()
    {
        var (code, _, error) = HostedCli.Run("transfer", "-a", "adamw", "-a", "soap", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--dry-run", "--db", P("a.db"));
        Assert.Equal(2, code);
        Assert.Contains("transfer takes one --algorithm and one width family as --workload", error);
        (code, _, error) = HostedCli.Run("transfer", "-a", "pb_lbfgs", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--dry-run", "--db", P("b.db"));
        Assert.Equal(2, code);
        Assert.Equal("error: transfer varies learning_rate and weight_decay, and pb_lbfgs does not declare both", error.Trim());
        Assert.False(File.Exists(P("a.db")) || File.Exists(P("b.db")));
    }

    /// <summary>
    /// The dry run of the quick ladder: 3 trials at ×1 and 3 at ×2, 20 steps, an eval every 2 (10 a trial); the times
    /// are measured now, so only their presence is checked here (the arithmetic has its own test). It says that an
    /// algorithm without a transfer rule runs µP with standard learning rates, and opens no database.
    /// </summary>
    [Fact]
    public void DryRunPrintsTheLaddersTrialsAndEstimatedWallTimeAndRecordsNothing()
    {
        string db = P("d.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", "schedule_free_adamw", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--dry-run", "--db", db);
        Assert.True(code == 0, error + output);
        Assert.False(File.Exists(db));
        Assert.Contains("note: schedule_free_adamw declares no width-transfer rule: µP initialisation with standard learning rates and decay", output);
        Assert.Contains("dry run: transfer schedule_free_adamw on fashion_mnist_mlp (µP, preset tiny), 20 steps per trial, an eval every 2 steps", output);
        Assert.Matches(@"\n  64 +3 +20 +[0-9.]+ +10 +[0-9.]+ +[0-9.]+ +[0-9.]+\n  128 +3 +20 +[0-9.]+ +10 +[0-9.]+ +[0-9.]+ +[0-9.]+\n", output);
        Assert.Matches(@"all: 6 trials, [0-9.]+ timed s, estimated wall [0-9]+ s = [0-9.]+ min \(3\.3 s overhead per trial\)", output);
        Assert.DoesNotContain("warning", output);
    }

    [Fact]
    public void ALadderMemberOfABadWidthIsRefusedInOneLine()
    {
        var (code, _, error) = HostedCli.Run("run", "-w", "sotu_llama_w100", "-a", "adamw", "--preset", "tiny", "--db", P("c.db"));
        Assert.Equal(2, code);
        Assert.Contains("Workloads (--workload): width 100 is not a positive multiple of the head width (16) of the sotu_llama width ladder; use e.g. 64, 128, 256, 512", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void GridsAreTheProtocolsPoints()
    {
        var g = TransferGrid.Default.Validate();
        var base_ = g.BasePoints(1e-3, 0.1);
        Assert.Equal(15, base_.Count);
        Assert.Equal(2.5e-4, base_[0].GetDouble("learning_rate"), 15);
        Assert.Equal(0.025, base_[0].GetDouble("weight_decay"), 15);
        Assert.Equal(4e-3, base_[^1].GetDouble("learning_rate"), 15);
        Assert.Equal(0.4, base_[^1].GetDouble("weight_decay"), 15);
        Assert.Equal(5, g.BasePoints(1e-3, 0).Count); // no decay by default: one decay point
        Assert.Equal([5e-4, 1e-3, 2e-3], g.LocalPoints(1e-3, 0.1).Select(p => p.GetDouble("learning_rate")));
        var e = Assert.Throws<ArgumentException>(() => (g with { LocalSteps = [0] }).Validate());
        Assert.Equal("the local learning-rate grid has 1 point(s); give at least 2 to locate an optimum", e.Message);
        e = Assert.Throws<ArgumentException>(() => (g with { BaseLearningRateSteps = [0] }).Validate());
        Assert.Equal("the base learning-rate grid has 1 point(s); give at least 2 to locate an optimum", e.Message);
        e = Assert.Throws<ArgumentException>(() => (g with { BaseDecayFactors = [] }).Validate());
        Assert.Equal("the weight-decay grid is empty; give at least 1 factor", e.Message);
        foreach (int[] ladder in new int[][] { [1], [2, 4] })
        {
            e = Assert.Throws<ArgumentException>(() => (g with { WidthMultiples = ladder }).Validate());
            Assert.Equal("the ladder needs the base width (×1) first and at least one wider member", e.Message);
        }

        e = Assert.Throws<ArgumentException>(() => (g with { Steps = 0 }).Validate());
        Assert.Equal("steps must be ≥ 1 (got 0)", e.Message);
    }

    [Fact]
    public void DriftAndRegretAreComputedFromTheWidthsTrials()
    {
        TransferTrial[] trials =
        [
            new(256, 5e-4, 0, 2.0), new(256, 1e-3, 0, 1.7), new(256, 2e-3, 0, 1.5), new(256, 4e-3, 0, double.PositiveInfinity),
            new(64, 1e-3, 0, 1.0),
        ];
        var r = TransferWidthResult.Of(256, trials, 1e-3);
        Assert.Equal((2e-3, 1.0, 1.5, 1.7), (r.BestLearningRate, r.DriftSteps, r.BestLoss, r.TransferredLoss));
        Assert.Equal(0.2, r.Regret, 12);
        // the summary prints losses to 4 decimals, and one that blew up (finite, 7E+12) in 4 significant digits
        Assert.Equal(("0.1112", "7.336E+12", "-0.0500", "∞"), (TransferCommand.Loss(0.11119), TransferCommand.Loss(7335841497085.9473), TransferCommand.Loss(-0.05), TransferCommand.Loss(double.PositiveInfinity)));
        Assert.Throws<ArgumentException>(() => TransferWidthResult.Of(256, trials, 8e-3));
    }

    /// <summary>
    /// Where to extend a width's learning rates: past the edge its best lies on (2× the highest, ½ the lowest), nowhere
    /// once bracketed or once the next rate up diverged; below the lowest when nothing is finite and something diverged,
    /// nowhere when everything failed otherwise; the base width's row is its best decay's.
    /// </summary>
    [Fact]
    public void AnOptimumOnTheGridsEdgeIsExtendedUntilBracketed()
    {
        TransferTrial T(double lr, double loss, double wd = 0.1, bool failed = false) => new(64, lr, wd, loss, Diverged: !double.IsFinite(loss) && !failed);
        Assert.Equal(8e-3, TransferGrid.NextEdgeRate([T(1e-3, 2.0), T(2e-3, 1.5), T(4e-3, 1.2)], 0.1));
        Assert.Equal(5e-4, TransferGrid.NextEdgeRate([T(1e-3, 1.0), T(2e-3, 1.5), T(4e-3, 1.2)], 0.1));
        Assert.Null(TransferGrid.NextEdgeRate([T(1e-3, 2.0), T(2e-3, 1.1), T(4e-3, 1.2)], 0.1));
        // the extension up diverged: the optimum is bracketed by it
        Assert.Null(TransferGrid.NextEdgeRate([T(1e-3, 2.0), T(2e-3, 1.5), T(4e-3, 1.2), T(8e-3, double.PositiveInfinity)], 0.1));
        // a second extension after a first that improved
        Assert.Equal(1.6e-2, TransferGrid.NextEdgeRate([T(1e-3, 2.0), T(2e-3, 1.5), T(4e-3, 1.2), T(8e-3, 1.1)], 0.1)!.Value, 15);
        // nothing finite: below the lowest rate tried; nothing at this decay: nowhere
        Assert.Equal(5e-4, TransferGrid.NextEdgeRate([T(1e-3, double.NaN), T(2e-3, double.PositiveInfinity)], 0.1));
        Assert.Equal(2.5e-4, TransferGrid.NextEdgeRate([T(1e-3, double.NaN), T(2e-3, double.PositiveInfinity), T(5e-4, double.PositiveInfinity)], 0.1));
        Assert.Null(TransferGrid.NextEdgeRate([T(1e-3, 1.0), T(2e-3, 1.5)], 0.4));
        // every trial failed without diverging (an exception, a time-out): a smaller rate will not cure it
        Assert.Null(TransferGrid.NextEdgeRate([T(1e-3, double.PositiveInfinity, failed: true), T(2e-3, double.PositiveInfinity, failed: true)], 0.1));
        // only the given decay's row counts: at 0.4 the best (4e-3) is on the edge; at 0.1 it is inside
        TransferTrial[] both = [T(1e-3, 2.0), T(2e-3, 1.0), T(4e-3, 1.2), T(1e-3, 2.0, 0.4), T(2e-3, 1.5, 0.4), T(4e-3, 1.4, 0.4)];
        Assert.Null(TransferGrid.NextEdgeRate(both, 0.1));
        Assert.Equal(8e-3, TransferGrid.NextEdgeRate(both, 0.4));
        Assert.Equal(3, TransferGrid.Default.EdgeExtensions);
        Assert.Equal(0, TransferGrid.Quick.EdgeExtensions);
        var e = Assert.Throws<ArgumentException>(() => (TransferGrid.Default with { EdgeExtensions = -1 }).Validate());
        Assert.Equal("edge extensions must be ≥ 0 (got -1)", e.Message);
    }

    /// <summary>
    /// The extension end to end: 20 AdamW steps on the tiny MLP favour the largest of 5e-4, 1e-3, 2e-3, so with one
    /// extension allowed the base width tries 4e-3 in its own run, and the wider width is centred on the best of all four.
    /// </summary>
    [Fact]
    public void TheCommandExtendsAnEdgeOptimumInARunOfItsOwnAndTransfersTheBestOfAll()
    {
        string db = P("e.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--edge-extensions", "1",
            "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 0, error + output);
        const string label = "transfer/adamw/fashion_mnist_mlp/sp/20steps";
        Assert.Contains("width 64: the best learning rate, 0.002, is on the edge of those tried; trying 0.004 (edge extension 1 of at most 1)", output);
        var edge = Assert.Single(HostedCli.Trials(db, label + "/w64/edge1"));
        Assert.Equal(4e-3, Lr(edge.Trial), 15);
        // every point of a width trains from the same initial weights on the same data order (a paired comparison)
        var w64 = HostedCli.Trials(db, label + "/w64").Append(edge).Select(t => (t.Trial.DataSeed, t.Trial.InitSeed)).Distinct();
        Assert.Single(w64);
        // numbered after the grid's three trials, so the runs score together in one report
        Assert.Equal((3, "fashion_mnist_mlp_w64/adamw/external/study0/trial3"), (edge.Trial.Trial, edge.Trial.Key));
        var (reportCode, reportOutput, reportError) = HostedCli.Run("report", "--ruleset", "external", "--db", db, "--out", P("e.html"));
        Assert.True(reportCode == 0, reportError + reportOutput);
        Assert.Contains("Hyperparameter transfer across width", File.ReadAllText(P("e.html")));
        var base_ = HostedCli.Trials(db, label + "/w64").Append(edge).Where(t => t.Trial.State == Scoring.TrialState.Completed)
            .MinBy(t => t.Evals[^1].Metrics["validation/loss"])!;
        double best = Lr(base_.Trial);
        var w128 = HostedCli.Trials(db, label + "/w128").Select(t => Lr(t.Trial)).Order().ToList();
        Assert.Equal([best / 2, best, best * 2], w128);
        var (bad, _, badError) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--quick", "--edge-extensions", "-1", "--preset", "tiny", "--db", P("x.db"));
        Assert.Equal(2, bad);
        Assert.Equal("error: --edge-extensions must be ≥ 0 (got -1)", badError.Trim());
    }

    /// <summary>
    /// A width where every learning rate diverges (a test plugin: AdamW that reports NaN on every member wider than the
    /// base) is a result, not an error: the ladder first extends below the lowest rate tried (divergence says "too
    /// large"), then says the width has no optimum, prints it in the summary, writes no <c>transfer_widths</c> row for
    /// it, and exits 0; the report leaves it out.
    /// </summary>
    [Fact]
    public void AWidthWhereEveryRateDivergesIsExtendedDownwardsThenReportedAndTheLadderFinishes()
    {
        string db = P("d.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", PluginPaths.Misbehaving + ":nan_when_wide", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick",
            "--edge-extensions", "1", "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 0, error + output);
        const string label = "transfer/nan_when_wide/fashion_mnist_mlp/sp/20steps";
        var w128 = HostedCli.Trials(db, label + "/w128");
        Assert.Equal(3, w128.Count);
        Assert.All(w128, t => Assert.Equal(TrialState.Diverged, t.Trial.State));
        double lowest = w128.Min(t => Lr(t.Trial)), highest = w128.Max(t => Lr(t.Trial));
        var edge = Assert.Single(HostedCli.Trials(db, label + "/w128/edge1"));
        Assert.Equal(lowest / 2, Lr(edge.Trial), 15);
        Assert.Equal(TrialState.Diverged, edge.Trial.State);
        string G(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
        Assert.Contains($"width 128: no learning rate tried has a finite loss and some diverged; trying {G(lowest / 2)} (edge extension 1 of at most 1)", output);
        Assert.Contains($"width 128: every learning rate tried ({G(lowest / 2)} to {G(highest)}) diverged or failed: no optimum and no regret at this width", output);
        Assert.Matches(@"\n  128 +none +[0-9.e-]+ +every learning rate tried diverged or failed", output);
        Assert.Matches(@"\n  64 +[0-9.e-]+ +[0-9.e-]+ +0 ", output);
        Assert.Matches(@"w128 +input [0-9.e-]+ ", output); // the coordinate check still runs at every width

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var q = connection.CreateCommand();
            q.CommandText = "SELECT group_concat(width) FROM transfer_widths WHERE label = $l";
            q.Parameters.AddWithValue("$l", label);
            Assert.Equal("64", q.ExecuteScalar());
        }

        var (reportCode, reportOutput, reportError) = HostedCli.Run("report", "--ruleset", "external", "--db", db, "--out", P("d.html"));
        Assert.True(reportCode == 0, reportError + reportOutput);
        Assert.Contains("Hyperparameter transfer across width", File.ReadAllText(P("d.html")));
    }

    /// <summary>
    /// Every base-width trial diverging leaves nothing to transfer: one error line naming the run and the rates, exit 1,
    /// and the trials stay recorded.
    /// </summary>
    [Fact]
    public void EveryBaseWidthTrialDivergingIsOneErrorLineAndKeepsTheTrials()
    {
        string db = P("n.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", PluginPaths.Misbehaving + ":nan", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick",
            "--max-steps", "40", "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 1, error + output);
        Assert.Equal(3, HostedCli.Trials(db, "transfer/nan/fashion_mnist_mlp/sp/40steps/w64").Count);
        Assert.Matches(@"^error: every base-width trial of transfer/nan/fashion_mnist_mlp/sp/40steps/w64 diverged or failed \(learning rates [0-9.e-]+ to [0-9.e-]+\): nothing to transfer; see algoperf report --db .*n\.db, or give --edge-extensions to try lower rates$", error.Trim());
    }

    /// <summary>
    /// Every base-width trial failing without diverging (here Shampoo's Init refuses a --set combination it alone can
    /// check) tries no lower rates even with extensions allowed, and says the trials failed: one line, exit 1.
    /// </summary>
    [Fact]
    public void EveryBaseWidthTrialFailingIsNotExtendedAndSaysSo()
    {
        string db = P("f.db");
        var (code, output, error) = HostedCli.Run("transfer", "-a", "shampoo", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--edge-extensions", "2",
            "--set", "precondition_frequency=10", "--set", "start_preconditioning_step=1", "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 1, error + output);
        const string run = "transfer/shampoo/fashion_mnist_mlp/sp/20steps/precondition_frequency=10,start_preconditioning_step=1/w64";
        Assert.All(HostedCli.Trials(db, run), t => Assert.Equal(TrialState.Failed, t.Trial.State));
        using (var store = ResultsStore.Open(db, create: false)) Assert.Null(store.FindRun(run + "/edge1"));
        Assert.DoesNotContain("edge extension", output);
        Assert.Contains("start_preconditioning_step must be −1 or ≥ precondition_frequency (10) (got 1)", output);
        Assert.Matches(@"^error: every base-width trial of " + System.Text.RegularExpressions.Regex.Escape(run) + @" failed without diverging \(learning rates [0-9.e-]+ to [0-9.e-]+\): nothing to transfer; each trial's error is above and in algoperf report --db .*f\.db$", error.Trim());
    }

    /// <summary>
    /// A ladder and its <c>--set</c> variant share trial keys (and so seeds): the HTML report scores each key's first run,
    /// says how many it left out, and draws both ladders; the leaderboard command still refuses the repeat in one line.
    /// </summary>
    [Fact]
    public void TheReportDrawsALadderAndItsSetVariantTogether()
    {
        string db = P("v.db");
        foreach (var extra in new[] { Array.Empty<string>(), ["--set", "one_minus_beta1=0.05"] })
        {
            var (code, output, error) = HostedCli.Run([.. new[] { "transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--preset", "tiny", "--in-process", "--db", db }, .. extra]);
            Assert.True(code == 0, error + output);
        }

        var (reportCode, reportOutput, reportError) = HostedCli.Run("report", "--ruleset", "external", "--db", db, "--out", P("v.html"));
        Assert.True(reportCode == 0, reportError + reportOutput);
        string html = File.ReadAllText(P("v.html"));
        Assert.Contains("6 trial(s) of transfer ladders repeat the keys of an earlier ladder&#39;s", html);
        Assert.Contains("one_minus_beta1=0.05", html); // the variant's ladder is drawn
        var (boardCode, _, boardError) = HostedCli.Run("leaderboard", "--ruleset", "external", "--db", db);
        Assert.Equal(2, boardCode);
        Assert.Contains("is in more than one of the runs scored", boardError);
    }

    /// <summary>
    /// <c>--set adam_learning_rate=0.004</c> on Muon's quick µP ladder: every trial of both widths records it beside the
    /// tuned learning rate and decay, which are the grid's as without it (Muon's defaults: η 0.02, λ 0); the header
    /// and the default label say it. A re-run with the same value resumes; the same label with another value, or
    /// without --set, is refused in one line and records nothing.
    /// </summary>
    [Fact]
    public void SetFixesAHyperparameterInEveryTrialRecordsItAndRefusesALabelRecordedWithAnotherValue()
    {
        string db = P("m.db");
        string[] ladder = ["transfer", "-a", "muon", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--in-process", "--db", db];
        var (code, output, error) = HostedCli.Run([.. ladder, "--set", "adam_learning_rate=0.004"]);
        Assert.True(code == 0, error + output);
        const string label = "transfer/muon/fashion_mnist_mlp/mup/20steps/adam_learning_rate=0.004";
        Assert.Contains($"transfer '{label}': every trial runs with adam_learning_rate=0.004 (--set)", output);
        Assert.Contains($"transfer '{label}': fashion_mnist_mlp, µP; adam_learning_rate=0.004 in every trial (--set)", output);
        Assert.Contains($"AdamW-relative compute: {db} has no adamw ladder of fashion_mnist_mlp (mup, 20 steps)", output);
        var w64 = HostedCli.Trials(db, label + "/w64");
        var w128 = HostedCli.Trials(db, label + "/w128");
        Assert.Equal(3, w64.Count);
        Assert.Equal(3, w128.Count);
        foreach (var (t, _) in w64.Concat(w128))
        {
            var h = StoredTrials.ToSpec(t).Hyperparameters;
            Assert.Equal(["adam_learning_rate", "learning_rate", "weight_decay"], h.Values.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(0.004, h.GetDouble("adam_learning_rate")); // exactly the value given
            Assert.Equal(0.0, h.GetDouble("weight_decay"));
        }

        Assert.Equal([0.01, 0.02, 0.04], w64.Select(t => Lr(t.Trial)).Order());
        double best = Lr(w64.Where(t => t.Trial.State == TrialState.Completed).MinBy(t => t.Evals[^1].Metrics["validation/loss"]).Trial);
        Assert.Equal([best / 2, best, best * 2], w128.Select(t => Lr(t.Trial)).Order());

        (code, output, error) = HostedCli.Run([.. ladder, "--set", "adam_learning_rate=0.004"]);
        Assert.True(code == 0, error + output);
        Assert.Contains($"transfer '{label}': fashion_mnist_mlp, µP; adam_learning_rate=0.004 in every trial (--set)", output);

        (code, _, error) = HostedCli.Run([.. ladder, "--label", label, "--set", "adam_learning_rate=0.002"]);
        Assert.Equal(2, code);
        Assert.Equal($"error: {label}/w128 in {db} was recorded with --set adam_learning_rate=0.004; this command gives --set adam_learning_rate=0.002: " +
            "a ladder's trials share their fixed hyperparameters; give the same --set, or use another --label or --db", error.Trim());
        (code, _, error) = HostedCli.Run([.. ladder, "--label", label]);
        Assert.Equal(2, code);
        Assert.Equal($"error: {label}/w128 in {db} was recorded with --set adam_learning_rate=0.004; this command gives no --set: " +
            "a ladder's trials share their fixed hyperparameters; give the same --set, or use another --label or --db", error.Trim());
        Assert.Equal(6, HostedCli.Trials(db, label + "/w64").Concat(HostedCli.Trials(db, label + "/w128"))
            .Count(t => StoredTrials.ToSpec(t.Trial).Hyperparameters.GetDouble("adam_learning_rate") == 0.004));
    }

    /// <summary>
    /// Every bad <c>--set</c> is one line before anything is measured or recorded: not key=value, a name given twice, a
    /// name the ladder tunes, a name Muon does not declare (with the nearest), a value its declaration does not allow.
    /// A good one shows in the dry run's header.
    /// </summary>
    [Fact]
    public void BadSetValuesAreOneLineErrorsAndTheDryRunShowsAGoodOne()
    {
        string db = P("b.db");
        string Refused(params string[] set)
        {
            var (code, output, error) = HostedCli.Run(["transfer", "-a", "muon", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--dry-run", "--db", db, .. set]);
            Assert.True(code == 2, error + output);
            Assert.DoesNotContain("\n", error.Trim(), StringComparison.Ordinal);
            return error.Trim();
        }

        Assert.Equal("error: --set 'adam_learning_rate' is not key=value", Refused("--set", "adam_learning_rate"));
        Assert.Equal("error: --set gives 'adam_learning_rate' twice", Refused("--set", "adam_learning_rate=0.004", "--set", "adam_learning_rate=0.002"));
        Assert.Equal("error: --set learning_rate: the ladder tunes learning_rate (its grid varies learning_rate and weight_decay), so it cannot be fixed",
            Refused("--set", "learning_rate=0.01"));
        Assert.Equal("error: --set weight_decay: the ladder tunes weight_decay (its grid varies learning_rate and weight_decay), so it cannot be fixed",
            Refused("--set", "adam_learning_rate=0.004", "--set", "weight_decay=0.1"));
        string unknown = Refused("--set", "adam_learning_rat=0.004");
        Assert.StartsWith("error: --set: muon has no hyperparameter 'adam_learning_rat' (did you mean adam_learning_rate?); it declares ", unknown);
        Assert.Contains("adam_learning_rate, adam_weight_decay", unknown);
        Assert.Equal("error: --set: muon: adam_learning_rate = \"fast\" must be a number in [0, inf]", Refused("--set", "adam_learning_rate=fast"));
        Assert.Equal("error: --set: muon: ns_steps = 2.5 must be a whole number in [1, 100]", Refused("--set", "ns_steps=2.5"));
        Assert.Equal("error: --set: muon: ns_dtype = \"float16\" must be one of auto|bfloat16|float32|float64", Refused("--set", "ns_dtype=float16"));
        Assert.False(File.Exists(db));

        var (ok, dry, dryError) = HostedCli.Run("transfer", "-a", "muon", "-w", "fashion_mnist_mlp", "--quick", "--preset", "tiny", "--dry-run", "--db", db,
            "--set", "adam_learning_rate=0.004", "--set", "ns_dtype=float32");
        Assert.True(ok == 0, dryError + dry);
        Assert.Contains("an eval every 2 steps, adam_learning_rate=0.004, ns_dtype=float32 in every trial (--set); step and eval times measured now", dry);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void FixedHyperparametersAreTypedByTheirDeclarationAndReadBackFromARecordedPoint()
    {
        var muon = new Muon();
        var f = FixedHyperparameters.Parse(["nesterov=false", "ns_dtype=float32", "adam_learning_rate=4e-3", "ns_steps=3"], muon);
        Assert.Equal((false, "float32", 0.004, 3.0), (f.Values.GetBoolean("nesterov"), f.Values.GetString("ns_dtype"), f.Values.GetDouble("adam_learning_rate"), f.Values.GetDouble("ns_steps")));
        Assert.Equal("adam_learning_rate=0.004,nesterov=false,ns_dtype=float32,ns_steps=3", f.LabelPart());
        Assert.Equal("--set adam_learning_rate=0.004 --set nesterov=false --set ns_dtype=float32 --set ns_steps=3", f.Describe());
        var point = f.Apply(TransferGrid.Point(0.02, 0));
        Assert.Equal(6, point.Values.Count);
        Assert.True(FixedHyperparameters.Of(point).Same(f));
        Assert.False(FixedHyperparameters.Of(point.With("adam_learning_rate", 0.0040000001)).Same(f));
        Assert.False(FixedHyperparameters.Of(TransferGrid.Point(0.02, 0)).Same(f));
        Assert.True(FixedHyperparameters.Of(TransferGrid.Point(0.02, 0)).Same(FixedHyperparameters.Parse([], muon)));
        Assert.Equal("no --set", FixedHyperparameters.None.Describe());
    }

    /// <summary>
    /// Edge extension 1 of the SP base width (0.002 is the best of 5e-4, 1e-3, 2e-3 after 20 steps, so it tries 0.004)
    /// is leased by "another process" — a lease this test holds on the database's fourth trial row, which the extension
    /// becomes. The command says so in the line it prints for an unfinished width and how to continue, exits as it does
    /// then (0), and does not go on to width 128; once the lease is released a re-run finishes the ladder.
    /// </summary>
    [Fact]
    public void AnEdgeExtensionAnotherProcessIsRunningStopsTheLadderWithHowToContinue()
    {
        string db = P("l.db");
        const string label = "transfer/adamw/fashion_mnist_mlp/sp/20steps";
        string[] ladder = ["transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--edge-extensions", "1", "--preset", "tiny", "--in-process", "--db", db];
        int code;
        string output, error;
        using (var lease = TrialLease.TryAcquire(TrialLease.PathFor(db, 4), out _))
        {
            Assert.NotNull(lease);
            (code, output, error) = HostedCli.Run(ladder);
        }

        Assert.True(code == 0, error + output);
        Assert.Contains("width 64: the best learning rate, 0.002, is on the edge of those tried; trying 0.004 (edge extension 1 of at most 1)", output);
        Assert.Contains($"width 64: 0 of 1 trials of edge extension 1 (learning rate 0.004) finished in {db}; another process is running 1 of them: re-run this command once it has finished to continue", output);
        var edge = Assert.Single(HostedCli.Trials(db, label + "/w64/edge1"));
        Assert.Equal((4L, TrialState.Pending), (edge.Trial.Id, edge.Trial.State));
        Assert.Throws<InvalidOperationException>(() => HostedCli.Trials(db, label + "/w128"));
        Assert.DoesNotContain("coordinate check", output);

        (code, output, error) = HostedCli.Run(ladder);
        Assert.True(code == 0, error + output);
        Assert.Equal(TrialState.Completed, Assert.Single(HostedCli.Trials(db, label + "/w64/edge1")).Trial.State);
        Assert.Equal(3, HostedCli.Trials(db, label + "/w128").Count);
    }

    /// <summary>
    /// The wider widths are centred on the base width's optimum; when the width-128 run in the database was recorded
    /// around another learning rate (here 1, which no grid of the default 1e-3 holds: as if the base width's trials had
    /// changed since) the command refuses in one line, after the base width, and adds nothing to that run.
    /// </summary>
    [Fact]
    public void AWiderWidthRecordedAroundAnotherTransferredRateIsRefused()
    {
        string db = P("r.db");
        const string label = "transfer/adamw/fashion_mnist_mlp/sp/20steps";
        using (var store = ResultsStore.Open(db))
        {
            var run = store.CreateRun(label + "/w128", "algoperf transfer --test", 0, "{}");
            var t = store.EnsureTrial(run.Id, new TrialSpec("fashion_mnist_mlp_w128", "adamw", TuningRuleset.ExternalTuning, 0, 0, TransferGrid.Point(1.0, new AdamW().Defaults.GetDouble("weight_decay", 0)), 1, 2, 3, 1));
            store.FinishTrial(t.Id, TrialState.Completed, null, 20, 1, 0.05);
        }

        var (code, output, error) = HostedCli.Run("transfer", "-a", "adamw", "-w", "fashion_mnist_mlp", "--parameterisation", "sp", "--quick", "--preset", "tiny", "--in-process", "--db", db);
        Assert.True(code == 2, error + output);
        var w64 = HostedCli.Trials(db, label + "/w64");
        Assert.Equal(3, w64.Count(t => t.Trial.State == TrialState.Completed));
        double best = Lr(w64.MinBy(t => t.Evals[^1].Metrics["validation/loss"]).Trial);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture,
            $"error: {label}/w128 in {db} was recorded around another transferred learning rate (1) than the base width's best now ({best:G4}): the base width's trials changed since; use another --label or --db"),
            error.Trim());
        Assert.Single(HostedCli.Trials(db, label + "/w128"));
    }

    private static double Lr(StoredTrial t) => StoredTrials.ToSpec(t).Hyperparameters.GetDouble("learning_rate");
}
