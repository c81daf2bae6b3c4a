using System.Text.Json;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// A hyperparameter search space in AlgoPerf's <c>tuning_search_space.json</c> format: either an object of
/// dimensions — <c>{"lr": {"min": 1e-4, "max": 1e-2, "scaling": "log"}, "beta2": {"feasible_points": [0.999]}}</c> —
/// or a fixed list of points <c>[{"lr": 0.001, ...}, ...]</c> taken in order. Immutable; validated on construction.
/// </summary>
public sealed class SearchSpace
{
    private SearchSpace(IReadOnlyList<SearchDimension>? dimensions, IReadOnlyList<Hyperparameters>? points)
    {
        Dimensions = dimensions ?? [];
        FixedPoints = points;
    }

    /// <summary>The dimensions (empty for a fixed list).</summary>
    public IReadOnlyList<SearchDimension> Dimensions { get; }

    /// <summary>The fixed list of points, or null when the space is made of dimensions.</summary>
    public IReadOnlyList<Hyperparameters>? FixedPoints { get; }

    /// <summary>True for a fixed list of points.</summary>
    public bool IsFixedList => FixedPoints is not null;

    /// <summary>A space of dimensions (names must be unique).</summary>
    public static SearchSpace FromDimensions(IEnumerable<SearchDimension> dimensions)
    {
        var list = dimensions.ToList();
        var dup = list.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new SearchSpaceException($"'{dup.Key}' appears more than once");
        if (list.Count == 0) throw new SearchSpaceException("the search space has no dimensions");
        return new SearchSpace(list, null);
    }

    /// <summary>A fixed list of points.</summary>
    public static SearchSpace FromPoints(IEnumerable<Hyperparameters> points)
    {
        var list = points.ToList();
        if (list.Count == 0) throw new SearchSpaceException("the list of points is empty");
        return new SearchSpace(null, list);
    }

    /// <summary>Reads a search-space JSON file; errors name the file.</summary>
    public static SearchSpace Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"search space file {path} does not exist", path);
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (SearchSpaceException e)
        {
            throw new SearchSpaceException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses search-space JSON text.</summary>
    public static SearchSpace Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SearchSpaceException($"not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => FromDimensions(root.EnumerateObject().Select(p => ParseDimension(p.Name, p.Value))),
                JsonValueKind.Array => FromPoints(root.EnumerateArray().Select((e, i) => ParsePoint(e, i))),
                _ => throw new SearchSpaceException($"expected a JSON object of dimensions or an array of points, found {root.ValueKind}"),
            };
        }
    }

    /// <summary>Maps a point of the unit cube (one coordinate per dimension, in order) to hyperparameters.</summary>
    public Hyperparameters Map(ReadOnlySpan<double> unit)
    {
        if (IsFixedList) throw new InvalidOperationException("a fixed list of points is not sampled; take FixedPoints in order");
        if (unit.Length != Dimensions.Count) throw new ArgumentException($"expected {Dimensions.Count} coordinates, got {unit.Length}", nameof(unit));
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        for (int i = 0; i < unit.Length; i++) values[Dimensions[i].Name] = Dimensions[i].Map(unit[i]);
        return new Hyperparameters(values);
    }

    private static SearchDimension ParseDimension(string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new SearchSpaceException($"'{name}': expected an object with min/max/scaling or feasible_points, found {e.ValueKind}");
        }

        foreach (var p in e.EnumerateObject())
        {
            if (p.Name is not ("min" or "max" or "scaling" or "feasible_points"))
            {
                throw new SearchSpaceException($"'{name}': unknown key '{p.Name}' (allowed: min, max, scaling, feasible_points)");
            }
        }

        if (e.TryGetProperty("feasible_points", out var fp))
        {
            if (e.TryGetProperty("min", out _) || e.TryGetProperty("max", out _))
            {
                throw new SearchSpaceException($"'{name}': give either feasible_points or min/max, not both");
            }

            if (fp.ValueKind != JsonValueKind.Array) throw new SearchSpaceException($"'{name}': feasible_points must be an array");
            return SearchDimension.Discrete(name, fp.EnumerateArray().Select(v => Value($"'{name}'", v)).ToList());
        }

        double min = Number(name, e, "min");
        double max = Number(name, e, "max");
        var scaling = Scaling.Linear;
        if (e.TryGetProperty("scaling", out var s))
        {
            if (s.ValueKind != JsonValueKind.String) throw new SearchSpaceException($"'{name}': scaling must be a string (\"linear\" or \"log\")");
            scaling = s.GetString() switch
            {
                "linear" => Scaling.Linear,
                "log" => Scaling.Log,
                var other => throw new SearchSpaceException($"'{name}': unknown scaling \"{other}\" (expected \"linear\" or \"log\")"),
            };
        }

        return SearchDimension.Continuous(name, min, max, scaling);
    }

    private static double Number(string name, JsonElement e, string key)
    {
        if (!e.TryGetProperty(key, out var v)) throw new SearchSpaceException($"'{name}': missing '{key}'");
        if (v.ValueKind != JsonValueKind.Number) throw new SearchSpaceException($"'{name}': '{key}' must be a number, found {v.ValueKind}");
        return v.GetDouble();
    }

    private static Hyperparameters ParsePoint(JsonElement e, int index)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new SearchSpaceException($"point {index}: expected an object of name → value, found {e.ValueKind}");
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) values[p.Name] = Value($"point {index}, '{p.Name}'", p.Value);
        return new Hyperparameters(values);
    }

    private static object Value(string where, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => v.GetString()!,
        _ => throw new SearchSpaceException($"{where}: values must be numbers, booleans or strings, found {v.ValueKind}"),
    };
}
