using System.Reflection;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// Resolves training algorithms by name (built-ins) or from plugin assemblies: <c>path/Plugin.dll</c>,
/// <c>path/Plugin.dll:name</c> (when the assembly declares several) or a folder holding one plugin.
/// Plugins declare algorithms with <see cref="TrainingAlgorithmAttribute"/>. A program builds one registry in its
/// composition root and passes it on; the built-in instances it holds are shared (algorithms are stateless
/// descriptions: each trial's state lives in its <see cref="ITrainingRun"/>).
/// </summary>
public sealed class AlgorithmRegistry
{
    private const string BuiltInSource = "AlgoPerfSharp.Optimizers (built-in)";

    /// <summary>
    /// A registry of the built-in algorithms, found as plugins are: by the <see cref="TrainingAlgorithmAttribute"/>s of
    /// the optimizers assembly, with the same checks (contract version, interface, constructor), in their declaration order.
    /// </summary>
    public AlgorithmRegistry()
    {
        BuiltIns = [.. DeclaredTypes(typeof(TransformAlgorithm).Assembly, BuiltInSource).Select(t => Construct(BuiltInSource, t))];
    }

    /// <summary>The built-in algorithms in their declaration order.</summary>
    public IReadOnlyList<ITrainingAlgorithm> BuiltIns { get; }

    /// <summary>The built-in algorithm named <paramref name="name"/>, or null.</summary>
    public ITrainingAlgorithm? BuiltIn(string name) => BuiltIns.FirstOrDefault(a => a.Name == name);

    /// <summary>
    /// Resolves <paramref name="spec"/>: a built-in name, a plugin DLL path (optionally <c>:name</c>), or a folder.
    /// Loads and runs plugin code in this process: the parent of a sweep reads plugins through
    /// <see cref="PluginProbe"/> instead, and only worker processes (and <c>--in-process</c>) call this for plugins.
    /// Throws <see cref="PluginException"/> with a message naming the file and the fix.
    /// </summary>
    public ITrainingAlgorithm Resolve(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (BuiltIn(spec) is { } builtIn) return builtIn;

        var (path, name) = SplitSpec(spec);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new PluginException(
                $"'{spec}' is neither a built-in algorithm ({string.Join(", ", BuiltIns.Select(b => b.Name))}) nor an existing plugin file or folder");
        }

        if (name is not null)
        {
            // Constructed in declaration order up to the one named: a sibling that cannot even be named is reported
            // only if the name is not found, and siblings declared after it are never constructed.
            string file = PluginFile(path);
            var names = new List<string>();
            var broken = new List<string>();
            foreach (var type in DeclaredTypes(file))
            {
                ITrainingAlgorithm candidate;
                string candidateName;
                try
                {
                    candidate = Construct(file, type);
                    candidateName = NameOf(file, candidate);
                }
                catch (PluginException e)
                {
                    broken.Add(e.Message);
                    continue;
                }

                if (candidateName == name) return candidate;
                names.Add(candidateName);
            }

            throw new PluginException($"{path} declares no algorithm named '{name}' (it declares: {string.Join(", ", names)})" +
                (broken.Count == 0 ? string.Empty : $"; {broken.Count} more could not be named: {string.Join("; ", broken)}"));
        }

        var declared = LoadPlugin(path);
        if (declared.Count > 1)
        {
            throw new PluginException(
                $"{path} declares {declared.Count} algorithms ({string.Join(", ", declared.Select(d => d.Name))}); choose one with {path}:<name>");
        }

