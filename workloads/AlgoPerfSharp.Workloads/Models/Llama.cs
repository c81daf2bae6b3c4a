using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// The Llama-style language model (see <see cref="LlamaConfig"/>). Initialisation: embedding N(0, σ²) with
/// σ = <see cref="LlamaConfig.EmbeddingInitStd"/> (0.02 as GPT-2, because the table is also the output head — PyTorch's
/// N(0, 1) would start with logits of standard deviation ≈ √D); every Linear PyTorch's default (Kaiming-uniform a = √5,
/// i.e. U(±1/√fan_in)); RMSNorm scales 1. All drawn from one generator in registration order. The RoPE tables are
/// built once for <see cref="LlamaConfig.Context"/> positions and owned by the model as non-persistent buffers (not in
/// the state dict; moved with the model by <see cref="Module.To(Device)"/>); the causal
/// mask is the attention kernel's (<see cref="Functional.ScaledDotProductAttention"/>). With an untied head
/// (<see cref="LlamaConfig.TiedHead"/> false) a readout Linear(D → V) follows the final norm; under
/// <see cref="Parameterisation.MuP"/> every hidden matrix is then redrawn N(0, 1/fan-in) and the readout set to zero,
/// after the standard draws (so standard models keep their exact weights).
/// </summary>
public sealed class Llama : Module, ILayerOutputs
{
    private readonly LlamaConfig _config;
    private readonly Generator _dropoutGenerator;
    private readonly Parameter _embedding;
    private readonly List<DecoderBlock> _blocks = [];
    private readonly RmsNorm _norm;
    private readonly Linear? _head;
    private readonly Tensor _cos;
    private readonly Tensor _sin;

    /// <summary>Builds the network with weights drawn from <paramref name="seed"/>; <paramref name="dropout"/> applies to each residual branch.</summary>
    public Llama(LlamaConfig config, ulong seed, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _dropoutGenerator = DropoutGenerators.Create(seed, dropout);
        using var g = new Generator(seed);
        _embedding = RegisterParameter("embedding", Tensor.Empty([config.VocabSize, config.Dim], config.DType));
        ParameterTags.Tag(_embedding, ParameterType.Embedding);
        Init.Normal(_embedding, 0, config.EmbeddingInitStd, g);
        for (int i = 0; i < config.Layers; i++) _blocks.Add(RegisterModule($"block{i + 1}", new DecoderBlock(config, g, dropout, _dropoutGenerator)));
        _norm = RegisterModule("norm", TaggedLayers.RmsNorm(config.Dim, config.NormEps, config.DType));
        if (!config.TiedHead) _head = RegisterModule("head", TaggedLayers.Linear(config.Dim, config.VocabSize, false, g, config.DType, ParameterType.OutputHead));
        if (config.Parameterisation == Parameterisation.MuP) MuPInit.Apply(this, g);
        var (cos, sin) = Rope.Tables(config.Context, config.HeadDim, config.RopeBase, config.DType);
        _cos = RegisterBuffer("rope_cos", cos, persistent: false);
        _sin = RegisterBuffer("rope_sin", sin, persistent: false);
    }

    /// <summary>The architecture.</summary>
    public LlamaConfig Config => _config;

    /// <summary>The token embedding (V, D), also the output head unless the config unties it.</summary>
    public Parameter Embedding => _embedding;

    /// <summary>Tokens (B, T) int64, T ≤ context → next-token logits (B, T, V).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 2 || input.Size(1) > _config.Context)
        {
            throw new ArgumentException($"Llama expects tokens (B, T) with T ≤ {_config.Context}, got [{string.Join(", ", input.Shape)}]", nameof(input));
        }

        var x = Functional.Embedding(input, _embedding);                 // (B, T, D)
        foreach (var block in _blocks) x = block.Forward(x, _cos, _sin);
        return Logits(x);
    }

    /// <summary>The embedding's output (B, T, D), each block's (B, T, D) and the logits (B, T, V).</summary>
    public IReadOnlyList<(string Layer, Tensor Output)> LayerOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = Functional.Embedding(input, _embedding);                 // (B, T, D)
        var outputs = new List<(string, Tensor)> { ("embedding", x) };
        for (int i = 0; i < _blocks.Count; i++)
        {
            x = _blocks[i].Forward(x, _cos, _sin);                       // (B, T, D)
            outputs.Add(($"block{i + 1}", x));
        }

        outputs.Add(("logits", Logits(x)));
        return outputs;
    }

    private Tensor Logits(Tensor x)
    {
        var y = _norm.Forward(x);                                        // (B, T, D)
        return _head is null ? Functional.Linear(y, _embedding) : _head.Forward(y); // (B, T, V)
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dropoutGenerator.Dispose();
        }

        base.Dispose(disposing);
    }
}
