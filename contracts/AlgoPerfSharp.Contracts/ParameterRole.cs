namespace AlgoPerfSharp.Contracts;

/// <summary>
/// A parameter's role under width scaling (µP, Yang &amp; Hu 2021; arXiv 2512.05620 §2): which of its dimensions grow
/// with the model's width decides how its initialisation and per-parameter learning rate scale.
/// </summary>
public enum ParameterRole
{
    /// <summary>An input layer: fixed fan-in (vocabulary, pixels), fan-out growing with width — embedding tables and a vision model's first layer.</summary>
    Embedding,

    /// <summary>A hidden matrix: both fans grow with width (attention, feed-forward, hidden dense and conv weights).</summary>
    Hidden,

    /// <summary>The output layer: fan-in grows with width, fan-out fixed (classes, vocabulary).</summary>
    Readout,

    /// <summary>A vector: a bias or a normalisation scale/shift (fan-in 1, fan-out the width).</summary>
    NormOrBias,
}
