using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Plugins;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The plugin author's start, end to end: scripts/pack.sh makes the local feed (libraries versioned with the contract,
/// and the template package), <c>dotnet new algoperf-plugin</c> from that feed (in a private template hive) creates a
/// plugin whose own tests pass against the packages, and the harness loads the plugin it builds. Outside the repository,
/// with a private NuGet cache, so nothing of the repository's build or a stale cached package takes part.
/// </summary>
public sealed class PluginTemplateTests : ScratchFolder
{
    private static string Run(string workingDirectory, string file, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(6)), $"{file} {string.Join(' ', args)} did not finish in 6 minutes");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    [Fact]
    public void APluginMadeFromTheTemplateBuildsPassesItsTestsAndLoadsInTheHarness()
    {
        string feed = P("feed"), hive = P("hive"), work = P("work");
        Directory.CreateDirectory(work);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = P("nuget-cache"), ["ALGOPERF_PACK_NO_BUILD"] = "1" };
        Run(PluginPaths.RepoRoot, "bash", env, "scripts/pack.sh", feed);
        string version = $"{Contract.Version}.0.0";
        foreach (var id in new[] { "Contracts", "Optimizers", "Torch", "Templates" })
        {
            Assert.True(File.Exists(Path.Combine(feed, $"AlgoPerfSharp.{id}.{version}.nupkg")), $"no AlgoPerfSharp.{id}.{version}.nupkg in the feed");
        }

        Run(work, "dotnet", env, "new", "install", Path.Combine(feed, $"AlgoPerfSharp.Templates.{version}.nupkg"), "--debug:custom-hive", hive);
        Run(work, "dotnet", env, "new", "algoperf-plugin", "-n", "PlugCheck", "--feed", feed, "--algorithm", "plug_check", "--debug:custom-hive", hive);
        string tests = Run(Path.Combine(work, "PlugCheck"), "dotnet", env, "test", "PlugCheck.Tests", "-c", "Release");
        Assert.Contains("Passed:     2", tests, StringComparison.Ordinal);

        string dll = Path.Combine(work, "PlugCheck", "PlugCheck", "bin", "Release", "net10.0", "PlugCheck.dll");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "AlgoPerfSharp.Contracts.dll")), "the plugin must use the host's contract assembly, not a copy");
        var declared = AlgorithmRegistry.LoadPlugin(dll);
        Assert.Equal("plug_check", Assert.Single(declared).Name);
    }
}
