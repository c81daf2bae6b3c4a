namespace AlgoPerfSharp.Scoring;

/// <summary>Validation of a set of workload specs scored together.</summary>
internal static class SpecSet
{
    /// <summary>
    /// Indexes <paramref name="specs"/> by name after checking: at least one base workload, unique names, and every
    /// variant names an existing <em>base</em> workload.
    /// </summary>
    public static Dictionary<string, WorkloadScoringSpec> Index(IReadOnlyList<WorkloadScoringSpec>? specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var byName = new Dictionary<string, WorkloadScoringSpec>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(specs));
            if (!byName.TryAdd(spec.Name, spec))
            {
                throw new ArgumentException($"Workload '{spec.Name}' is specified twice.", nameof(specs));
            }
        }

        foreach (var spec in specs)
        {
            if (spec.VariantOf is null)
            {
                continue;
            }

            if (!byName.TryGetValue(spec.VariantOf, out var baseSpec))
            {
                throw new ArgumentException(
                    $"Variant '{spec.Name}' names base workload '{spec.VariantOf}', which no spec describes.", nameof(specs));
            }

            if (!baseSpec.IsBase)
            {
                throw new ArgumentException(
                    $"Variant '{spec.Name}' names '{spec.VariantOf}' as its base, but that is itself a variant.", nameof(specs));
            }
        }

        if (!specs.Any(s => s.IsBase))
        {
            throw new ArgumentException("At least one base (non-variant) workload spec is required.", nameof(specs));
        }

        return byName;
    }
}
