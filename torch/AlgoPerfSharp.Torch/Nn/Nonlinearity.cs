namespace AlgoPerfSharp.Torch.Nn;

/// <summary>The activation that follows a layer, for <see cref="Init.CalculateGain"/> (PyTorch's <c>nonlinearity</c> names).</summary>
public enum Nonlinearity
{
    /// <summary>Identity / linear / convolution: gain 1.</summary>
    Linear,

    /// <summary>Logistic sigmoid: gain 1.</summary>
    Sigmoid,

    /// <summary>tanh: gain 5/3.</summary>
    Tanh,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with negative slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu,

    /// <summary>SELU: gain 3/4.</summary>
    Selu,
}
