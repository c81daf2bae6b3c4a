namespace AlgoPerfSharp.Torch.Nn;

/// <summary>How <see cref="Functional.EmbeddingBag"/> reduces the rows of one bag (libtorch's mode codes, <c>ats_bag_mode</c>).</summary>
public enum EmbeddingBagMode
{
    /// <summary>Sum of the bag's rows (each scaled by its per-sample weight when given).</summary>
    Sum = 0,

    /// <summary>Mean of the bag's rows.</summary>
    Mean = 1,

    /// <summary>Elementwise maximum of the bag's rows (dense gradients only).</summary>
    Max = 2,
}
