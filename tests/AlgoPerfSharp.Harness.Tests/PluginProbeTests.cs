using System.Security.Cryptography;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Plugin metadata comes from a probe process: a plugin that throws from Name, SearchSpace or Defaults, or exits in its
/// constructor, is one line and exit 2 — never a crash of the parent, never a silent exit 0 — and touches nothing recorded.
/// </summary>
public sealed class PluginProbeTests : ScratchFolder
{
    private static string Bad(string name) => PluginPaths.Misbehaving + ":" + name;

    private const string NameThrows = "MisbehavingPlugin.NameThrows.Name threw InvalidOperationException: misbehaving plugin: no name today";

    /// <summary>
    /// <paramref name="selector"/> picks the algorithm (empty: the whole plugin, whose declared algorithms are named in
    /// order until NameThrows throws).
    /// </summary>
    [Theory]
    [InlineData(":search_space_throws", false, "MisbehavingPlugin.SearchSpaceThrows.SearchSpace threw InvalidOperationException: misbehaving plugin: no search space today")]
    [InlineData(":defaults_throws", false, "MisbehavingPlugin.DefaultsThrows.Defaults threw InvalidOperationException: misbehaving plugin: no defaults today")]
    [InlineData("", false, NameThrows)]
    [InlineData(":exit_in_constructor", false, "its probe exited with code 0 without reporting the algorithm")]
    [InlineData(":floods_stdout", false, "its probe printed more than 1048576 bytes on stdout")]
    [InlineData(":search_space_throws", true, "SearchSpace threw InvalidOperationException")]
    [InlineData(":exit_in_constructor", true, "its probe exited with code 0 without reporting the algorithm")]
    public void APluginMisbehavingWhileDescribedIsOneLineAndExit2AndTouchesNothingRecorded(string selector, bool inProcess, string expected)
    {
        string db = P("kept.db");
        Assert.Equal(0, HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--ruleset", "self", "--max-steps", "4",
            "--eval-every-steps", "2", "--label", "kept", "--db", db, "--in-process").Code);
        var before = Hashes(db);

        string[] args = ["run", "-w", "synthetic_regression", "-a", PluginPaths.Misbehaving + selector, "--max-steps", "4", "--label", "bad", "--db", db];
        var (code, output, err) = HostedCli.Run(inProcess ? [.. args, "--in-process"] : args);

