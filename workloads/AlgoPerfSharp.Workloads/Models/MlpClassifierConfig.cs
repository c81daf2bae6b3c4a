using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// A width-ladder classifier: flatten, <c>input</c> Linear(InputSize → Width), ReLU, then <see cref="HiddenLayers"/>
/// × (Linear(Width → Width), ReLU), then the <c>readout</c> Linear(Width → Classes); every layer with a bias.
/// </summary>
public sealed record MlpClassifierConfig
{
    /// <summary>Validates and creates a config.</summary>
    public MlpClassifierConfig(int InputSize = 784, int Width = 128, int HiddenLayers = 2, int Classes = 10,
        Parameterisation Parameterisation = Parameterisation.Standard, DType DType = DType.Float32)
    {
        if (InputSize < 1) throw new ArgumentException($"InputSize must be ≥ 1 (got {InputSize})", nameof(InputSize));
        if (Width < 1) throw new ArgumentException($"Width must be ≥ 1 (got {Width})", nameof(Width));
        if (HiddenLayers < 1) throw new ArgumentException($"HiddenLayers must be ≥ 1 (got {HiddenLayers})", nameof(HiddenLayers));
        if (Classes < 2) throw new ArgumentException($"Classes must be ≥ 2 (got {Classes})", nameof(Classes));
        this.InputSize = InputSize;
        this.Width = Width;
        this.HiddenLayers = HiddenLayers;
        this.Classes = Classes;
        this.Parameterisation = Parameterisation;
        this.DType = DType;
    }

    /// <summary>Inputs per example after flattening (784 for 28×28 grey images).</summary>
    public int InputSize { get; }

    /// <summary>Hidden width.</summary>
    public int Width { get; }

    /// <summary>Width × width layers between the input layer and the readout.</summary>
    public int HiddenLayers { get; }

    /// <summary>Output classes.</summary>
    public int Classes { get; }

    /// <summary>Initialisation scheme.</summary>
    public Parameterisation Parameterisation { get; }

    /// <summary>Parameter dtype.</summary>
    public DType DType { get; }
}
