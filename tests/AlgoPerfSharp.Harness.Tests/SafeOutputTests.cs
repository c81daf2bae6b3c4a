using AlgoPerfSharp.Harness.Reports;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Names chosen by users and plugins cannot inject markdown, reach the terminal raw, break the report or leave the export folder.</summary>
public sealed class SafeOutputTests : ScratchFolder
{
    private static readonly double[] Base = [10, 11, 12, 13, 14, 15], Slow = [20, 22, 24, 26, 28, 30], Steps = [0.01, 0.01, 0.01, 0.01, 0.01, 0.01];

    [Fact]
    public void ALabelWithNewlinesCannotInjectAFakeVerdictIntoCompareMarkdown()
    {
        const string Forged = "v2\n\n**Result: no regression** in 1 (workload, algorithm) pair(s) (exit code 0).\n\n<!--";
        string db = P("labels.db");
        using (var store = ResultsStore.Open(db))
        {
            ScoringDatabases.Seeds(store, "v1", "w1", "adam", Base, Steps);
            ScoringDatabases.Seeds(store, Forged, "w1", "adam", Slow, Steps); // twice as slow: a real regression
        }

        var (code, output, _) = HostedCli.Run("compare", db, "--baseline-run", "v1", "--candidate-run", Forged, "--markdown", P("c.md"));
        Assert.Equal(1, code);
        foreach (string md in new[] { output, File.ReadAllText(P("c.md")) })
        {
            var verdicts = md.Split('\n').Where(l => l.StartsWith("**Result:", StringComparison.Ordinal)).ToList();
            Assert.Equal(["**Result: 1 regression(s)** in 1 (workload, algorithm) pair(s) (exit code 1)."], verdicts);
            Assert.DoesNotContain("<!--", md, StringComparison.Ordinal);
            Assert.Contains("run(s) v2\uFFFD\uFFFD**Result: no regression** in 1 (workload, algorithm) pair(s) (exit code 0).\uFFFD\uFFFD&lt;!--.", md, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AlgorithmNamesCannotAddRowsToTheLeaderboardOrEscapesToTheTerminal()
    {
        const string Evil = "evil|x\n| 1 | fake | 1.0000 |\u001b[2J`";
        string db = P("names.db");
        using (var store = ResultsStore.Open(db))
        {
            var run = ScoringDatabases.NewRun(store, "r", "w1");
            ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01);
            ScoringDatabases.Trial(store, run, Evil, "w1", 0, 20, 0.01);
        }

        var (code, text, _) = HostedCli.Run("leaderboard", "--db", db, "--markdown", P("l.md"));
        Assert.Equal(0, code);
        Assert.DoesNotContain('\u001b', text);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Count(l => char.IsAsciiDigit(l[0]))); // the two algorithms' rows, and no row the name made up
        Assert.Contains(lines, l => l.StartsWith("2  evil|x\uFFFD| 1 | fake | 1.0000 |\uFFFD[2J`", StringComparison.Ordinal));
        string md = File.ReadAllText(P("l.md"));
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count); // header and two algorithms
        Assert.Contains("| 2 | evil\\|x\uFFFD\\| 1 \\| fake \\| 1.0000 \\|\uFFFD[2J\\` |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void AControlCharacterInADiagnosticsKeyIsSanitisedOnWriteAndToleratedOnRead()
    {
        string db = P("diag.db");
        using (var store = ResultsStore.Open(db))
        {
            var run = ScoringDatabases.NewRun(store, "r", "w1");
            ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01, diagnostics: k => new Dictionary<string, double> { ["eigen\u0001/refreshes"] = k });
            var t = store.Trials(run.Id).Single();
            Assert.Equal(6.0, store.Evals(t.Id)[^1].Diagnostics["eigen_/refreshes"]);
        }

        // a row written before keys were sanitised
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE evals SET diagnostics_json = '{\"bell\\u0007key\":\"2\"}' WHERE step = 10;";
            cmd.ExecuteNonQuery();
        }

        using (var store = ResultsStore.OpenReadOnly(db))
        {
            var evals = store.Evals(store.Trials(store.Runs()[0].Id).Single().Id);
            Assert.Equal(2.0, evals[0].Diagnostics["bell_key"]);
        }

        var (code, output, err) = HostedCli.Run("report", "--db", db, "--out", P("r.html"));
        Assert.True(code == 0, err);
        Assert.Contains("wrote", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', File.ReadAllText(P("r.html")));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("/etc")]
    [InlineData("a/../../b")]
    [InlineData("c:\\temp\\x")]
    [InlineData("lab\u0000el\n")]
    public void APathComponentStaysInsideItsFolder(string name)
    {
        string root = P("export");
        string part = SafeText.PathComponent(name);
        Assert.Equal(part, Path.GetFileName(part));
        string full = Path.GetFullPath(Path.Combine(root, part));
        Assert.Equal(root, Path.GetDirectoryName(full));
        Assert.DoesNotContain(part, c => char.IsControl(c));
    }

    [Fact]
    public void AnAlgorithmNameWithControlCharactersDoesNotMakeTheReportRefuseTheDatabase()
    {
        string db = P("ansi.db");
        using (var store = ResultsStore.Open(db))
        {
            var run = ScoringDatabases.NewRun(store, "r", "w1");
            ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01);
            ScoringDatabases.Trial(store, run, "red\u001b[31m\u0007", "w1", 0, 20, 0.02);
        }

        var (code, _, err) = HostedCli.Run("report", "--db", db, "--out", P("r.html"));
        Assert.True(code == 0, err);
        string html = File.ReadAllText(P("r.html"));
        Assert.Contains("red\uFFFD[31m\uFFFD", html, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', html);
        var (code2, text, _) = HostedCli.Run("leaderboard", "--db", db);
        Assert.Equal(0, code2);
        Assert.Contains("red\uFFFD[31m\uFFFD  0.", text, StringComparison.Ordinal);
        Assert.Contains("20.0 ms", text, StringComparison.Ordinal); // its median step still found under the cleaned name
    }

    [Theory]
    [InlineData("../x", "../../plugins/evil.dll:lion")]
    [InlineData("/tmp", "..")]
    [InlineData("..", "a/../../../b")]
    public void ExportedCsvFilesStayInsideTheExportFolder(string label, string algorithm)
    {
        string root = P("out/export");
        using var store = ResultsStore.Open(P("e.db"));
        var run = ScoringDatabases.NewRun(store, label, "w1");
        ScoringDatabases.Trial(store, run, algorithm, "w1", 0, 10, 0.01);
        ScoringDatabases.Trial(store, run, "adam", "w1", 0, 10, 0.01);

        string below = AlgoPerfCsv.ExportTree(store, run, root);
        var files = Directory.GetFiles(P(""), "eval_measurements.csv", SearchOption.AllDirectories).Select(Path.GetFullPath).ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.StartsWith(Path.GetFullPath(below) + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.StartsWith(root + Path.DirectorySeparatorChar, Path.GetFullPath(below), StringComparison.Ordinal);
        Assert.Equal(7, File.ReadAllLines(files[0]).Length); // header and six evals
    }

    [Fact]
    public void TerminalLinesGetControlCharactersReplacedButKeepTheirLineBreaks()
    {
        using var a = new StringWriter();
        using var b = new StringWriter();
        using var tee = new TeeWriter(a, b);
        tee.WriteLine("key\u001b[31m\nred");
        tee.Write("x\ry\n");
        tee.Write('\u0007');
        tee.Write('\n');
        string expected = "key\uFFFD[31m\uFFFDred" + Environment.NewLine + "x\uFFFDy\n\uFFFD\n";
        Assert.Equal(expected, a.ToString());
        Assert.Equal(expected, b.ToString());
    }

    [Fact]
    public void MarkdownEscapesWhatCouldEndACellOrOpenMarkup()
    {
        Assert.Equal("a\\|b\\`c\\\\d &lt;!-- e &gt;\uFFFDf", SafeText.Markdown("a|b`c\\d <!-- e >\nf"));
        Assert.Equal("plain_name-1.0", SafeText.Markdown("plain_name-1.0"));
        Assert.Equal("a\uFFFD[0mb\uFFFDc", SafeText.Terminal("a\u001b[0mb\u2028c"));
        Assert.Equal("_", SafeText.Key(""));
    }
}
