using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Serialization;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>One parameter of a recorded trajectory.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Type">Its kind, as the algorithm will be told.</param>
public sealed record TrajectoryParameter(string Name, long[] Shape, ParameterType Type);

/// <summary>
/// A reference optimizer's recorded trajectory (<c>optimizers/conformance/record_trajectory.py</c>, format
/// <see cref="Format"/>): initial values, the gradient fed before each step and the parameters after each step, in
/// float32, plus the parameters of a float64 twin fed the same gradients. All values are held as float64 arrays
/// (float32 values widen exactly), so nothing here owns native memory.
/// </summary>
public sealed class Trajectory
{
    /// <summary>The format string this reader understands.</summary>
    public const string Format = "algoperf-trajectory/1";

    private Trajectory(string directory, string optimizer, string kwargs, int steps, IReadOnlyList<TrajectoryParameter> parameters,
        double[][] initial, double[][][] gradients, double[][][] float32, double[][][] float64, IReadOnlyDictionary<string, double[]> oracle)
    {
        Directory = directory;
        Optimizer = optimizer;
        KwargsJson = kwargs;
        Steps = steps;
        Parameters = parameters;
        Initial = initial;
        Gradients = gradients;
        Float32 = float32;
        Float64 = float64;
        OracleTensors = oracle;
    }

    /// <summary>The folder it was read from.</summary>
    public string Directory { get; }

    /// <summary>The reference optimizer (e.g. <c>torch.optim.AdamW</c>).</summary>
    public string Optimizer { get; }

    /// <summary>The reference's keyword arguments, as recorded (JSON).</summary>
    public string KwargsJson { get; }

    /// <summary>Number of recorded update steps.</summary>
    public int Steps { get; }

    /// <summary>The parameters, in recorded order.</summary>
    public IReadOnlyList<TrajectoryParameter> Parameters { get; }

    /// <summary>Initial values per parameter (row-major).</summary>
    public double[][] Initial { get; }

    /// <summary>[step][parameter]: the gradient given before that step.</summary>
    public double[][][] Gradients { get; }

    /// <summary>[step][parameter]: the float32 reference's values after that step.</summary>
    public double[][][] Float32 { get; }

    /// <summary>[step][parameter]: the float64 twin's values after that step.</summary>
    public double[][][] Float64 { get; }

    /// <summary>
    /// The float32 file's tensors under <c>oracle/</c> (row-major, widened to float64), by key: the inputs of a synthetic step
    /// oracle that a recorder fed to a reference asking for more than the gradient (sub-batch gradients, Hessian–vector
    /// products; see <see cref="TrajectoryReplay.Run"/>'s oracle). Empty for an ordinary trajectory; readers that do not
    /// use them ignore them.
    /// </summary>
    public IReadOnlyDictionary<string, double[]> OracleTensors { get; }

    /// <summary>Reads and validates a trajectory folder; every problem is a <see cref="FormatException"/> naming the file.</summary>
    public static Trajectory Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string metaPath = Path.Combine(directory, "trajectory.json");
        if (!File.Exists(metaPath)) throw new FormatException($"{directory} is not a trajectory folder (no trajectory.json; record one with optimizers/conformance/record_trajectory.py)");
        JsonElement meta;
        try
        {
            meta = JsonDocument.Parse(File.ReadAllText(metaPath)).RootElement;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{metaPath} is not valid JSON: {e.Message}");
        }

        string format = Str(meta, "format", metaPath);
        if (format != Format) throw new FormatException($"{metaPath} has format '{format}'; this AlgoPerfSharp reads '{Format}'");
        int steps = meta.TryGetProperty("steps", out var s) && s.TryGetInt32(out int n) && n > 0
            ? n : throw new FormatException($"{metaPath}: 'steps' must be a positive integer");
        var parameters = new List<TrajectoryParameter>();
        if (!meta.TryGetProperty("parameters", out var ps) || ps.ValueKind != JsonValueKind.Array || ps.GetArrayLength() == 0)
        {
            throw new FormatException($"{metaPath}: 'parameters' must be a non-empty array");
        }

        foreach (var p in ps.EnumerateArray())
        {
            string name = Str(p, "name", metaPath);
            string type = Str(p, "type", metaPath);
            if (!Enum.TryParse<ParameterType>(type, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
            {
                throw new FormatException($"{metaPath}: parameter '{name}' has type '{type}'; known: {string.Join(", ", Enum.GetNames<ParameterType>())}");
            }

            var shape = p.TryGetProperty("shape", out var sh) && sh.ValueKind == JsonValueKind.Array
                ? sh.EnumerateArray().Select(d => d.TryGetInt64(out long v) && v > 0 ? v : throw new FormatException($"{metaPath}: parameter '{name}' has a bad shape")).ToArray()
                : throw new FormatException($"{metaPath}: parameter '{name}' has no shape");
            parameters.Add(new TrajectoryParameter(name, shape, kind));
        }

        var f32 = ReadAll(Path.Combine(directory, Str(meta, "float32", metaPath)));
        var f64 = ReadAll(Path.Combine(directory, Str(meta, "float64", metaPath)));
        var initial = parameters.Select(p => Take(f32, $"initial/{p.Name}", p)).ToArray();
        var grads = new double[steps][][];
        var p32 = new double[steps][][];
        var p64 = new double[steps][][];
        for (int t = 0; t < steps; t++)
        {
            grads[t] = parameters.Select(p => Take(f32, $"grad/{t:D4}/{p.Name}", p)).ToArray();
            p32[t] = parameters.Select(p => Take(f32, $"param/{t:D4}/{p.Name}", p)).ToArray();
            p64[t] = parameters.Select(p => Take(f64, $"param/{t:D4}/{p.Name}", p)).ToArray();
        }

        string kwargs = meta.TryGetProperty("kwargs", out var kw) ? kw.GetRawText() : "{}";
        var oracle = f32.Where(kv => kv.Key.StartsWith("oracle/", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value.Values, StringComparer.Ordinal);
        return new Trajectory(directory, Str(meta, "optimizer", metaPath), kwargs, steps, parameters, initial, grads, p32, p64, oracle);
    }

    private static string Str(JsonElement e, string key, string file) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } str
            ? str
            : throw new FormatException($"{file}: missing string '{key}'");

    private static Dictionary<string, (long[] Shape, double[] Values)> ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FormatException($"trajectory file {path} is missing");
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = SafeTensors.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or FormatException)
        {
            throw new FormatException($"{path}: {e.Message}");
        }

        try
        {
            return tensors.ToDictionary(kv => kv.Key, kv =>
            {
                using var wide = kv.Value.To(DType.Float64);
                return (kv.Value.Shape.ToArray(), wide.ToArray<double>());
            }, StringComparer.Ordinal);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static double[] Take(Dictionary<string, (long[] Shape, double[] Values)> file, string key, TrajectoryParameter p)
    {
        if (!file.TryGetValue(key, out var v)) throw new FormatException($"trajectory has no tensor '{key}'");
        if (!v.Shape.SequenceEqual(p.Shape))
        {
            throw new FormatException($"trajectory tensor '{key}' has shape [{string.Join(", ", v.Shape)}], expected [{string.Join(", ", p.Shape)}]");
        }

        return v.Values;
    }
}
