namespace AlgoPerfSharp.Contracts;

/// <summary>
/// What derives from a list of <see cref="HyperparameterDeclaration"/>s: the defaults, and the checks of a trial's
/// values, a search space and a fixed point. Every check throws <see cref="HyperparameterException"/> with one line
/// naming the algorithm, the key and the problem; an unknown key's message lists the declared keys and suggests the
/// nearest (e.g. <c>one_minus_beta1</c> for <c>beta1</c>).
/// </summary>
public static class HyperparameterDeclarations
{
    private const string OneMinus = "one_minus_";

    /// <summary>
    /// What the harness itself reads from a trial's point for the workload, as AlgoPerf's search spaces do:
    /// <c>label_smoothing</c> (of the cross-entropy) and <c>dropout_rate</c> (of the model). They may appear in any
    /// trial's hyperparameters, and so in <see cref="AlgorithmInitContext.Hyperparameters"/>, without an algorithm declaring them.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> Workload { get; } =
    [
        HyperparameterDeclaration.Real("label_smoothing", 0, 0, 1, "label smoothing of the workload's cross-entropy (read by the harness)"),
        HyperparameterDeclaration.Real("dropout_rate", 0, 0, 1, "dropout of the workload's model, where it has dropout (read by the harness)"),
    ];

    /// <summary><paramref name="declared"/>, then those of <see cref="Workload"/> it does not declare itself: every key a trial's point may hold.</summary>
    public static IReadOnlyList<HyperparameterDeclaration> WithWorkload(IReadOnlyList<HyperparameterDeclaration> declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        return [.. declared, .. Workload.Where(w => declared.All(d => d.Name != w.Name))];
    }

    /// <summary>The declarations implied by <paramref name="defaults"/> alone (see <see cref="HyperparameterDeclaration.FromDefault"/>).</summary>
    public static IReadOnlyList<HyperparameterDeclaration> Derive(Hyperparameters defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return defaults.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => HyperparameterDeclaration.FromDefault(kv.Key, kv.Value)).ToArray();
    }

    /// <summary>Name → default of every declaration; throws <see cref="ArgumentException"/> when a name repeats.</summary>
    public static Hyperparameters DefaultsOf(IEnumerable<HyperparameterDeclaration> declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var d in declared)
        {
            if (!values.TryAdd(d.Name, d.Default)) throw new ArgumentException($"hyperparameter '{d.Name}' is declared twice", nameof(declared));
        }

        return new Hyperparameters(values);
    }

    /// <summary>The declaration of <paramref name="name"/>; throws naming the known keys when <paramref name="owner"/> declares none.</summary>
    public static HyperparameterDeclaration Find(IReadOnlyList<HyperparameterDeclaration> declared, string name, string owner)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(name);
        return declared.FirstOrDefault(d => d.Name == name) ?? throw new HyperparameterException(Unknown(declared, name, owner));
    }

    /// <summary>Checks every key and value of <paramref name="values"/> (a trial's point, a fixed point or overrides).</summary>
    public static void Validate(Hyperparameters values, IReadOnlyList<HyperparameterDeclaration> declared, string owner)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, value) in values.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var d = Find(declared, name, owner);
            if (d.Problem(value) is { } problem) throw new HyperparameterException($"{owner}: {name} = {HyperparameterDeclaration.Format(value)} {problem}");
        }
    }

    /// <summary>
    /// Checks a search space: every dimension names a declared key; a continuous range is numeric and both ends are
    /// allowed (so is every value between, ranges being intervals); every feasible point is allowed; a fixed list's
    /// points are checked as <see cref="Validate(Hyperparameters, IReadOnlyList{HyperparameterDeclaration}, string)"/>.
    /// </summary>
    public static void Validate(SearchSpace space, IReadOnlyList<HyperparameterDeclaration> declared, string owner)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.FixedPoints is { } points)
        {
            foreach (var p in points) Validate(p, declared, owner);
            return;
        }

        foreach (var dim in space.Dimensions)
        {
            var d = Find(declared, dim.Name, owner);
            if (dim.FeasiblePoints is { } feasible)
            {
                foreach (object v in feasible)
                {
                    if (d.Problem(v) is { } problem) throw new HyperparameterException($"{owner}: {dim.Name} = {HyperparameterDeclaration.Format(v)} {problem}");
                }
            }
            else if (d.Kind is not (HyperparameterKind.Real or HyperparameterKind.Integer))
            {
                throw new HyperparameterException($"{owner}: {dim.Name} is {d.Kind.ToString().ToLowerInvariant()} ({d.Range}); give it feasible_points, not min/max");
            }
            else if (d.Kind == HyperparameterKind.Real && (d.Problem(dim.Min) ?? d.Problem(dim.Max)) is { } problem)
            {
                throw new HyperparameterException($"{owner}: {dim.Name} ranges over [{HyperparameterDeclaration.Format(dim.Min)}, {HyperparameterDeclaration.Format(dim.Max)}] but {problem}");
            }
            else if (d.Kind == HyperparameterKind.Integer)
            {
                throw new HyperparameterException($"{owner}: {dim.Name} is a whole number {d.Range}; give it feasible_points, not a continuous min/max");
            }
        }
    }

    private static string Unknown(IReadOnlyList<HyperparameterDeclaration> declared, string name, string owner)
    {
        string known = string.Join(", ", declared.Select(d => d.Name).Order(StringComparer.Ordinal));
        string? near = Nearest(declared.Select(d => d.Name), name);
        return $"{owner} has no hyperparameter '{name}'{(near is null ? string.Empty : $" (did you mean {near}?)")}; it declares {known}";
    }

    /// <summary>The declared name <paramref name="name"/> most likely misspells: its one_minus_ form, the reverse, or one ≤ 2 edits away.</summary>
    private static string? Nearest(IEnumerable<string> names, string name)
    {
        var list = names.ToList();
        if (list.Contains(OneMinus + name, StringComparer.Ordinal)) return OneMinus + name;
        if (name.StartsWith(OneMinus, StringComparison.Ordinal) && list.Contains(name[OneMinus.Length..], StringComparer.Ordinal)) return name[OneMinus.Length..];
        return list.Select(n => (n, Distance(n, name))).Where(x => x.Item2 <= 2).OrderBy(x => x.Item2).Select(x => x.n).FirstOrDefault();
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
