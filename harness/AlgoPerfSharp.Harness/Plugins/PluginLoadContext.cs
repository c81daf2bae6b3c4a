using System.Reflection;
using System.Runtime.Loader;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// Loads one plugin and its private dependencies (resolved through the plugin's .deps.json) in isolation, while the
/// contract and tensor assemblies always come from the host — otherwise the plugin's <c>ITrainingAlgorithm</c> and
/// <c>Tensor</c> would be different types from the host's and nothing would match.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    /// <summary>Assemblies shared with the host (never loaded from the plugin's folder).</summary>
    internal static readonly IReadOnlySet<string> SharedAssemblies = new HashSet<string>(StringComparer.Ordinal)
    {
        "AlgoPerfSharp.Contracts",
        "AlgoPerfSharp.Optimizers",
        "AlgoPerfSharp.Torch",
    };

    private readonly AssemblyDependencyResolver _resolver;

    internal PluginLoadContext(string pluginPath)
        : base(name: "plugin:" + Path.GetFileName(pluginPath), isCollectible: false) =>
        _resolver = new AssemblyDependencyResolver(pluginPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && SharedAssemblies.Contains(name)) return null; // the host's copy
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
