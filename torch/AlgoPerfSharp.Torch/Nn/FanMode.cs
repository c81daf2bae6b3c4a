namespace AlgoPerfSharp.Torch.Nn;

/// <summary>Which fan Kaiming initialisation normalises by.</summary>
public enum FanMode
{
    /// <summary>Inputs per output unit (preserves the forward-pass variance; PyTorch's default).</summary>
    FanIn,

    /// <summary>Outputs per input unit (preserves the backward-pass variance).</summary>
    FanOut,
}
