using System.Text.RegularExpressions;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Transfer;

/// <summary>
/// A workload family built at several widths with everything else fixed (data, depth, head width, batch, steps): the
/// ×1, ×2, ×4, ×8 multiples of <see cref="BaseWidth"/> by default, any multiple of <see cref="WidthQuantum"/> on
/// request. Member names are <c>{Prefix}_w{width}</c> (standard parameterisation) and <c>{Prefix}_w{width}_mup</c>
/// (µP initialisation); their models' parameters carry <see cref="WidthMetadata"/> against the base-width model.
/// Immutable; thread-safe.
/// </summary>
public sealed partial class WidthFamily
{
    private readonly Func<int, Parameterisation, string, string?, IWorkload> _create;
    private readonly Func<int, Module> _buildStandard;
    private readonly IReadOnlySet<string> _inputLayers;
    private readonly Lazy<Dictionary<string, long[]>> _baseShapes;

    /// <summary>Creates a family.</summary>
    /// <param name="prefix">Name prefix of the members, e.g. <c>sotu_llama</c>.</param>
    /// <param name="description">One line for listings.</param>
    /// <param name="baseWidth">The width the base hyperparameters are tuned at.</param>
    /// <param name="widthQuantum">Every width must be a multiple of this (e.g. the head width).</param>
    /// <param name="quantumMeaning">What the quantum is, for the error message (e.g. "the head width 16").</param>
    /// <param name="depth">Blocks (layers) at every width.</param>
    /// <param name="presets">The presets members support, the default first.</param>
    /// <param name="create">(width, parameterisation, preset, data directory) → the member workload, without metadata.</param>
    /// <param name="buildStandard">width → the standard-parameterisation model (to read the base shapes).</param>
    /// <param name="inputLayers">Names of parameters with the <see cref="ParameterRole.Embedding"/> role that are not <see cref="ParameterType.Embedding"/> tables (a first dense layer).</param>
    public WidthFamily(string prefix, string description, int baseWidth, int widthQuantum, string quantumMeaning, int depth, IReadOnlyList<string> presets,
        Func<int, Parameterisation, string, string?, IWorkload> create, Func<int, Module> buildStandard, IReadOnlySet<string> inputLayers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (widthQuantum < 1 || baseWidth < widthQuantum || baseWidth % widthQuantum != 0) throw new ArgumentException($"baseWidth {baseWidth} must be a positive multiple of widthQuantum {widthQuantum}", nameof(baseWidth));
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Prefix = prefix;
        Description = description;
        BaseWidth = baseWidth;
        WidthQuantum = widthQuantum;
        QuantumMeaning = quantumMeaning;
        Depth = depth;
        Presets = presets;
        _create = create ?? throw new ArgumentNullException(nameof(create));
        _buildStandard = buildStandard ?? throw new ArgumentNullException(nameof(buildStandard));
        _inputLayers = inputLayers ?? throw new ArgumentNullException(nameof(inputLayers));
        _baseShapes = new(() =>
        {
            using var model = _buildStandard(BaseWidth);
            return model.NamedParameters().ToDictionary(np => np.Name, np => np.Parameter.Data.Shape, StringComparer.Ordinal);
        });
    }

    /// <summary>Name prefix of the members.</summary>
    public string Prefix { get; }

    /// <summary>One line for listings.</summary>
    public string Description { get; }

    /// <summary>The width hyperparameters are tuned at.</summary>
    public int BaseWidth { get; }

    /// <summary>Every width is a multiple of this.</summary>
    public int WidthQuantum { get; }

    /// <summary>What <see cref="WidthQuantum"/> is.</summary>
    public string QuantumMeaning { get; }

    /// <summary>Blocks at every width.</summary>
    public int Depth { get; }

    /// <summary>Presets the members support, the default first.</summary>
    public IReadOnlyList<string> Presets { get; }

    /// <summary>The default ladder: ×1, ×2, ×4, ×8 the base width.</summary>
    public IReadOnlyList<int> Widths => [BaseWidth, 2 * BaseWidth, 4 * BaseWidth, 8 * BaseWidth];

