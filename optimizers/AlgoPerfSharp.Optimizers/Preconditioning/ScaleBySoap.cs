using System.Diagnostics;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// SOAP's direction (nikhilvyas/SOAP, optimizers.md §6) as a gradient transform. Call 1 only initialises: each factor
/// becomes (1 − β_sh)·contract(G₁) and its basis the eigenvectors in descending order; the call sets
/// <see cref="UpdateContext.NoUpdate"/>, so the parameters are not touched. Call t + 1 (t ≥ 1) is Adam in the eigenbasis:
/// v ← β2·v + (1−β2)·(QᵀGQ)², m ← β1·m + (1−β1)·G, U = Q·[Qᵀm̄Q / (√v + ε)]·Qᵀ scaled by √(1−β2ᵗ)/(1−β1ᵗ); then the
/// factor EMA with β_sh and, every f steps, one power iteration + QR per factor with v permuted to follow the eigenvalue
/// order. Decay after the step is <see cref="DecayAfterStep"/> in the recipe (<see cref="ShampooRecipes.Soap"/>).
/// Diagnostics and checkpoint keys are those of <see cref="ShampooState"/>.
/// </summary>
public sealed class ScaleBySoap : GradientTransform<ShampooState>, IScaledDirection
{
    /// <summary>Creates the transform.</summary>
    public ScaleBySoap(SoapConfig config) => Config = config ?? throw new ArgumentNullException(nameof(config));

    /// <summary>The configuration.</summary>
    public SoapConfig Config { get; }

    /// <inheritdoc/>
    public override string Name => "soap";

    /// <inheritdoc/>
    protected override ShampooState InitState(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new ShampooState(parameters.Select(p => (FactoredParameterState)new SoapParameterState(p, Config)).ToArray(), toleratedFailures: 0);
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, ShampooState state) => IScaledDirection.WriteUpdates(context, Directions(context, state));

    /// <inheritdoc/>
    public (Tensor Direction, double Scale)[]? Directions(UpdateContext context, TransformState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = state as ShampooState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}", nameof(state));
        var c = Config;
        if (context.Step == 1)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < context.Updates.Length; i++) ((SoapParameterState)s.Parameters[i]).Initialize(context.Updates[i]);
            s.AmortizedTicks += Stopwatch.GetTimestamp() - start;
            return null;
        }

        long t = context.Step - 1;
        double scale = c.UseBiasCorrection ? Math.Sqrt(1 - Math.Pow(c.Beta2, t)) / (1 - Math.Pow(c.Beta1, t)) : 1;
        var result = new (Tensor, double)[context.Updates.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (((SoapParameterState)s.Parameters[i]).Direction(context.Updates[i]), scale);
        s.Amortized(t);
        return result;
    }
}
