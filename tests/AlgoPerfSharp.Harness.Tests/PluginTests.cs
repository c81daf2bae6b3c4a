using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class PluginTests
{
    [Fact]
    public void BuiltInsResolveByName()
    {
        Assert.Equal("nadamw", TestRegistries.Algorithms.Resolve("nadamw").Name);
        Assert.Equal(["adamw", "nadamw", "sgd_nesterov", "shampoo", "ec_shampoo", "soap", "purified_shampoo", "muon", "asgo", "dasgo", "schedule_free_adamw", "sophia_g", "sophia_h", "pb_lbfgs", "cf_adamw", "cf_shampoo"], TestRegistries.Algorithms.BuiltIns.Select(a => a.Name));
    }

    [Fact]
    public void BuiltInsAreDeclaredByTheOptimizersAssemblyAsPluginsAreAndNoneIsLeftOut()
    {
        var assembly = typeof(AlgoPerfSharp.Optimizers.Algorithms.AdamW).Assembly;
        var declared = assembly.GetCustomAttributes(typeof(TrainingAlgorithmAttribute), false).Cast<TrainingAlgorithmAttribute>().ToList();
        Assert.Equal(declared.Select(d => d.AlgorithmType), TestRegistries.Algorithms.BuiltIns.Select(a => a.GetType()));
        Assert.All(declared, d => Assert.Equal(Contract.Version, d.ContractVersion));
        // Every public, constructible algorithm of the assembly is declared: a new built-in cannot be forgotten.
        var algorithms = assembly.GetExportedTypes()
            .Where(t => typeof(ITrainingAlgorithm).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null);
        Assert.Equal(algorithms.OrderBy(t => t.Name), declared.Select(d => d.AlgorithmType).OrderBy(t => t.Name));
    }

    [Fact]
    public void TheExamplePluginLoadsFromItsDllAndItsFolderSharingTheHostsContract()
    {
        var lion = TestRegistries.Algorithms.Resolve(PluginPaths.Lion);
        Assert.Equal("lion", lion.Name);
        Assert.IsAssignableFrom<ITrainingAlgorithm>(lion); // same type identity as the host's contract
        // The plugin lives in its own load context; the contract it implements is the host's (default context).
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(lion.GetType().Assembly));
        Assert.Same(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(ITrainingAlgorithm).Assembly));
        Assert.Equal("lion", TestRegistries.Algorithms.Resolve(Path.GetDirectoryName(PluginPaths.Lion)!).Name);
        Assert.Equal(0.99, lion.Defaults.GetDouble("beta2"));
    }

    [Fact]
    public void TwoAlgorithmsNeedANameAndANameSelectsOne()
    {
        var e = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(PluginPaths.Mixed));
        Assert.Contains("declares 2 algorithms (plain_sgd, copycat); choose one with", e.Message);
        Assert.Equal("copycat", TestRegistries.Algorithms.Resolve(PluginPaths.Mixed + ":copycat").Name);
        var missing = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(PluginPaths.Mixed + ":nope"));
        Assert.Contains("declares no algorithm named 'nope' (it declares: plain_sgd, copycat)", missing.Message);
    }

    [Fact]
    public void AWrongContractVersionIsRefusedWithBothVersions()
    {
        var e = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(PluginPaths.Future));
        Assert.Contains($"built against plugin contract version 999, but this harness implements version {Contract.Version}", e.Message);
    }

    [Fact]
    public void APluginBuiltBeforeTheContractsAssemblyIsToldToRebuild()
    {
        // The Lion example as built at contract version 1 (commit 465322d), when the contract lived in AlgoPerfSharp.Optimizers.
        string v1 = Path.Combine(PluginPaths.RepoRoot, "tests", "AlgoPerfSharp.Harness.Tests", "TestData", "contract-v1", "LionPlugin.dll");
        var e = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(v1));
        Assert.Contains($"was built against plugin contract version 1 (when the contract lived in AlgoPerfSharp.Optimizers), but this harness implements version {Contract.Version}", e.Message);
        Assert.Equal(2, Contract.Version);

        var (code, _, err) = HostedCli.Run("list", "--algorithm", v1);
        Assert.Equal(2, code);
        Assert.Contains("Rebuild the plugin against AlgoPerfSharp.Contracts", err, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAssemblyWithoutADeclarationSaysHowToDeclare()
    {
        var e = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(PluginPaths.NoAlgorithm));
        Assert.Contains("declares no training algorithm. It has a type implementing ITrainingAlgorithm but does not declare it.", e.Message);
        Assert.Contains("[assembly: TrainingAlgorithm(typeof(YourAlgorithm))]", e.Message);
    }

    [Fact]
    public void BadPathsGetClearMessages()
    {
        var e = Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve("/nonexistent/Plugin.dll"));
        Assert.Contains("neither a built-in algorithm (adamw, nadamw, sgd_nesterov, shampoo, ec_shampoo, soap, purified_shampoo, muon, asgo, dasgo, schedule_free_adamw, sophia_g, sophia_h, pb_lbfgs, cf_adamw, cf_shampoo) nor an existing plugin file or folder", e.Message);
        string notDll = Path.Combine(Path.GetTempPath(), $"not-a-plugin-{Guid.NewGuid():N}.dll");
        File.WriteAllText(notDll, "hello");
        try
        {
            Assert.Contains("is not a .NET assembly", Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(notDll)).Message);
        }
        finally
        {
            File.Delete(notDll);
        }

        string empty = Directory.CreateTempSubdirectory("algoperf-empty-").FullName;
        try
        {
            Assert.Contains("holds no plugin", Assert.Throws<PluginException>(() => TestRegistries.Algorithms.Resolve(empty)).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