        Assert.True(code == 2, output + err);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.Contains("MisbehavingPlugin", line); // names the plugin
        Assert.Equal(before, Hashes(db));
    }

    [Fact]
    public void BenchProbesAPluginBeforeRunningItHere()
    {
        var (code, output, err) = HostedCli.Run("bench", "-w", "synthetic_regression", "-a", Bad("defaults_throws"), "--db", P("b.db"));
        Assert.True(code == 2, output + err);
        Assert.Contains("DefaultsThrows.Defaults threw InvalidOperationException", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void APluginBuiltForAnotherContractVersionIsRefusedByTheProbeNamingBothVersions()
    {
        // FuturePlugin declares contract version 999; the probe process refuses it before constructing anything
        var (code, output, err) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", PluginPaths.Future, "--max-steps", "4", "--db", P("f.db"));
        Assert.True(code == 2, output + err);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"built against plugin contract version 999, but this harness implements version {Contract.Version}", line);
        Assert.Contains("Rebuild the plugin against this AlgoPerfSharp.Contracts", line);
        Assert.False(File.Exists(P("f.db")));
    }

    [Fact]
    public void ABadPluginOnAFreshDatabaseCreatesNoDatabase()
    {
        var (code, _, err) = HostedCli.Run("sweep", "-w", "synthetic_regression", "-a", "adamw", "-a", Bad("search_space_throws"), "--db", P("new.db"));
        Assert.Equal(2, code);
        Assert.Contains("SearchSpace threw", err);
        Assert.False(File.Exists(P("new.db")));
    }

    [Fact]
    public void ListingMisbehavingPluginsIsAnErrorNotACrashOrASilentExit()
    {
        var (code, output, err) = HostedCli.Run("list", "--algorithm", PluginPaths.Misbehaving);
        Assert.Equal(2, code);
        Assert.Contains(NameThrows, Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("adamw", output); // the built-ins were listed before the plugin was probed

        var (code2, _, err2) = HostedCli.Run("list", "--algorithm", Bad("exit_in_constructor"));
        Assert.Equal(2, code2);
        Assert.Contains("its probe exited with code 0 without reporting the algorithm", Assert.Single(err2.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var (code3, output3, _) = HostedCli.Run("list", "--algorithm", PluginPaths.Lion);
        Assert.Equal(0, code3);
        Assert.Contains($"  {"lion",-20} ({PluginPaths.Lion})", output3);
    }

    [Fact]
    public void TheProbeReportsWhatThePluginDeclaresExactly()
    {
        // in-process resolution (what a worker does) and the probe agree, value for value
        var real = TestRegistries.Algorithms.Resolve(PluginPaths.Lion);
        var probed = PluginProbe.ForPlanning(PluginPaths.Lion, TestRegistries.Algorithms, CancellationToken.None);
        Assert.Equal("lion", probed.Name);
        Assert.Equal(Describe(real.SearchSpace), Describe(probed.SearchSpace));
        Assert.Equal(real.Defaults.ToString(), probed.Defaults.ToString());
        Assert.Equal(0.99, probed.Defaults.GetDouble("beta2"));
        Assert.Equal(Flat(real.Declared), Flat(probed.Declared));
        Assert.Contains("beta2 real [0, 1] 0.99 decay of the momentum Lion keeps", Flat(probed.Declared));
        // the stand-in plans but never trains
        Assert.Throws<InvalidOperationException>(() => probed.Init(null!));

        var mixed = PluginProbe.Describe(PluginPaths.Mixed, TestRegistries.Algorithms, all: true, CancellationToken.None);
        Assert.Equal(["plain_sgd", "copycat"], mixed.Select(m => m.Name));
        var ambiguous = Assert.Throws<PluginException>(() => PluginProbe.ForPlanning(PluginPaths.Mixed, TestRegistries.Algorithms, CancellationToken.None));
        Assert.Contains("declares 2 algorithms (plain_sgd, copycat); choose one with", ambiguous.Message);
    }

    [Fact]
    public void MetadataJsonRoundTripsEveryBuiltInBitForBit()
    {
        foreach (var a in TestRegistries.Algorithms.BuiltIns)
        {
            var m = AlgorithmMetadata.Of(a, "built-in");
            var back = Assert.Single(AlgorithmMetadata.FromJson(AlgorithmMetadata.ToJson([m])));
            Assert.Equal(a.Name, back.Name);
            Assert.Equal(Describe(a.SearchSpace), Describe(back.SearchSpace));
            Assert.Equal(a.Defaults.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal), back.Defaults.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            Assert.Equal(Flat(a.Declared), Flat(back.Declared));
        }

        // a plugin that declares nothing crosses with declarations derived from its defaults, text included
        var derived = new AlgorithmMetadata("y", "here", SearchSpace.Parse("""{"rate": {"feasible_points": [1.0]}}"""),
            new Hyperparameters(new Dictionary<string, object> { ["rate"] = 1.0, ["mode"] = "a", ["flag"] = true }));
        var derivedBack = Assert.Single(AlgorithmMetadata.FromJson(AlgorithmMetadata.ToJson([derived])));
        Assert.Equal("flag boolean true|false true \nmode text text \"a\" \nrate real [-inf, inf] 1 ", Flat(derivedBack.Declared));

        var fixedList = SearchSpace.Parse("""[{"learning_rate": 0.1, "nesterov": true}, {"learning_rate": 0.30000000000000004, "ns_dtype": "bf16"}]""");
        var again = Assert.Single(AlgorithmMetadata.FromJson(AlgorithmMetadata.ToJson([new AlgorithmMetadata("x", "here", fixedList, Hyperparameters.Empty)])));
        Assert.Equal(0.30000000000000004, again.SearchSpace.FixedPoints![1].GetDouble("learning_rate"));
        Assert.True(again.SearchSpace.FixedPoints[0].GetBoolean("nesterov"));
        Assert.Equal("bf16", again.SearchSpace.FixedPoints[1].GetString("ns_dtype"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"algorithms\": []}")]
    [InlineData("{\"algorithms\": [{\"name\": \"x\"}]}")]
    [InlineData("hello from the plugin\n{\"algorithms\": []}")]
    public void AReportThatIsNotTheProbesJsonIsRefused(string json) =>
        Assert.Throws<FormatException>(() => AlgorithmMetadata.FromJson(json));

    [Fact]
    public void AProbeThatTakesTooLongIsKilledAndNamed()
    {
        var e = Assert.Throws<PluginException>(() => PluginProbe.Describe(PluginPaths.Lion, TestRegistries.Algorithms, all: false, CancellationToken.None, timeout: TimeSpan.Zero));
        Assert.Contains($"plugin {PluginPaths.Lion}: its probe did not finish within 0 s", e.Message);
    }

    [Fact]
    public void CtrlCDuringAProbeKillsItAndCancels()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PluginProbe.Describe(PluginPaths.Lion, TestRegistries.Algorithms, all: false, cts.Token));
    }

    private static List<string> Hashes(string db) =>
        new[] { db, db + "-wal", db + "-shm" }.Select(f => File.Exists(f) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) : "absent").ToList();

    private static List<string> Describe(SearchSpace s) =>
        s.IsFixedList
            ? s.FixedPoints!.Select(p => p.ToString()).ToList()
            : s.Dimensions.Select(d => d.IsDiscrete ? $"{d.Name} {{{string.Join(",", d.FeasiblePoints!)}}}" : $"{d.Name} [{d.Min:R}, {d.Max:R}] {d.Scaling}").ToList();

    private static string Flat(IReadOnlyList<HyperparameterDeclaration> declared) =>
        string.Join("\n", declared.Select(d => $"{d.Name} {d.Kind.ToString().ToLowerInvariant()} {d.Range} {HyperparameterDeclaration.Format(d.Default)} {d.Meaning}"));

}
