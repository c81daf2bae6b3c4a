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
    Func<string, WorkloadSpec>? SpecFactory = null)
{
    /// <summary>
    /// Writes the data <see cref="Factory"/> would otherwise write on first use (a generated or converted cache), called
    /// by the harness before any worker starts; null when the factory writes nothing (it only reads installed data).
    /// </summary>
    public IPreparesData? Data { get; init; }

    /// <summary>
    /// Null when the workload's targets and budgets were calibrated (calibration/README.md) at every preset; otherwise
    /// one line saying they are placeholders at the presets not in <see cref="CalibratedPresets"/>, which <c>sweep</c>,
    /// <c>run</c> and their dry runs print as a warning (<see cref="UncalibratedTargetsAt"/>).
    /// </summary>
    public string? UncalibratedTargets { get; init; }

    /// <summary>The presets whose constants were calibrated although <see cref="UncalibratedTargets"/> is set (it applies to the others).</summary>
    public IReadOnlyList<string> CalibratedPresets { get; init; } = [];

    /// <summary>
    /// <see cref="UncalibratedTargets"/> when <paramref name="preset"/> (null: the default, the first of <see cref="Presets"/>)
    /// is not among <see cref="CalibratedPresets"/>; else null.
    /// </summary>
    public string? UncalibratedTargetsAt(string? preset) =>
        UncalibratedTargets is { } note && !CalibratedPresets.Contains(preset ?? Presets[0], StringComparer.Ordinal) ? note : null;
}

/// <summary>
/// Workloads by name: the built-ins plus any extra descriptors given at construction (the harness adds its own; tests
/// add tiny ones). Immutable once built, so thread-safe; a program builds one in its composition root and passes it to
/// whatever creates workloads.
/// </summary>
public sealed class WorkloadRegistry
{
    private readonly Dictionary<string, WorkloadDescriptor> _entries = new(StringComparer.Ordinal);

    /// <summary>The built-in workloads and their held-out variants.</summary>
    public WorkloadRegistry()
        : this([])
    {
    }

    /// <summary>The built-in workloads plus <paramref name="extra"/>; an extra descriptor replaces a built-in of the same name.</summary>
    public WorkloadRegistry(IEnumerable<WorkloadDescriptor> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        foreach (var d in BuiltIns.All().Concat(extra))
        {
            ArgumentNullException.ThrowIfNull(d, nameof(extra));
            _entries[d.Name] = d;
        }

        All = _entries.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every registered workload, sorted by name.</summary>
    public IReadOnlyList<WorkloadDescriptor> All { get; }

    /// <summary>
    /// The descriptor named <paramref name="name"/>, or a width-ladder member's (<c>sotu_llama_w128_mup</c>: see
    /// <see cref="Transfer.WidthFamilies"/>; not listed in <see cref="All"/>), or null (for a ladder member of a width its
    /// family cannot build, <see cref="Transfer.WidthFamilies.Problem"/> says why).
    /// </summary>
    public WorkloadDescriptor? Find(string name) => _entries.GetValueOrDefault(name) ?? Transfer.WidthFamilies.Descriptor(name);

    /// <summary>Builds workload <paramref name="name"/> at <paramref name="preset"/> (null = its default preset).</summary>
    /// <exception cref="ArgumentException">Unknown name or preset; the message lists what exists.</exception>
    public IWorkload Create(string name, string? preset = null)
    {
        var (d, p) = Resolve(name, preset);
        return d.Factory(p);
    }

    /// <summary>
    /// The constants of workload <paramref name="name"/> at <paramref name="preset"/> (null = its default preset),
    /// without loading its data when the descriptor can say them directly (else it is built and disposed).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name or preset; the message lists what exists.</exception>
    public WorkloadSpec Spec(string name, string? preset = null)
    {
        var (d, p) = Resolve(name, preset);
        if (d.SpecFactory is { } spec) return spec(p);
        using var workload = d.Factory(p);
        return workload.Spec;
    }

    private (WorkloadDescriptor Descriptor, string Preset) Resolve(string name, string? preset)
    {
        var d = Find(name) ?? throw new ArgumentException(Transfer.WidthFamilies.Problem(name) ??
            $"unknown workload '{name}'; known: {string.Join(", ", All.Select(x => x.Name))} (see: algoperf list)", nameof(name));
        string p = preset ?? d.Presets[0];
        if (!d.Presets.Contains(p, StringComparer.Ordinal))
        {
            throw new ArgumentException($"workload '{name}' has no preset '{p}'; it has: {string.Join(", ", d.Presets)}", nameof(preset));
        }

        return (d, p);
    }
}
