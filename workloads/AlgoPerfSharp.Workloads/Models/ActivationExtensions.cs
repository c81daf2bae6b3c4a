using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>Applies an <see cref="Activation"/> to a tensor.</summary>
public static class ActivationExtensions
{
    /// <summary>The activation of <paramref name="x"/> (a new tensor; same shape).</summary>
    public static Tensor Apply(this Activation activation, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return activation switch
        {
            Activation.Relu => x.Relu(),
            Activation.Silu => x.Silu(),
            Activation.Gelu => x.Gelu(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
        };
    }
}
