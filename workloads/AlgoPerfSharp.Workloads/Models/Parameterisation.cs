namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// How a width-ladder model is initialised (the learning-rate side of µP is the optimizer's transfer rule).
/// </summary>
public enum Parameterisation
{
    /// <summary>Standard parameterisation: the model's usual (PyTorch-default) initialisation.</summary>
    Standard,

    /// <summary>
    /// µP (Yang &amp; Hu 2021; arXiv 2512.05620 App. D): hidden matrices N(0, 1/fan-in), a zero readout, input layers
    /// at their width-independent standard initialisation.
    /// </summary>
    MuP,
}
