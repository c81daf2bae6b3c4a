using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>The models' dropout: the rate is validated and the masks come from a generator derived from the model seed.</summary>
internal static class DropoutGenerators
{
    /// <summary>A new generator (owned by the caller) for the dropout masks of a model seeded with <paramref name="seed"/>, after checking <paramref name="dropout"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="dropout"/> is outside [0, 1).</exception>
    public static Generator Create(ulong seed, double dropout)
    {
        if (!(dropout is >= 0 and < 1)) throw new ArgumentException($"dropout must be in [0, 1) (got {dropout})", nameof(dropout));
        return new Generator(seed ^ 0xD50F_0A7EUL);
    }
}
