namespace AlgoPerfSharp.Torch.Nn;

/// <summary>How a loss reduces its per-element values (the codes are libtorch's <c>at::Reduction</c>).</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss per element (per sample for classification losses).</summary>
    None = 0,

    /// <summary>The mean (for weighted or ignore-index losses: divided by the total weight of counted targets).</summary>
    Mean = 1,

    /// <summary>The sum.</summary>
    Sum = 2,
}