    /// <summary>The member's workload name.</summary>
    public string WorkloadName(int width, Parameterisation parameterisation) =>
        $"{Prefix}_w{CheckWidth(width)}{(parameterisation == Parameterisation.MuP ? "_mup" : "")}";

    /// <summary>Returns <paramref name="width"/> when the family can build it.</summary>
    /// <exception cref="ArgumentException">The width is not a positive multiple of <see cref="WidthQuantum"/>.</exception>
    public int CheckWidth(int width) => WidthProblem(width) is { } problem ? throw new ArgumentException(problem, nameof(width)) : width;

    /// <summary>Why the family cannot build <paramref name="width"/> (one line), or null when it can.</summary>
    public string? WidthProblem(int width) =>
        width >= WidthQuantum && width % WidthQuantum == 0
            ? null
            : $"width {width} is not a positive multiple of {QuantumMeaning} ({WidthQuantum}) of the {Prefix} width ladder; use e.g. {string.Join(", ", Widths)}";

    /// <summary>Builds the member at <paramref name="width"/> (untimed; loads data). Its models carry <see cref="WidthMetadata"/>.</summary>
    public IWorkload Create(int width, Parameterisation parameterisation, string preset, string? directory = null)
    {
        CheckWidth(width);
        if (!Presets.Contains(preset, StringComparer.Ordinal)) throw new ArgumentException($"the {Prefix} width ladder has no preset '{preset}'; it has: {string.Join(", ", Presets)}", nameof(preset));
        return new WidthLadderWorkload(_create(width, parameterisation, preset, directory), this, width, parameterisation);
    }

    /// <summary>The registry descriptor of the member at <paramref name="width"/>.</summary>
    public WorkloadDescriptor Descriptor(int width, Parameterisation parameterisation) =>
        new(WorkloadName(width, parameterisation), $"{Description}; width {width}, {(parameterisation == Parameterisation.MuP ? "µP" : "standard")} init", null, Presets,
            preset => Create(width, parameterisation, preset));

    /// <summary>The width metadata of a parameter of this family's model at <paramref name="width"/>.</summary>
    /// <exception cref="InvalidOperationException">The base-width model has no parameter of that name.</exception>
    public WidthMetadata Metadata(string name, ParameterType type, long[] shape, int width)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!_baseShapes.Value.TryGetValue(name, out long[]? baseShape)) throw new InvalidOperationException($"the {Prefix} base model has no parameter '{name}'");
        var role = type switch
        {
            ParameterType.Embedding => ParameterRole.Embedding,
            ParameterType.OutputHead => ParameterRole.Readout,
            _ when type.IsBiasOrNorm() || shape.Length == 1 => ParameterRole.NormOrBias,
            _ when _inputLayers.Contains(name) => ParameterRole.Embedding,
            _ => ParameterRole.Hidden,
        };
        var match = BlockIndex().Match(name);
        int depthIndex = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : role == ParameterRole.Embedding || InInputLayer(name) ? 0
            : Depth + 1; // final norm, readout
        var (fanIn, fanOut) = Fans(type, shape);
        var (baseFanIn, baseFanOut) = Fans(type, baseShape);
        return new WidthMetadata(role, fanIn, fanOut, baseFanIn, baseFanOut, width, BaseWidth, depthIndex, Depth, Depth);
    }

    /// <summary>Fans of a tensor of <paramref name="shape"/>: (V, D) tables map V → D; vectors 1 → n; (out, in, k…) in·∏k → out.</summary>
    public static (int FanIn, int FanOut) Fans(ParameterType type, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (type == ParameterType.Embedding && shape.Length == 2) return ((int)shape[0], (int)shape[1]);
        if (shape.Length == 1) return (1, (int)shape[0]);
        long fanIn = 1;
        for (int i = 1; i < shape.Length; i++) fanIn *= shape[i];
        return ((int)fanIn, (int)shape[0]);
    }

    /// <summary>True for a parameter of an input layer's module (e.g. <c>input.bias</c> beside <c>input.weight</c>).</summary>
    private bool InInputLayer(string name) => _inputLayers.Any(l => name.StartsWith(l[..(l.LastIndexOf('.') + 1)], StringComparison.Ordinal));

    [GeneratedRegex(@"^(?:block|hidden)(\d+)\.")]
    private static partial Regex BlockIndex();
}
