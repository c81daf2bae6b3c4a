namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>Grafting method and its second-moment hyperparameters (facebookresearch's <c>*PreconditionerConfig</c> for grafting).</summary>
public sealed record GraftingConfig
{
    /// <summary>Validates and creates the config.</summary>
    /// <param name="type">The grafted method.</param>
    /// <param name="beta2">Second-moment decay for RMSprop/Adam, in [0, 1) (ignored by SGD and AdaGrad).</param>
    /// <param name="epsilon">Added after the root, ≥ 0.</param>
    /// <exception cref="ArgumentException">A field is out of range (the message names it).</exception>
    public GraftingConfig(GraftingType type, double beta2 = 0.999, double epsilon = 1e-10)
    {
        if (!Enum.IsDefined(type)) throw new ArgumentException($"grafting type {type} is not defined", nameof(type));
        if (type is GraftingType.RmsProp or GraftingType.Adam && !(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentException($"grafting beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"grafting epsilon must be finite and ≥ 0 (got {epsilon})", nameof(epsilon));
        Type = type;
        Beta2 = type == GraftingType.AdaGrad ? 1 : beta2;
        Epsilon = epsilon;
    }

    /// <summary>The grafted method.</summary>
    public GraftingType Type { get; }

    /// <summary>Second-moment decay (1 for AdaGrad).</summary>
    public double Beta2 { get; }

    /// <summary>Added after the root.</summary>
    public double Epsilon { get; }

    /// <summary>Weight of the new G² term: 1 for AdaGrad, 1 − β2 otherwise.</summary>
    internal double SquareWeight => Type == GraftingType.AdaGrad ? 1 : 1 - Beta2;

    /// <summary>True when V is kept (AdaGrad, RMSprop, Adam).</summary>
    internal bool HasSecondMoment => Type is GraftingType.AdaGrad or GraftingType.RmsProp or GraftingType.Adam;

    /// <summary>Bias correction of V at step t (Adam only; 1 otherwise).</summary>
    internal double BiasCorrection(long t) => Type == GraftingType.Adam ? 1 - Math.Pow(Beta2, t) : 1;
}
