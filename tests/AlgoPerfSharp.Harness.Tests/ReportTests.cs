using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Reports;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

public sealed partial class ReportTests : IDisposable
{
    /// <summary>A plugin-supplied algorithm name that must not inject markup.</summary>
    public const string Evil = "<script>alert(1)</script>";

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-report-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db => Path.Combine(_dir, "results.db");

    /// <summary>
    /// "fast" reaches w1 at 10 s and w2 at 20 s and logs two Shampoo-style diagnostics; <see cref="Evil"/> reaches w1 at 25 s
    /// (2.5× the fastest) and never w2, and logs one other diagnostic.
    /// </summary>
    internal static void Populate(string db)
    {
        using var store = ResultsStore.Open(db);
        var run = ScoringDatabases.NewRun(store, "nightly", "w1", "w2");
        Func<int, IReadOnlyDictionary<string, double>> shampoo = k => new Dictionary<string, double> { ["eigen/refreshes"] = k, ["eigen/max_factor_dim"] = 16 };
        Func<int, IReadOnlyDictionary<string, double>> other = k => new Dictionary<string, double> { ["grad/norm"] = 1.0 / k };
        ScoringDatabases.Trial(store, run, "fast", "w1", 0, 10, 0.010, shampoo);
        ScoringDatabases.Trial(store, run, "fast", "w2", 0, 20, 0.012, shampoo);
        ScoringDatabases.Trial(store, run, Evil, "w1", 0, 25, 0.020, other);
        ScoringDatabases.Trial(store, run, Evil, "w2", 0, double.PositiveInfinity, 0.022, other);
    }

    internal static IReadOnlyList<XElement> SvgsOf(string html) =>
        SvgBlock().Matches(html).Select(m => XElement.Parse(m.Value)).ToList();

    private string Render()
    {
        Populate(Db);
        using var store = ResultsStore.Open(Db, create: false);
        return HtmlReport.Render(store, store.Runs(), Scoring.TuningRuleset.SelfTuning);
    }

