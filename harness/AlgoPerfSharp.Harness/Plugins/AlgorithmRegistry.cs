using System.Reflection;
using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// Resolves training algorithms by name (built-ins) or from plugin assemblies: <c>path/Plugin.dll</c>,
/// <c>path/Plugin.dll:name</c> (when the assembly declares several) or a folder holding one plugin.
/// Plugins declare algorithms with <see cref="TrainingAlgorithmAttribute"/>.
/// </summary>
public static class AlgorithmRegistry
{
    /// <summary>The built-in algorithms, by name.</summary>
    public static IReadOnlyList<ITrainingAlgorithm> BuiltIns { get; } =
    [
        new AdamW(), new NAdamW(), new SgdNesterov(),
        new Shampoo(),
        new EcShampoo(),
        new Soap(),
        new PurifiedShampoo(),
        new Muon(),
    ];

    /// <summary>
    /// Resolves <paramref name="spec"/>: a built-in name, a plugin DLL path (optionally <c>:name</c>), or a folder.
    /// Throws <see cref="PluginException"/> with a message naming the file and the fix.
    /// </summary>
    public static ITrainingAlgorithm Resolve(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var builtIn = BuiltIns.FirstOrDefault(a => a.Name == spec);
        if (builtIn is not null) return builtIn;

        var (path, name) = SplitSpec(spec);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new PluginException(
                $"'{spec}' is neither a built-in algorithm ({string.Join(", ", BuiltIns.Select(b => b.Name))}) nor an existing plugin file or folder");
        }

        var declared = LoadPlugin(path);
        if (name is not null)
        {
            var match = declared.Where(d => d.Name == name).ToList();
            if (match.Count == 0)
            {
                throw new PluginException($"{path} declares no algorithm named '{name}' (it declares: {string.Join(", ", declared.Select(d => d.Name))})");
            }

            return match[0].Create();
        }

        if (declared.Count > 1)
        {
            throw new PluginException(
                $"{path} declares {declared.Count} algorithms ({string.Join(", ", declared.Select(d => d.Name))}); choose one with {path}:<name>");
        }

        return declared[0].Create();
    }

    /// <summary>Every algorithm a plugin file or folder declares (checked, not yet constructed beyond reading its name).</summary>
    public static IReadOnlyList<DeclaredAlgorithm> LoadPlugin(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new PluginException($"plugin {path} does not exist (give the path of the plugin's .dll or of its build folder)");
        }

        string file = Directory.Exists(path) ? FindPluginInFolder(path) : Path.GetFullPath(path);
        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(file).LoadFromAssemblyPath(file);
        }
        catch (BadImageFormatException e)
        {
            throw new PluginException($"{file} is not a .NET assembly ({e.Message})", e);
        }
        catch (FileLoadException e)
        {
            throw new PluginException($"{file} could not be loaded: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new PluginException($"{file} could not be loaded: {e.Message}", e);
        }

        var attributes = assembly.GetCustomAttributes<TrainingAlgorithmAttribute>().ToList();
        if (attributes.Count == 0)
        {
            string hint = assembly.GetTypes().Any(t => typeof(ITrainingAlgorithm).IsAssignableFrom(t))
                ? " It has a type implementing ITrainingAlgorithm but does not declare it."
                : string.Empty;
            throw new PluginException(
                $"{file} declares no training algorithm.{hint} Add [assembly: TrainingAlgorithm(typeof(YourAlgorithm))] to the plugin.");
        }

        var result = new List<DeclaredAlgorithm>();
        foreach (var attr in attributes)
        {
            if (attr.ContractVersion != Contract.Version)
            {
                throw new PluginException(
                    $"{file} was built against plugin contract version {attr.ContractVersion}, but this harness implements version {Contract.Version}. " +
                    "Rebuild the plugin against this AlgoPerfSharp.Optimizers.");
            }

            var type = attr.AlgorithmType;
            if (!typeof(ITrainingAlgorithm).IsAssignableFrom(type))
            {
                throw new PluginException(
                    $"{file}: {type.FullName} does not implement AlgoPerfSharp.Optimizers.ITrainingAlgorithm (if it does in source, the plugin " +
                    "copied its own AlgoPerfSharp.Optimizers.dll: reference it with <Private>false</Private> and <ExcludeAssets>runtime</ExcludeAssets>)");
            }

            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new PluginException($"{file}: {type.FullName} needs a public parameterless constructor");
            }

            var instance = Construct(file, type);
            result.Add(new DeclaredAlgorithm(instance.Name, file, () => Construct(file, type)));
        }

        return result;
    }

    private static ITrainingAlgorithm Construct(string file, Type type)
    {
        try
        {
            return (ITrainingAlgorithm)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new PluginException($"{file}: constructing {type.FullName} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}", e.InnerException);
        }
    }

    private static string FindPluginInFolder(string folder)
    {
        // A plugin built with EnableDynamicLoading has a <Name>.deps.json next to <Name>.dll.
        var candidates = Directory.GetFiles(folder, "*.deps.json")
            .Select(d => Path.Combine(folder, Path.GetFileName(d)[..^".deps.json".Length] + ".dll"))
            .Where(File.Exists)
            .ToList();
        return candidates.Count switch
        {
            1 => Path.GetFullPath(candidates[0]),
            0 => throw new PluginException($"{folder} holds no plugin (no <Name>.dll with a <Name>.deps.json; build the plugin with EnableDynamicLoading)"),
            _ => throw new PluginException($"{folder} holds several plugins ({string.Join(", ", candidates.Select(Path.GetFileName))}); pass the DLL path instead"),
        };
    }

    private static (string Path, string? Name) SplitSpec(string spec)
    {
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && colon < spec.Length - 1 && !File.Exists(spec) && !Directory.Exists(spec))
        {
            return (spec[..colon], spec[(colon + 1)..]);
        }

        return (spec, null);
    }
}
