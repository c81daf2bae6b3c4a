using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// What the parent needs to know of an algorithm to plan, check and list it — its name, search space, defaults and
/// declared hyperparameters — without running its code: a plugin's metadata is read by a probe process
/// (<see cref="PluginProbe"/>) and crosses back as the JSON <see cref="ToJson"/> writes:
/// <c>{"algorithms": [{"name", "source", "search_space", "defaults", "declared"}]}</c>, the search space in AlgoPerf's
/// format, the defaults as one object of name → number/bool/string, and the declarations as a list of
/// <c>{"name", "kind", "min", "max", "choices", "default", "meaning"}</c> (infinite bounds as the strings "inf"/"-inf").
/// </summary>
/// <param name="Name">The algorithm's name.</param>
/// <param name="Source">Where it comes from: <c>built-in</c> or the plugin file.</param>
/// <param name="SearchSpace">Its default external-tuning search space.</param>
/// <param name="Defaults">Its self-tuning hyperparameters (the names it reads).</param>
public sealed record AlgorithmMetadata(string Name, string Source, SearchSpace SearchSpace, Hyperparameters Defaults)
{
    /// <summary>The declared hyperparameters (<see cref="ITrainingAlgorithm.Declared"/>); by default derived from <see cref="Defaults"/>.</summary>
    public IReadOnlyList<HyperparameterDeclaration> Declared { get; init; } = HyperparameterDeclarations.Derive(Defaults);

