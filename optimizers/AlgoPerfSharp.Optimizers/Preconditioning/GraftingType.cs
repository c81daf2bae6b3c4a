namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>The diagonal method whose per-block step norm Shampoo borrows ("layer-wise grafting", optimizers.md §2.5).</summary>
public enum GraftingType
{
    /// <summary>No grafting: the Shampoo direction is used as it is.</summary>
    None,

    /// <summary>P_gr = Ḡ.</summary>
    Sgd,

    /// <summary>V ← V + G², P_gr = Ḡ/(√V + ε).</summary>
    AdaGrad,

    /// <summary>V ← β·V + (1−β)·G², P_gr = Ḡ/(√V + ε), no bias correction.</summary>
    RmsProp,

    /// <summary>As RMSprop with V bias-corrected by 1 − βᵗ.</summary>
    Adam,
}
