using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// The vision width ladder's model (<see cref="MlpClassifierConfig"/>): the cheapest network in which every µP role
/// occurs — an input layer of fixed fan-in, hidden width × width matrices, a readout of fixed fan-out, and biases.
/// Standard init: PyTorch's Linear default. µP: <see cref="MuPInit"/> (the input layer keeps its default draw).
/// </summary>
public sealed class MlpClassifier : Module, ILayerOutputs
{
    /// <summary>Name of the input layer's weight.</summary>
    public const string InputWeight = "input.weight";

    private readonly Linear _input;
    private readonly List<Linear> _hidden = [];
    private readonly Linear _readout;

    /// <summary>Builds the network with weights drawn from <paramref name="seed"/> in layer order.</summary>
    public MlpClassifier(MlpClassifierConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        using var g = new Generator(seed);
        _input = RegisterModule("input", TaggedLayers.Linear(config.InputSize, config.Width, true, g, config.DType));
        for (int i = 0; i < config.HiddenLayers; i++) _hidden.Add(RegisterModule($"hidden{i + 1}", TaggedLayers.Linear(config.Width, config.Width, true, g, config.DType)));
        _readout = RegisterModule("readout", TaggedLayers.Linear(config.Width, config.Classes, true, g, config.DType, ParameterType.OutputHead));
        if (config.Parameterisation == Parameterisation.MuP) MuPInit.Apply(this, g, new HashSet<string>(StringComparer.Ordinal) { InputWeight });
    }

    /// <summary>The architecture.</summary>
    public MlpClassifierConfig Config { get; }

    /// <summary>Images (N, C, H, W) (or (N, InputSize)) → logits (N, Classes).</summary>
    public override Tensor Forward(Tensor input) => LayerOutputs(input)[^1].Output;

    /// <summary>Each Linear's output (pre-activation): input (N, W), hidden1 … (N, W), readout (N, classes).</summary>
    public IReadOnlyList<(string Layer, Tensor Output)> LayerOutputs(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var outputs = new List<(string, Tensor)>();
        var x = _input.Forward(input.Flatten(1));                         // (N, W)
        outputs.Add(("input", x));
        for (int i = 0; i < _hidden.Count; i++)
        {
            x = _hidden[i].Forward(x.Relu());                             // (N, W)
            outputs.Add(($"hidden{i + 1}", x));
        }

        outputs.Add(("readout", _readout.Forward(x.Relu())));             // (N, classes)
        return outputs;
    }
}