        return declared[0].Create();
    }

    /// <summary>
    /// Every algorithm a plugin file or folder declares, each constructed once to read its name (plugin code runs
    /// here: see <see cref="Resolve"/>). Throws <see cref="PluginException"/> naming the file and the fix.
    /// </summary>
    public static IReadOnlyList<DeclaredAlgorithm> LoadPlugin(string path)
    {
        string file = PluginFile(path);
        return DeclaredTypes(file).Select(type => new DeclaredAlgorithm(NameOf(file, Construct(file, type)), file, () => Construct(file, type))).ToList();
    }

    /// <summary>
    /// Splits <c>path:name</c> into the plugin path and the algorithm's name (null when <paramref name="spec"/> names
    /// none, or is itself an existing file or folder).
    /// </summary>
    public static (string Path, string? Name) SplitSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && colon < spec.Length - 1 && !File.Exists(spec) && !Directory.Exists(spec))
        {
            return (spec[..colon], spec[(colon + 1)..]);
        }

        return (spec, null);
    }

    private static string PluginFile(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new PluginException($"plugin {path} does not exist (give the path of the plugin's .dll or of its build folder)");
        }

        return Directory.Exists(path) ? FindPluginInFolder(path) : Path.GetFullPath(path);
    }

    /// <summary>The algorithm types <paramref name="file"/> declares, checked (contract version, interface, constructor) but not constructed.</summary>
    private static List<Type> DeclaredTypes(string file)
    {
        var assembly = LoadPluginAssembly(file);

        // Contract version 1 lived in AlgoPerfSharp.Optimizers: such a plugin cannot even have its attributes read here.
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        if (references.Contains("AlgoPerfSharp.Optimizers") && !references.Contains("AlgoPerfSharp.Contracts"))
        {
            throw new PluginException(
                $"{file} was built against plugin contract version 1 (when the contract lived in AlgoPerfSharp.Optimizers), but this harness " +
                $"implements version {Contract.Version}. Rebuild the plugin against AlgoPerfSharp.Contracts (using AlgoPerfSharp.Contracts;).");
        }

        return DeclaredTypes(assembly, file);
    }

    private static Assembly LoadPluginAssembly(string file)
    {
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

        return assembly;
    }

    /// <summary>
    /// The algorithm types <paramref name="assembly"/> declares with <see cref="TrainingAlgorithmAttribute"/>, checked
    /// (contract version, interface, constructor) but not constructed; <paramref name="file"/> names it in errors.
    /// </summary>
    private static List<Type> DeclaredTypes(Assembly assembly, string file)
    {
        var attributes = assembly.GetCustomAttributes<TrainingAlgorithmAttribute>().ToList();
        if (attributes.Count == 0)
        {
            string hint = assembly.GetTypes().Any(t => typeof(ITrainingAlgorithm).IsAssignableFrom(t))
                ? " It has a type implementing ITrainingAlgorithm but does not declare it."
                : string.Empty;
            throw new PluginException(
                $"{file} declares no training algorithm.{hint} Add [assembly: TrainingAlgorithm(typeof(YourAlgorithm))] to the plugin.");
        }

        var result = new List<Type>();
        foreach (var attr in attributes)
        {
            if (attr.ContractVersion != Contract.Version)
            {
                throw new PluginException(
                    $"{file} was built against plugin contract version {attr.ContractVersion}, but this harness implements version {Contract.Version}. " +
                    "Rebuild the plugin against this AlgoPerfSharp.Contracts.");
            }

            var type = attr.AlgorithmType;
            if (!typeof(ITrainingAlgorithm).IsAssignableFrom(type))
            {
                throw new PluginException(
                    $"{file}: {type.FullName} does not implement AlgoPerfSharp.Contracts.ITrainingAlgorithm (if it does in source, the plugin " +
                    "copied its own AlgoPerfSharp.Contracts.dll: reference it with <Private>false</Private> and <ExcludeAssets>runtime</ExcludeAssets>)");
            }

            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new PluginException($"{file}: {type.FullName} needs a public parameterless constructor");
            }

            result.Add(type);
        }

        return result;
    }

    /// <summary>Reads <paramref name="algorithm"/>'s name; an exception or a blank name becomes a <see cref="PluginException"/> naming <paramref name="source"/>.</summary>
    internal static string NameOf(string source, ITrainingAlgorithm algorithm)
    {
        string? name;
        try
        {
            name = algorithm.Name;
        }
        catch (Exception e)
        {
            throw new PluginException($"{source}: {algorithm.GetType().FullName}.Name threw {e.GetType().Name}: {e.Message}", e);
        }

        return string.IsNullOrWhiteSpace(name) ? throw new PluginException($"{source}: {algorithm.GetType().FullName}.Name is blank; give the algorithm a name") : name;
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
}
