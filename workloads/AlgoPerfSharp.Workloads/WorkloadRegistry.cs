namespace AlgoPerfSharp.Workloads;

/// <summary>A workload the registry can build: its name, a one-line description, the base it varies (for a held-out variant) and its presets.</summary>
/// <param name="Name">Registry name, e.g. <c>fashion_mnist_resnet</c>.</param>
/// <param name="Description">One line for <c>algoperf list</c>.</param>
/// <param name="VariantOf">For a held-out variant, the base workload's name; otherwise null.</param>
/// <param name="Presets">Size presets it supports; the first is the default (<c>cpu</c>).</param>
/// <param name="Factory">Builds the workload for a preset (loads data: untimed, may take seconds).</param>
/// <param name="SpecFactory">The workload's constants for a preset without building it (no data loaded), or null to build and dispose it.</param>
public sealed record WorkloadDescriptor(
    string Name, string Description, string? VariantOf, IReadOnlyList<string> Presets, Func<string, IWorkload> Factory,
    Func<string, WorkloadSpec>? SpecFactory = null);

/// <summary>
/// The built-in workloads by name. Thread-safe. Tests and tools may <see cref="Register"/> extra workloads (e.g. tiny ones).
/// </summary>
public static class WorkloadRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, WorkloadDescriptor> Entries = new(StringComparer.Ordinal);

    static WorkloadRegistry()
    {
        foreach (var d in BuiltIns.All()) Entries[d.Name] = d;
    }

    /// <summary>Every registered workload, sorted by name.</summary>
    public static IReadOnlyList<WorkloadDescriptor> All
    {
        get
        {
            lock (Gate) return Entries.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Adds or replaces a workload.</summary>
    public static void Register(WorkloadDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        lock (Gate) Entries[descriptor.Name] = descriptor;
    }

    /// <summary>Removes the workload named <paramref name="name"/> (tests that register a temporary one); false if there was none.</summary>
    public static bool Unregister(string name)
    {
        lock (Gate) return Entries.Remove(name);
    }

    /// <summary>The descriptor named <paramref name="name"/>, or null.</summary>
    public static WorkloadDescriptor? Find(string name)
    {
        lock (Gate) return Entries.GetValueOrDefault(name);
    }

    /// <summary>Builds workload <paramref name="name"/> at <paramref name="preset"/> (null = its default preset).</summary>
    /// <exception cref="ArgumentException">Unknown name or preset; the message lists what exists.</exception>
    public static IWorkload Create(string name, string? preset = null)
    {
        var (d, p) = Resolve(name, preset);
        return d.Factory(p);
    }

    /// <summary>
    /// The constants of workload <paramref name="name"/> at <paramref name="preset"/> (null = its default preset),
    /// without loading its data when the descriptor can say them directly (else it is built and disposed).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name or preset; the message lists what exists.</exception>
    public static WorkloadSpec Spec(string name, string? preset = null)
    {
        var (d, p) = Resolve(name, preset);
        if (d.SpecFactory is { } spec) return spec(p);
        using var workload = d.Factory(p);
        return workload.Spec;
    }

    private static (WorkloadDescriptor Descriptor, string Preset) Resolve(string name, string? preset)
    {
        var d = Find(name) ?? throw new ArgumentException(
            $"unknown workload '{name}'; known: {string.Join(", ", All.Select(x => x.Name))} (see: algoperf list)", nameof(name));
        string p = preset ?? d.Presets[0];
        if (!d.Presets.Contains(p, StringComparer.Ordinal))
        {
            throw new ArgumentException($"workload '{name}' has no preset '{p}'; it has: {string.Join(", ", d.Presets)}", nameof(preset));
        }

        return (d, p);
    }
}
