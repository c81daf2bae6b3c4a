using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// µP's initialisation (arXiv 2512.05620 App. D): every hidden matrix (<see cref="ParameterTypeExtensions.IsHiddenMatrix"/>
/// whose fan-in is not an input layer's) N(0, 1/fan-in), the readout (<see cref="ParameterType.OutputHead"/>) and biases
/// zero; embeddings, input layers and norm scales keep their standard draws (width-independent).
/// </summary>
public static class MuPInit
{
    /// <summary>Redraws <paramref name="model"/>'s tagged parameters from <paramref name="generator"/> in registration order; <paramref name="inputLayers"/> names the parameters left as drawn.</summary>
    public static void Apply(Module model, Generator generator, IReadOnlySet<string>? inputLayers = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (name, p) in model.NamedParameters())
        {
            if (inputLayers?.Contains(name) == true) continue;
            var type = ParameterTags.TypeOf(name, p);
            if (type == ParameterType.OutputHead || type == ParameterType.Bias)
            {
                Init.Zeros(p);
            }
            else if (type.IsHiddenMatrix())
            {
                var (fanIn, _) = Init.CalculateFanInAndFanOut(p);
                Init.Normal(p, 0, 1 / Math.Sqrt(fanIn), generator);
            }
        }
    }
}
