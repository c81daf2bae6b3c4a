namespace AlgoPerfSharp.Contracts;

/// <summary>
/// Where a parameter sits in a width ladder: its role, its fans at this width and at the ladder's base width, the
/// model's width and depth and the parameter's depth index. A width-transfer rule (<see cref="ITransferRule"/>) reads
/// only these. Fans follow the layer's map: an embedding table (V, D) has fan-in V, fan-out D; a dense weight
/// (out, in) fan-in <c>in</c>; a conv kernel (out, in, kh, kw) fan-in <c>in·kh·kw</c>; a vector fan-in 1.
/// </summary>
public sealed record WidthMetadata
{
    /// <summary>Validates and creates the metadata.</summary>
    /// <exception cref="ArgumentException">A fan, width or depth is not positive, or the depth index is outside 0 … depth + 1.</exception>
    public WidthMetadata(ParameterRole Role, int FanIn, int FanOut, int BaseFanIn, int BaseFanOut, int Width, int BaseWidth, int DepthIndex, int Depth, int BaseDepth)
    {
        Positive(FanIn, nameof(FanIn));
        Positive(FanOut, nameof(FanOut));
        Positive(BaseFanIn, nameof(BaseFanIn));
        Positive(BaseFanOut, nameof(BaseFanOut));
        Positive(Width, nameof(Width));
        Positive(BaseWidth, nameof(BaseWidth));
        Positive(Depth, nameof(Depth));
        Positive(BaseDepth, nameof(BaseDepth));
        if (DepthIndex < 0 || DepthIndex > Depth + 1) throw new ArgumentException($"DepthIndex must be in 0 … {Depth + 1} (got {DepthIndex})", nameof(DepthIndex));
        this.Role = Role;
        this.FanIn = FanIn;
        this.FanOut = FanOut;
        this.BaseFanIn = BaseFanIn;
        this.BaseFanOut = BaseFanOut;
        this.Width = Width;
        this.BaseWidth = BaseWidth;
        this.DepthIndex = DepthIndex;
        this.Depth = Depth;
        this.BaseDepth = BaseDepth;
    }

    /// <summary>How the parameter scales with width.</summary>
    public ParameterRole Role { get; }

    /// <summary>Inputs of the layer's map at this width.</summary>
    public int FanIn { get; }

    /// <summary>Outputs of the layer's map at this width.</summary>
    public int FanOut { get; }

    /// <summary>Fan-in of the same parameter in the ladder's base-width model.</summary>
    public int BaseFanIn { get; }

    /// <summary>Fan-out of the same parameter in the ladder's base-width model.</summary>
    public int BaseFanOut { get; }

    /// <summary>The model's width (residual-stream or hidden width).</summary>
    public int Width { get; }

    /// <summary>The ladder's base width.</summary>
    public int BaseWidth { get; }

    /// <summary>0 for input layers, 1 … <see cref="Depth"/> for the blocks, <see cref="Depth"/> + 1 for what follows them (final norm, readout).</summary>
    public int DepthIndex { get; }

    /// <summary>Blocks (layers) in the model.</summary>
    public int Depth { get; }

    /// <summary>Blocks in the ladder's base model.</summary>
    public int BaseDepth { get; }

    /// <summary>d_in: fan-in relative to the base model.</summary>
    public double FanInRatio => (double)FanIn / BaseFanIn;

    /// <summary>d_out: fan-out relative to the base model.</summary>
    public double FanOutRatio => (double)FanOut / BaseFanOut;

    /// <summary>D / D_base.</summary>
    public double WidthRatio => (double)Width / BaseWidth;

    /// <summary>N = L / L_base.</summary>
    public double DepthRatio => (double)Depth / BaseDepth;

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name} must be ≥ 1 (got {value})", name);
    }
}
