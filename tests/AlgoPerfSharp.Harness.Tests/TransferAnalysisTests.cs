using System.Globalization;
using System.Xml.Linq;
using AlgoPerfSharp.Harness.Reports;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Transfer;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Transfer;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// What is computed from recorded transfer ladders — AdamW-relative compute, the report's drift and regret charts —
/// checked against hand-computed values on a small synthetic database, and the dry run's wall-time arithmetic.
/// </summary>
public sealed class TransferAnalysisTests : ScratchFolder
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const string AdamWLabel = "transfer/adamw/fashion_mnist_mlp/mup/40steps", SoapLabel = "transfer/soap/fashion_mnist_mlp/mup/40steps";

    /// <summary>
    /// Two µP ladders of the MLP family, 40 steps, evals at steps 10, 20, 30, 40 (losses listed per eval):
    /// AdamW (0.01 s a step): w64 η 5e-4 → 1.5, 1e-3 → 1.0 (best, so transferred), 2e-3 → 1.3;
    /// w128 η 1e-3 → 0.9 (transferred), 2e-3 → 0.8 (best): drift +1, regret 0.1.
    /// SOAP (0.02 s a step): w64 η 1e-3 → 1.1, 2e-3 → 0.9 (best), 4e-3 diverged at step 10;
    /// w128 η 2e-3 → 0.7 (transferred and best): drift 0, regret 0.
    /// Plus an SP SOAP ladder of the Llama family with no AdamW beside it.
    /// </summary>
    private static void Populate(string db)
    {
        using var store = ResultsStore.Open(db);
        Ladder(store, AdamWLabel, "adamw", "fashion_mnist_mlp", "_mup", 0.01,
        [
            (64, 5e-4, L(2.0, 1.8, 1.6, 1.5)), (64, 1e-3, L(1.8, 1.4, 1.2, 1.0)), (64, 2e-3, L(1.9, 1.6, 1.4, 1.3)),
            (128, 5e-4, L(1.7, 1.3, 1.1, 0.95)), (128, 1e-3, L(1.6, 1.2, 1.0, 0.9)), (128, 2e-3, L(1.5, 1.0, 0.85, 0.8)),
        ]);
        Ladder(store, SoapLabel, "soap", "fashion_mnist_mlp", "_mup", 0.02,
        [
            (64, 1e-3, L(1.6, 1.3, 1.15, 1.1)), (64, 2e-3, L(1.5, 1.1, 0.95, 0.9)), (64, 4e-3, L(1.4)),
            (128, 1e-3, L(1.4, 1.1, 0.9, 0.85)), (128, 2e-3, L(1.3, 0.9, 0.8, 0.7)), (128, 4e-3, L(1.2, 1.0, 0.9, 0.8)),
        ]);
        Ladder(store, "transfer/soap/sotu_llama/sp/40steps", "soap", "sotu_llama", "", 0.02,
        [
            (64, 1e-3, L(3.0, 2.8, 2.6, 2.5)), (64, 2e-3, L(2.9, 2.6, 2.4, 2.3)),
            (128, 1e-3, L(2.8, 2.5, 2.3, 2.2)), (128, 2e-3, L(2.9, 2.7, 2.5, 2.4)), (128, 4e-3, L(3.0, 2.9, 2.8, 2.7)),
        ]);
    }

    private static double[] L(params double[] losses) => losses;

    // One run per width, as the command records them; a curve shorter than 4 evals is a trial that diverged.
    private static void Ladder(ResultsStore store, string label, string algorithm, string family, string suffix, double secondsPerStep,
        (int Width, double Lr, double[] Losses)[] trials, (string Name, double Value)? set = null)
    {
        foreach (var width in trials.Select(t => t.Width).Distinct())
        {
            string workload = $"{family}_w{width}{suffix}";
            var run = store.CreateRun($"{label}/w{width}", "algoperf transfer --test", 0, "{}");
            store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec(workload, "validation/loss", 3.0, "test/loss", 3.0, true, 3600, null));
            var mine = trials.Where(t => t.Width == width).ToList();
            for (int i = 0; i < mine.Count; i++)
            {
                var point = set is { } fixedValue ? TransferGrid.Point(mine[i].Lr, 0).With(fixedValue.Name, fixedValue.Value) : TransferGrid.Point(mine[i].Lr, 0);
                var spec = new TrialSpec(workload, algorithm, TuningRuleset.ExternalTuning, 0, i, point, 1, 2, 3, 1);
                var t = store.EnsureTrial(run.Id, spec);
                for (int k = 0; k < mine[i].Losses.Length; k++)
                {
                    long step = 10 * (k + 1);
                    store.AppendEval(t.Id, new StoredEval(step, step * secondsPerStep, 0, 0, step * secondsPerStep,
                        new Dictionary<string, double> { ["validation/loss"] = mine[i].Losses[k] }, new Dictionary<string, double>()));
                }

                bool diverged = mine[i].Losses.Length < 4;
                store.FinishTrial(t.Id, diverged ? TrialState.Diverged : TrialState.Completed, diverged ? "training loss became NaN at step 11" : null,
                    diverged ? 11 : 40, 40 * secondsPerStep, secondsPerStep);
            }
        }
    }

    private static IReadOnlyList<TransferLadder> Ladders(string db)
    {
        using var store = ResultsStore.Open(db, create: false);
        return TransferRuns.Load(store, store.Runs());
    }

    [Fact]
    public void LaddersAreReadBackFromTheSweepRowsWithFinalLossesAndCurves()
    {
        Populate(P("t.db"));
        var ladders = Ladders(P("t.db"));
        Assert.Equal([AdamWLabel, SoapLabel, "transfer/soap/sotu_llama/sp/40steps"], ladders.Select(l => l.Label));
        var soap = ladders[1];
        Assert.Equal(("soap", "fashion_mnist_mlp", "mup", 40L, 64), (soap.Algorithm, soap.Family, soap.Parameterisation, soap.Steps, soap.BaseWidth));
        Assert.Equal(2e-3, soap.TransferredLearningRate);
        Assert.True(double.IsPositiveInfinity(soap.Trials.Single(t => t.Width == 64 && t.LearningRate == 4e-3).Loss)); // diverged
        Assert.Equal([10L, 20, 30, 40], soap.BestTrial(128)!.Curve!.Select(c => c.Step));
        Assert.Equal(0.7, soap.BestTrial(128)!.Loss);
        Assert.Equal(0.8, soap.TransferredTrial(128)!.Curve![2].Loss);
        var adamw = ladders[0].Results();
        Assert.Equal((128, 2e-3, 1e-3, 1.0, 0.8, 0.9), (adamw[1].Width, adamw[1].BestLearningRate, adamw[1].TransferredLearningRate, adamw[1].DriftSteps, adamw[1].BestLoss, adamw[1].TransferredLoss));
    }

    [Fact]
    public void ReachInterpolatesBetweenTheEvalsAroundTheTarget()
    {
        LossPoint[] curve = [new(10, 0.2, 1.5), new(20, 0.4, 1.1), new(30, 0.6, 0.95), new(40, 0.8, 0.9)];
        var r = ComputeToLoss.Reach(curve, 1.0);
        Assert.Equal(20 + (10 * 0.1 / 0.15), r.Steps, 9); // (1.1 − 1.0)/(1.1 − 0.95) of the way from step 20 to 30
        Assert.Equal(0.4 + (0.2 * 0.1 / 0.15), r.Seconds, 9);
        Assert.Equal(new ComputeToLoss(10, 0.2), ComputeToLoss.Reach(curve, 1.6)); // met at the first eval: that eval
        Assert.Equal(ComputeToLoss.Never, ComputeToLoss.Reach(curve, 0.5));
        Assert.Equal(ComputeToLoss.Never, ComputeToLoss.Reach(null, 0.5));
        Assert.Equal(new ComputeToLoss(20, 0.4), ComputeToLoss.Reach([new(10, 0.2, double.NaN), new(20, 0.4, 1.0)], 1.0));
    }

    /// <summary>
    /// Target = max(SOAP's best base loss 0.9, AdamW's 1.0) = 1.0. Width 64: SOAP (η 2e-3) crosses 1.0 between 1.1 at
    /// step 20 and 0.95 at 30, at 20 + 10·(0.1/0.15) = 26.67 steps, 0.533 s; AdamW (η 1e-3) reaches 1.0 at step 40, 0.4 s:
    /// multiplier 40/26.67 = 1.5, time 0.4/0.533 = 0.75. Width 128: SOAP crosses between 1.3 at 10 and 0.9 at 20, at
    /// 17.5 steps, 0.35 s; AdamW's transferred point (η 1e-3) reaches 1.0 at step 30 (0.3 s), its best (η 2e-3) at step 20 (0.2 s):
    /// transferred 30/17.5 = 1.714, time 0.857; best 20/17.5 = 1.143, time 0.571.
    /// </summary>
    [Fact]
    public void AdamWRelativeComputeIsAdamWsStepsOverTheAlgorithmsToTheBaseWidthsLoss()
    {
        Populate(P("t.db"));
        var ladders = Ladders(P("t.db"));
        var rows = RelativeCompute.Of(ladders[1], ladders[0]);
        Assert.Equal([64, 128], rows.Select(r => r.Width));
        Assert.All(rows, r => Assert.Equal(1.0, r.Target));
        Assert.Equal(20 + (10 * 0.1 / 0.15), rows[0].Transferred.Steps, 9);
        Assert.Equal(rows[0].Transferred, rows[0].Best);
        Assert.Equal(40, rows[0].AdamWTransferred.Steps, 9);
        Assert.Equal(1.5, rows[0].TransferredMultiplier, 9);
        Assert.Equal(0.75, rows[0].TransferredTimeMultiplier, 9);
        Assert.Equal(17.5, rows[1].Transferred.Steps, 9);
        Assert.Equal(0.35, rows[1].Transferred.Seconds, 9);
        Assert.Equal(30 / 17.5, rows[1].TransferredMultiplier, 9);
        Assert.Equal(0.3 / 0.35, rows[1].TransferredTimeMultiplier, 9);
        Assert.Equal(20 / 17.5, rows[1].BestMultiplier, 9);
        Assert.Equal(0.2 / 0.35, rows[1].BestTimeMultiplier, 9);

        // the other way round: AdamW against SOAP is the reciprocal at every width
        var back = RelativeCompute.Of(ladders[0], ladders[1]);
        Assert.Equal(1 / 1.5, back[0].TransferredMultiplier, 9);
        Assert.Equal(17.5 / 30, back[1].TransferredMultiplier, 9);
    }

    [Fact]
    public void MultipliersOfPointsThatNeverReachTheTargetAreZeroInfiniteOrUndefined()
    {
        var never = ComputeToLoss.Never;
        var some = new ComputeToLoss(10, 1);
        Assert.Equal(0, new RelativeCompute(64, 1, never, never, some, some).TransferredMultiplier);
        Assert.Equal(double.PositiveInfinity, new RelativeCompute(64, 1, some, some, never, never).BestMultiplier);
        Assert.True(double.IsNaN(new RelativeCompute(64, 1, never, never, never, never).TransferredTimeMultiplier));
    }

    [Fact]
    public void TheCommandPrintsTheAdamWRelativeTableOrOneLineWhenAdamWIsMissing()
    {
        Populate(P("t.db"));
        var grid = TransferGrid.Default with { Steps = 40 };
        using var store = ResultsStore.Open(P("t.db"), create: false);
        using var soap = new StringWriter();
        TransferCommand.PrintRelativeCompute(soap, store, "t.db", SoapLabel, "soap", WidthFamilies.Mlp, Parameterisation.MuP, grid);
        string text = soap.ToString();
        Assert.Contains($"AdamW-relative compute to reach validation loss 1.0000 (the worse of the two ladders' best base-width losses; AdamW: '{AdamWLabel}').", text);
        Assert.Matches(@"\n  64 +26\.7 +40\.0 +1\.50 +0\.75 +26\.7 +40\.0 +1\.50 +0\.75\n", text);
        Assert.Matches(@"\n  128 +17\.5 +30\.0 +1\.71 +0\.86 +17\.5 +20\.0 +1\.14 +0\.57\n", text);

        using var llama = new StringWriter();
        TransferCommand.PrintRelativeCompute(llama, store, "t.db", "transfer/soap/sotu_llama/sp/40steps", "soap", WidthFamilies.Llama, Parameterisation.Standard, grid);
        Assert.Equal("AdamW-relative compute: t.db has no adamw ladder of sotu_llama (sp, 40 steps); run `algoperf transfer -a adamw -w sotu_llama --parameterisation sp --db t.db` and re-run this command",
            llama.ToString().Trim());
    }

    /// <summary>
    /// <c>--set</c> on the other algorithm's ladder does not change its AdamW reference: beside the ladders above, a SOAP
    /// ladder with one_minus_beta1 fixed (the same losses as SOAP's) and an AdamW ladder with one fixed whose label sorts
    /// first (much lower losses: as the reference it would move the target to 0.9 and every multiplier). The reference
    /// is still AdamW's ladder without --set, so the table is the one of the test above, in the command and the report;
    /// the AdamW ladder with --set says which ladder is the reference.
    /// </summary>
    [Fact]
    public void AdamWRelativeComputeIgnoresTheOtherLaddersSetAndPrefersAnAdamWLadderWithoutSet()
    {
        Populate(P("t.db"));
        const string soapSet = "transfer/soap/fashion_mnist_mlp/mup/40steps/one_minus_beta1=0.1", adamwSet = "transfer/adamw/a/one_minus_beta1=0.2";
        using (var store = ResultsStore.Open(P("t.db")))
        {
            Ladder(store, soapSet, "soap", "fashion_mnist_mlp", "_mup", 0.02,
            [
                (64, 1e-3, L(1.6, 1.3, 1.15, 1.1)), (64, 2e-3, L(1.5, 1.1, 0.95, 0.9)), (64, 4e-3, L(1.4)),
                (128, 1e-3, L(1.4, 1.1, 0.9, 0.85)), (128, 2e-3, L(1.3, 0.9, 0.8, 0.7)), (128, 4e-3, L(1.2, 1.0, 0.9, 0.8)),
            ], ("one_minus_beta1", 0.1));
            Ladder(store, adamwSet, "adamw", "fashion_mnist_mlp", "_mup", 0.01,
            [
                (64, 1e-3, L(0.9, 0.7, 0.6, 0.5)), (64, 2e-3, L(1.0, 0.8, 0.7, 0.6)),
                (128, 1e-3, L(0.8, 0.6, 0.5, 0.4)), (128, 2e-3, L(0.9, 0.7, 0.6, 0.5)),
            ], ("one_minus_beta1", 0.2));
        }

        var ladders = Ladders(P("t.db"));
        Assert.Equal([("transfer/adamw/a/one_minus_beta1=0.2", "one_minus_beta1=0.2"), (AdamWLabel, ""), (SoapLabel, ""), (soapSet, "one_minus_beta1=0.1")],
            ladders.Where(l => l.Family == "fashion_mnist_mlp").Select(l => (l.Label, l.Fixed)));
        Assert.Equal(AdamWLabel, TransferRuns.AdamWReference(ladders)!.Label);

        var grid = TransferGrid.Default with { Steps = 40 };
        using var store2 = ResultsStore.Open(P("t.db"), create: false);
        using var soap = new StringWriter();
        TransferCommand.PrintRelativeCompute(soap, store2, "t.db", soapSet, "soap", WidthFamilies.Mlp, Parameterisation.MuP, grid);
        string text = soap.ToString();
        Assert.Contains($"AdamW-relative compute to reach validation loss 1.0000 (the worse of the two ladders' best base-width losses; AdamW: '{AdamWLabel}').", text);
        Assert.Matches(@"\n  64 +26\.7 +40\.0 +1\.50 +0\.75 +26\.7 +40\.0 +1\.50 +0\.75\n", text);
        Assert.Matches(@"\n  128 +17\.5 +30\.0 +1\.71 +0\.86 +17\.5 +20\.0 +1\.14 +0\.57\n", text);
        using var adamw = new StringWriter();
        TransferCommand.PrintRelativeCompute(adamw, store2, "t.db", adamwSet, "adamw", WidthFamilies.Mlp, Parameterisation.MuP, grid);
        Assert.Equal($"AdamW-relative compute: this AdamW ladder fixes one_minus_beta1=0.2 (--set); the other algorithms' reference is AdamW's ladder without --set, '{AdamWLabel}'",
            adamw.ToString().Trim());

        var relative = TransferReport.Data(ladders)[0].Relative;
        var withSet = relative.Single(r => r.Algorithm == $"soap · {soapSet}").Rows;
        Assert.Equal(1.5, withSet[0].TransferredMultiplier, 9);
        Assert.Equal(30 / 17.5, withSet[1].TransferredMultiplier, 9);
        Assert.Contains(relative, r => r.Algorithm == $"adamw · {adamwSet}");
    }

    [Fact]
    public void TheReportDrawsDriftAndRegretPerAlgorithmFromTheLadders()
    {
        Populate(P("t.db"));
        string html;
        using (var store = ResultsStore.Open(P("t.db"), create: false))
        {
            html = HtmlReport.Render(store, store.Runs(), TuningRuleset.ExternalTuning);
        }

        Assert.Contains("<h2>Hyperparameter transfer across width</h2>", html);
        var svgs = ReportTests.SvgsOf(html);
        XElement Chart(string title) => svgs.Single(s => s.Element(Svg + "title")!.Value == title);
        (double[] X, double[] Y) Line(XElement chart, string series)
        {
            var line = chart.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("class") == "series" && (string?)p.Attribute("data-series") == series);
            static double[] Parse(string s) => [.. s.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            return (Parse(line.Attribute("data-x")!.Value), Parse(line.Attribute("data-y")!.Value));
        }

        void Points(XElement chart, string series, double[] x, double[] y)
        {
            var (px, py) = Line(chart, series);
            Assert.Equal(x, px);
            Assert.Equal(y.Length, py.Length);
            for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], py[i], 12);
        }

        var drift = Chart("fashion_mnist_mlp (µP): optimum learning rate drift vs width");
        Points(drift, "adamw", [0, 1], [0, 1]);       // w128's best η is 2× the transferred
        Points(drift, "soap", [0, 1], [0, 0]);
        var regret = Chart("fashion_mnist_mlp (µP): transfer regret vs width");
        Points(regret, "adamw", [0, 1], [0, 0.1]);    // 0.9 − 0.8
        Points(regret, "soap", [0, 1], [0, 0]);
        // the Llama SP ladder: base best η 2e-3; at w128 the best is 1e-3 (2.2 vs 2.4 transferred): drift −1, regret 0.2
        Points(Chart("sotu_llama (SP): optimum learning rate drift vs width"), "soap", [0, 1], [0, -1]);
        Points(Chart("sotu_llama (SP): transfer regret vs width"), "soap", [0, 1], [0, 0.2]);
        Assert.Contains("No adamw ladder of this family, parameterisation and steps", html);
        Assert.Matches(@"<td class=""name"">soap</td><td>128</td><td>1\.0000</td><td>1\.71</td><td>0\.86</td><td>1\.14</td><td>0\.57</td>", html);
    }

    [Fact]
    public void TheChartDataColoursAnAlgorithmAlikeInEveryGroup()
    {
        Populate(P("t.db"));
        var charts = TransferReport.Data(Ladders(P("t.db")));
        Assert.Equal([("fashion_mnist_mlp", "mup"), ("sotu_llama", "sp")], charts.Select(c => (c.Family, c.Parameterisation)));
        Assert.Equal(1, charts[0].Drift.Single(s => s.Name == "soap").Color); // adamw 0, soap 1 (ordinal order of all ladders' algorithms)
        Assert.Equal(1, charts[1].Drift.Single(s => s.Name == "soap").Color);
        Assert.Equal([64, 128], charts[0].Widths);
    }

    [Fact]
    public void RunsThatAreNotLaddersAreIgnored()
    {
        using (var store = ResultsStore.Open(P("n.db")))
        {
            var run = ScoringDatabases.NewRun(store, "nightly/w64", "w1"); // a /w{width} label, but not a ladder member's trials
            ScoringDatabases.Trial(store, run, "adamw", "w1", 0, 10, 0.01);
        }

        Assert.Empty(Ladders(P("n.db")));
    }

    /// <summary>
    /// The default ladder (15 base points: 5 learning rates × 3 decays; 3 local points at ×2, ×4, ×8), 400 steps, an
    /// eval every 40 (10 per trial), 3.3 s overhead a trial: w64 15·(400·0.02 + 10·0.1 + 3.3) = 184.5 s; w128
    /// 3·(20 + 2 + 3.3) = 75.9; w256 3·(60 + 4 + 3.3) = 201.9; w512 3·(200 + 10 + 3.3) = 639.9; coordinate check
    /// 10·(0.02 + 0.05 + 0.15 + 0.5) = 7.2; total 1,109.4 s = 18.5 min. A 3 s step at 512 takes w512 to
    /// 3·(1200 + 10 + 3.3) = 3,639.9 s alone: over the hour.
    /// </summary>
    [Fact]
    public void TheDryRunEstimateIsTheArithmeticOfStepsEvalsAndOverhead()
    {
        var grid = TransferGrid.Default;
        int Trials(int multiple) => multiple == 1 ? grid.BasePoints(1e-3, 0.1).Count : grid.LocalPoints(1e-3, 0.1).Count;
        var step = new Dictionary<int, double> { [64] = 0.02, [128] = 0.05, [256] = 0.15, [512] = 0.5 };
        var eval = new Dictionary<int, double> { [64] = 0.1, [128] = 0.2, [256] = 0.4, [512] = 1.0 };
        int evals = TransferWidthEstimate.Evals(400, 40);
        Assert.Equal(10, evals);
        Assert.Equal(3, TransferWidthEstimate.Evals(25, 10)); // 10, 20 and the last step
        TransferEstimate Estimate(double step512) => new(
            [.. grid.WidthMultiples.Select(m => new TransferWidthEstimate(64 * m, Trials(m), 400, 64 * m == 512 ? step512 : step[64 * m], evals, eval[64 * m]))],
            TransferEstimate.MeasuredOverheadSeconds, 10);

        var e = Estimate(0.5);
        Assert.Equal(24, e.Trials);
        Assert.Equal((15 * 8) + (3 * 20) + (3 * 60) + (3 * 200), e.TimedSeconds, 9);
        Assert.Equal(184.5 + 75.9 + 201.9 + 639.9 + 7.2, e.WallSeconds, 9);
        Assert.False(e.OverLimit);
        string text = e.ToText();
        Assert.Contains("all: 24 trials, 960.0 timed s, estimated wall 1109 s = 18.5 min (3.3 s overhead per trial)", text);
        Assert.DoesNotContain("edge extensions", text);
        // at most 3 one-trial extensions per width: 3·(12.3 + 25.3 + 67.3 + 213.3) = 954.6 s, not in the wall estimate
        var extended = e with { EdgeExtensions = 3 };
        Assert.Equal(954.6, extended.MaxExtensionSeconds, 9);
        Assert.Equal(e.WallSeconds, extended.WallSeconds, 12);
        Assert.EndsWith("plus up to 3 one-trial edge extensions per width, run only where a width's best learning rate is on the edge of those tried: at most +955 s = 15.9 min", extended.ToText());
        Assert.Matches(@"\n  512 +3 +400 +500\.0 +10 +1000\.0 +600\.0 +639\.9\n", text);
        Assert.DoesNotContain("warning", text);

        var slow = Estimate(3);
        Assert.Equal(184.5 + 75.9 + 201.9 + 3639.9 + 7.2 - (10 * 0.5) + (10 * 3), slow.WallSeconds, 9);
        Assert.True(slow.OverLimit);
        Assert.EndsWith("warning: the estimate, 68.9 min, exceeds issue 16's budget of 60 min for one ladder; use --quick, a smaller --max-steps or the tiny preset", slow.ToText());
    }

    /// <summary>
    /// A grid extension's run, <c>{label}/w{width}/edge{k}</c>, belongs to its width: the AdamW ladder above plus w128's
    /// extension at 4e-3 (loss 0.75) moves w128's optimum there, drift +2, regret 0.9 − 0.75.
    /// </summary>
    [Fact]
    public void EdgeExtensionRunsJoinTheirWidthsTrials()
    {
        Populate(P("t.db"));
        using (var store = ResultsStore.Open(P("t.db")))
        {
            var run = store.CreateRun(AdamWLabel + "/w128/edge1", "algoperf transfer --test", 0, "{}");
            store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec("fashion_mnist_mlp_w128_mup", "validation/loss", 3.0, "test/loss", 3.0, true, 3600, null));
            var t = store.EnsureTrial(run.Id, new TrialSpec("fashion_mnist_mlp_w128_mup", "adamw", TuningRuleset.ExternalTuning, 0, 0, TransferGrid.Point(4e-3, 0), 1, 2, 3, 1));
            store.AppendEval(t.Id, new StoredEval(40, 0.4, 0, 0, 0.4, new Dictionary<string, double> { ["validation/loss"] = 0.75 }, new Dictionary<string, double>()));
            store.FinishTrial(t.Id, TrialState.Completed, null, 40, 0.4, 0.01);
        }

        var adamw = Ladders(P("t.db"))[0];
        Assert.Equal(AdamWLabel, adamw.Label);
        Assert.Equal(4, adamw.Trials.Count(t => t.Width == 128));
        var w128 = adamw.Results()[1];
        Assert.Equal((4e-3, 2.0, 0.75), (w128.BestLearningRate, w128.DriftSteps, w128.BestLoss));
        Assert.Equal(0.15, w128.Regret, 12);
    }
}
