namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>How weight decay enters the step.</summary>
public enum WeightDecayType
{
    /// <summary>P ← P + λ·W after preconditioning, so W ← W − η(P + λW) (AdamW-style).</summary>
    Decoupled,

    /// <summary>G ← G + λ·W before everything (coupled L2, Adam-style).</summary>
    L2,
}
