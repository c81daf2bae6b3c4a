using System.Reflection;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Plain snapshot files under <c>tests/AlgoPerfSharp.Harness.Tests/Snapshots/</c>, compared exactly. Set
/// <c>ALGOPERF_ACCEPT_SNAPSHOTS=1</c> to (re)write them from the current output — then review the diff before committing.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "ALGOPERF_ACCEPT_SNAPSHOTS";

    public static void Match(string name, string actual)
    {
        string root = typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        string path = Path.Combine(root, "tests", "AlgoPerfSharp.Harness.Tests", "Snapshots", name);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"snapshot {path} is missing: run the test with {AcceptVariable}=1 to create it, then review it");
        string expected = File.ReadAllText(path);
        if (expected != actual)
        {
            File.WriteAllText(path + ".received", actual);
            Assert.Fail($"output differs from snapshot {path} (the new output is in {path}.received; if the change is intended, re-run with {AcceptVariable}=1)");
        }
    }
}