    [Fact]
    public void EverySvgParsesAndHasALegendAndAxisTitles()
    {
        var svgs = SvgsOf(Render());
        // profile + 2 metric charts + step bars + eigen on w1, w2 + grad on w1, w2.
        Assert.Equal(8, svgs.Count);
        foreach (var svg in svgs)
        {
            Assert.Equal(Svg + "svg", svg.Name);
            var legend = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
            var entries = legend.Elements(Svg + "g").ToList();
            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Element(Svg + "text")?.Value)));
            Assert.False(string.IsNullOrWhiteSpace(svg.Element(Svg + "title")?.Value));
        }

        Assert.Contains(svgs, s => s.Descendants(Svg + "text").Any(t => t.Value == "submission time (s)"));
        Assert.Contains(svgs, s => s.Descendants(Svg + "text").Any(t => t.Value == "median step time (ms)"));
    }

    [Fact]
    public void ProfileCurvesAreTheScoringLibrarysRho()
    {
        string html = Render();
        var chart = SvgsOf(html).Single(s => s.Element(Svg + "title")!.Value == "Performance profiles ρ(τ)");
        using var store = ResultsStore.Open(Db, create: false);
        var profile = ScoringInput.Load(store, store.Runs(), Scoring.TuningRuleset.SelfTuning).Score().Profile;
        double y0 = D(chart.Attribute("data-y0")!.Value), y1 = D(chart.Attribute("data-y1")!.Value);
        var curves = chart.Descendants(Svg + "polyline").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(2, curves.Count);
        foreach (var curve in curves)
        {
            string name = curve.Attribute("data-series")!.Value;
            var rho = Numbers(curve.Attribute("data-y")!.Value);
            var tau = Numbers(curve.Attribute("data-x")!.Value);
            Assert.Equal(profile[name].Rho, rho);
            Assert.Equal(profile.Taus, tau);

            // Independent closed form: fast is fastest on both workloads (ρ ≡ 1); the other has ratio 2.5 on w1 and ∞ on
            // w2, so ρ(τ) = ½ for τ ≥ 2.5 and 0 below, on τ_i = 1 + 3i/99.
            for (int i = 0; i < 100; i++)
            {
                double t = 1 + (3.0 * i / 99);
                Assert.Equal(name == "fast" ? 1.0 : t >= 2.5 ? 0.5 : 0.0, rho[i]);
            }

            // What is drawn is those values: the last pixel y of each step is the mapped ρ.
            var last = curve.Attribute("points")!.Value.Split(' ')[^1].Split(',');
            Assert.Equal(SvgChart.Py(rho[^1], y0, y1), D(last[1]), 0.01);
        }
    }

    [Fact]
    public void MetricChartsDrawTheTargetLine()
    {
        var charts = SvgsOf(Render()).Where(s => s.Element(Svg + "title")!.Value.Contains("validation/error_rate (one line per trial)", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, charts.Count);
        foreach (var c in charts)
        {
            var target = c.Descendants(Svg + "line").Single(l => (string?)l.Attribute("class") == "reference");
            Assert.Equal(ScoringDatabases.Target, D(target.Attribute("data-y")!.Value));
            double y0 = D(c.Attribute("data-y0")!.Value), y1 = D(c.Attribute("data-y1")!.Value);
            Assert.Equal(SvgChart.Py(0.5, y0, y1), D(target.Attribute("y1")!.Value), 0.01);
            Assert.Contains(c.Descendants(Svg + "text"), t => t.Value == "target: validation/error_rate ≤ 0.5");
            Assert.Equal(2, c.Descendants(Svg + "polyline").Count(p => (string?)p.Attribute("class") == "series"));
        }
    }

    [Fact]
    public void DiagnosticsArePlottedGroupedByPrefix()
    {
        var svgs = SvgsOf(Render());
        var eigen = svgs.Single(s => s.Element(Svg + "title")!.Value == "w1: eigen diagnostics");
        var lines = eigen.Descendants(Svg + "polyline").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(["fast · eigen/max_factor_dim", "fast · eigen/refreshes"], lines.Select(l => l.Attribute("data-series")!.Value).Order(StringComparer.Ordinal));
        var refreshes = lines.Single(l => l.Attribute("data-series")!.Value.EndsWith("refreshes", StringComparison.Ordinal));
        Assert.Equal([1.0, 2, 3, 4, 5, 6], Numbers(refreshes.Attribute("data-y")!.Value));
        Assert.Equal([2.0, 4, 6, 8, 10, 12], Numbers(refreshes.Attribute("data-x")!.Value)); // 10·k/5 s
        Assert.Single(svgs, s => s.Element(Svg + "title")!.Value == "w2: grad diagnostics");
    }

    [Fact]
    public void TextFromTheDatabaseIsEscaped()
    {
        string html = Render();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Test CPU &lt;x86&gt;", html, StringComparison.Ordinal);
        Assert.Contains(SvgsOf(html).SelectMany(s => s.Descendants(Svg + "text")), t => t.Value == Evil);
        // Self-contained: nothing is fetched.
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Regex.Count(html, "http"), Regex.Count(html, "http://www.w3.org/2000/svg"));
    }

    [Fact]
    public void EnvironmentAndLeaderboardAreAtTheTop()
    {
        string html = Render();
        int env = html.IndexOf("<h2>Environment</h2>", StringComparison.Ordinal);
        int board = html.IndexOf("<h2>Leaderboard</h2>", StringComparison.Ordinal);
        Assert.True(env > 0 && board > env && board < html.IndexOf("<svg", StringComparison.Ordinal));
        foreach (var s in new[] { "<th class=\"name\">libtorch</th><td class=\"name\">2.5.1</td>", "<td class=\"name\">abc1234</td>", "libopenblasp.so", "libtorch intra-op threads" })
        {
            Assert.Contains(s, html, StringComparison.Ordinal);
        }

        Assert.Contains("<td>1.0000</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>0.2500</td>", html, StringComparison.Ordinal); // ½·(4 − 2.5)/3 on the 100-point grid
        Assert.Contains("25.0 s · 50 steps · 2.50× · 1/1", html, StringComparison.Ordinal);
        Assert.Contains("10.0 ms", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommandWritesTheFileAndRejectsBadInput()
    {
        Populate(Db);
        string outPath = Path.Combine(_dir, "r.html");
        using var o = new StringWriter();
        Assert.Equal(0, CliApp.Run(["report", "--db", Db, "--run", "nightly", "--out", outPath], o, new StringWriter()));
        Assert.Contains("8 charts", o.ToString(), StringComparison.Ordinal);
        Assert.Equal(8, SvgsOf(File.ReadAllText(outPath)).Count);

        using var e = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["report", "--db", Db, "--run", "nope", "--out", outPath], new StringWriter(), e));
        Assert.Contains("has no run labelled 'nope' (it has: nightly)", e.ToString(), StringComparison.Ordinal);

        using var e2 = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["report", "--db", Db, "--ruleset", "external", "--out", outPath], new StringWriter(), e2));
        Assert.Contains("has no external-tuning trials", e2.ToString(), StringComparison.Ordinal);

        string empty = Path.Combine(_dir, "empty.db");
        using (ResultsStore.Open(empty))
        {
        }

        using var e3 = new StringWriter();
        Assert.Equal(CliApp.BadInput, CliApp.Run(["report", "--db", empty], new StringWriter(), e3));
        Assert.Contains("is empty: it has no runs", e3.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResultsTheScoringLibraryRejectsGiveAClearMessageNotACrash()
    {
        using (var store = ResultsStore.Open(Db))
        {
            var run = store.CreateRun("r", "test", 1, "{}");
            store.RecordWorkloadSpec(run.Id, new StoredWorkloadSpec("w1", "validation/accuracy", 0.9, "test/accuracy", 0.9, false, 1000, null));
            ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01); // logs validation/error_rate only
        }

        const string Why = "error: the stored results cannot be scored: No eval row of trial adam/w1 study 0 trial 0 logs the validation metric 'validation/accuracy'";
        var r = CliTests.Run("report", "--db", Db, "--out", Path.Combine(_dir, "r.html"));
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains(Why, r.Err, StringComparison.Ordinal);
        r = CliTests.Run("compare", Db, Db);
        Assert.Equal(CliApp.BadInput, r.Code);
        Assert.Contains(Why, r.Err, StringComparison.Ordinal);
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static double[] Numbers(string s) => s.Split(' ').Select(D).ToArray();

    [GeneratedRegex("<svg[ >].*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgBlock();
}
