using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Heavy-ball momentum as PyTorch's SGD (dampening 0): b ← μ·b + u; u ← b, or with Nesterov u ← u + μ·b.
/// </summary>
public sealed class ScaleByMomentum : GradientTransform<MomentState>
{
    /// <summary>Validates and creates the transform.</summary>
    public ScaleByMomentum(double momentum, bool nesterov)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"momentum must be in [0, 1) (got {momentum})", nameof(momentum));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>Nesterov look-ahead.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Name => Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc/>
    protected override MomentState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, 1);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, MomentState state)
    {
        var buf = state.Lists[0];
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var u = context.Updates[i];
            buf[i].MulInPlace(Momentum).AddInPlace(u);
            if (Nesterov) u.AddInPlace(buf[i], Momentum);
            else u.CopyInPlace(buf[i]);
        }
    }
}
