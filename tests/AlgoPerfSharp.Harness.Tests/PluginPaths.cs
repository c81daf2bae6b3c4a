using System.Reflection;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>Where the plugin projects the tests build put their DLLs.</summary>
internal static class PluginPaths
{
    private static string Meta(string key) =>
        typeof(PluginPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string RepoRoot => Meta("RepoRoot");

    public static string Output(string projectDir, string name) =>
        Path.Combine(RepoRoot, projectDir, "bin", Meta("Configuration"), "net10.0", name + ".dll");

    public static string Lion => Output("examples/LionPlugin", "LionPlugin");

    public static string Regression => Output("examples/RegressionPlugin", "RegressionPlugin");

    public static string Mixed => Output("tests/TestPlugins/MixedPlugin", "MixedPlugin");

    public static string Future => Output("tests/TestPlugins/FuturePlugin", "FuturePlugin");

    public static string NoAlgorithm => Output("tests/TestPlugins/NoAlgorithmPlugin", "NoAlgorithmPlugin");

    public static string Misbehaving => Output("tests/TestPlugins/MisbehavingPlugin", "MisbehavingPlugin");
}