    /// <summary>
    /// Reads <paramref name="algorithm"/>'s name, search space and defaults, turning an exception or a null from any of
    /// them into a <see cref="PluginException"/> that names <paramref name="source"/>, the type and the member.
    /// </summary>
    public static AlgorithmMetadata Of(ITrainingAlgorithm algorithm, string source)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(source);
        return new AlgorithmMetadata(AlgorithmRegistry.NameOf(source, algorithm), source,
            Read(algorithm, source, "SearchSpace", () => algorithm.SearchSpace),
            Read(algorithm, source, "Defaults", () => algorithm.Defaults))
        {
            Declared = Read(algorithm, source, "Declared", () => algorithm.Declared),
        };
    }

    /// <summary>The probe's report of <paramref name="algorithms"/> (one line of JSON).</summary>
    public static string ToJson(IReadOnlyList<AlgorithmMetadata> algorithms)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("algorithms");
            foreach (var a in algorithms)
            {
                w.WriteStartObject();
                w.WriteString("name", a.Name);
                w.WriteString("source", a.Source);
                w.WritePropertyName("search_space");
                WriteSpace(w, a.SearchSpace);
                w.WritePropertyName("defaults");
                WritePoint(w, a.Defaults);
                w.WriteStartArray("declared");
                foreach (var d in a.Declared) WriteDeclaration(w, d);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses a probe's report; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static IReadOnlyList<AlgorithmMetadata> FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("algorithms", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("expected {\"algorithms\": [...]}");
            }

            var result = list.EnumerateArray().Select(e => new AlgorithmMetadata(
                Text(e, "name"), Text(e, "source"),
                SearchSpace.Parse(Property(e, "search_space").GetRawText()),
                SearchSpace.Parse("[" + Property(e, "defaults").GetRawText() + "]").FixedPoints![0])
            {
                Declared = Property(e, "declared").EnumerateArray().Select(ReadDeclaration).ToList(),
            }).ToList();
            return result.Count == 0 ? throw new FormatException("the list of algorithms is empty") : result;
        }
        catch (Exception e) when (e is JsonException or SearchSpaceException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static T Read<T>(ITrainingAlgorithm algorithm, string source, string member, Func<T?> read)
        where T : class
    {
        T? value;
        try
        {
            value = read();
        }
        catch (Exception e)
        {
            throw new PluginException($"{source}: {algorithm.GetType().FullName}.{member} threw {e.GetType().Name}: {e.Message}", e);
        }

        return value ?? throw new PluginException($"{source}: {algorithm.GetType().FullName}.{member} returned null");
    }

    private static JsonElement Property(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : throw new FormatException($"an algorithm has no '{name}'");

    private static string Text(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new FormatException($"'{name}' is not a string");

    private static void WriteSpace(Utf8JsonWriter w, SearchSpace space)
    {
        if (space.FixedPoints is { } points)
        {
            w.WriteStartArray();
            foreach (var p in points) WritePoint(w, p);
            w.WriteEndArray();
            return;
        }

        w.WriteStartObject();
        foreach (var d in space.Dimensions)
        {
            w.WriteStartObject(d.Name);
            if (d.FeasiblePoints is { } feasible)
            {
                w.WriteStartArray("feasible_points");
                foreach (object v in feasible) WriteValue(w, d.Name, v);
                w.WriteEndArray();
            }
            else
            {
                w.WriteNumber("min", d.Min);
                w.WriteNumber("max", d.Max);
                w.WriteString("scaling", d.Scaling == Scaling.Log ? "log" : "linear");
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteDeclaration(Utf8JsonWriter w, HyperparameterDeclaration d)
    {
        w.WriteStartObject();
        w.WriteString("name", d.Name);
        w.WriteString("kind", d.Kind.ToString().ToLowerInvariant());
        WriteBound(w, "min", d.Min);
        WriteBound(w, "max", d.Max);
        if (d.Choices is { } choices)
        {
            w.WriteStartArray("choices");
            foreach (string c in choices) w.WriteStringValue(c);
            w.WriteEndArray();
        }

        w.WritePropertyName("default");
        WriteValue(w, d.Name, d.Default);
        w.WriteString("meaning", d.Meaning);
        w.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteString(name, v > 0 ? "inf" : "-inf");
    }

    private static double ReadBound(JsonElement e, string name) => Property(e, name) switch
    {
        { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
        { ValueKind: JsonValueKind.String } v when v.GetString() == "inf" => double.PositiveInfinity,
        { ValueKind: JsonValueKind.String } v when v.GetString() == "-inf" => double.NegativeInfinity,
        _ => throw new FormatException($"a declaration's '{name}' is not a number, \"inf\" or \"-inf\""),
    };

    private static HyperparameterDeclaration ReadDeclaration(JsonElement e)
    {
        string name = Text(e, "name");
        var value = Property(e, "default");
        string meaning = Text(e, "meaning");
        return Text(e, "kind") switch
        {
            "real" => HyperparameterDeclaration.Real(name, value.GetDouble(), ReadBound(e, "min"), ReadBound(e, "max"), meaning),
            "integer" => HyperparameterDeclaration.Integer(name, value.GetDouble(), ReadBound(e, "min"), ReadBound(e, "max"), meaning),
            "boolean" => HyperparameterDeclaration.Boolean(name, value.GetBoolean(), meaning),
            "choice" => HyperparameterDeclaration.Choice(name, value.GetString()!, Property(e, "choices").EnumerateArray().Select(c => c.GetString()!).ToList(), meaning),
            "text" => HyperparameterDeclaration.FromDefault(name, value.GetString()!),
            var other => throw new FormatException($"declaration '{name}' has unknown kind '{other}'"),
        };
    }

    private static void WritePoint(Utf8JsonWriter w, Hyperparameters point)
    {
        w.WriteStartObject();
        foreach (var (k, v) in point.Values)
        {
            w.WritePropertyName(k);
            WriteValue(w, k, v);
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, string name, object v)
    {
        switch (v)
        {
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double d: throw new PluginException($"hyperparameter '{name}' is {d}; search spaces and defaults must be finite");
            case int or long or float: WriteValue(w, name, Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)); break; // Hyperparameters holds them as double too
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            default: throw new PluginException($"hyperparameter '{name}' has unsupported type {v.GetType().Name}");
        }
    }
}
