namespace AlgoPerfSharp.Workloads.Models;

/// <summary>The elementwise nonlinearity of a model's blocks (a config field, so held-out variants are config instances).</summary>
public enum Activation
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>x · σ(x) (a.k.a. swish).</summary>
    Silu,

    /// <summary>Exact GELU, x · Φ(x) with the erf form of Φ.</summary>
    Gelu,
}
