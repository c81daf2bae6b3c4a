using System.Globalization;
using System.Text.RegularExpressions;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Transfer;

/// <summary>
/// The built-in width ladders (arXiv 2512.05620 §3.2's setting scaled to two cores): a byte-level Llama, depth 2,
/// head width 16, SwiGLU hidden 3·D, untied readout, widths 64 … 512 on the State of the Union text; and an MLP on
/// Fashion-MNIST (784 → D → D → D → 10, ReLU), widths 64 … 512. Members resolve by name through
/// <see cref="WorkloadRegistry.Find"/> (<c>sotu_llama_w128</c>, <c>fashion_mnist_mlp_w256_mup</c>) without being
/// listed among the benchmark's workloads.
/// </summary>
public static partial class WidthFamilies
{
    /// <summary>Head width of the Llama ladder (heads = width / 16).</summary>
    public const int LlamaHeadWidth = 16;

    /// <summary>The Llama ladder.</summary>
    public static WidthFamily Llama { get; } = new(
        "sotu_llama", "State of the Union bytes, Llama width ladder (depth 2, head width 16, SwiGLU 3·D, untied readout)", 64, LlamaHeadWidth,
        "the head width", 2, [Presets.Quick, Presets.Tiny],
        (width, p, preset, dir) => SotuWorkloads.Create(Llama!.WorkloadName(width, p), preset, LlamaConfigAt(width, p, preset), dir),
        width => new Models.Llama(LlamaConfigAt(width, Parameterisation.Standard, Presets.Tiny), 0),
        new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The MLP ladder.</summary>
    public static WidthFamily Mlp { get; } = new(
        "fashion_mnist_mlp", "Fashion-MNIST, MLP width ladder (784 → D → D → D → 10, ReLU)", 64, 1, "one unit", 2, [Presets.Quick, Presets.Tiny],
        (width, p, preset, dir) => FashionMnistWorkloads.Create(Mlp!.WorkloadName(width, p), preset,
            (seed, _) => new MlpClassifier(MlpConfigAt(width, p), seed), MlpFlops(MlpConfigAt(width, p)), dir),
        width => new MlpClassifier(MlpConfigAt(width, Parameterisation.Standard), 0),
        new HashSet<string>(StringComparer.Ordinal) { MlpClassifier.InputWeight });

    /// <summary>Every built-in ladder.</summary>
    public static IReadOnlyList<WidthFamily> All { get; } = [Llama, Mlp];

    /// <summary>The family whose <see cref="WidthFamily.Prefix"/> is <paramref name="prefix"/>.</summary>
    /// <exception cref="ArgumentException">No such family; the message lists them.</exception>
    public static WidthFamily Find(string prefix) =>
        All.FirstOrDefault(f => f.Prefix == prefix)
        ?? throw new ArgumentException($"unknown width family '{prefix}'; known: {string.Join(", ", All.Select(f => f.Prefix))}", nameof(prefix));

    /// <summary>
    /// The descriptor of member <paramref name="name"/> (<c>{prefix}_w{width}[_mup]</c>), or null when the name is no
    /// family's or names a width the family cannot build (<see cref="Problem"/> says why).
    /// </summary>
    public static WorkloadDescriptor? Descriptor(string name)
    {
        var member = Parse(name);
        return member is { } m && Problem(name) is null ? m.Family.Descriptor(m.Width, m.Parameterisation) : null;
    }

    /// <summary>Why <paramref name="name"/>, a family's member name, cannot be built (one line), or null.</summary>
    public static string? Problem(string name) => Parse(name) is { } m ? m.Family.WidthProblem(m.Width) : null;

    private static (WidthFamily Family, int Width, Parameterisation Parameterisation)? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var m = MemberName().Match(name);
        if (!m.Success) return null;
        var family = All.FirstOrDefault(f => f.Prefix == m.Groups["prefix"].Value);
        if (family is null) return null;
        int width = int.TryParse(m.Groups["width"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int w) ? w : 0;
        return (family, width, m.Groups["mup"].Success ? Parameterisation.MuP : Parameterisation.Standard);
    }

    /// <summary>The Llama ladder's model at <paramref name="width"/> (context 32 at tiny, 64 otherwise).</summary>
    public static LlamaConfig LlamaConfigAt(int width, Parameterisation parameterisation, string preset)
    {
        Llama?.CheckWidth(width);
        return new LlamaConfig(Context: preset == Presets.Tiny ? 32 : 64, Dim: width, Layers: 2, Heads: width / LlamaHeadWidth, FfnHidden: 3 * width,
            TiedHead: false, Parameterisation: parameterisation);
    }

    /// <summary>The MLP ladder's model at <paramref name="width"/>.</summary>
    public static MlpClassifierConfig MlpConfigAt(int width, Parameterisation parameterisation) =>
        new(Width: width, HiddenLayers: 2, Parameterisation: parameterisation);

    /// <summary>Forward multiply-adds × 2 per example of an MLP.</summary>
    public static double MlpFlops(MlpClassifierConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        double w = config.Width;
        return 2 * (config.InputSize * w + config.HiddenLayers * w * w + w * config.Classes);
    }

    [GeneratedRegex(@"^(?<prefix>[a-z_]+?)_w(?<width>\d+)(?<mup>_mup)?$")]
    private static partial Regex MemberName();
}
