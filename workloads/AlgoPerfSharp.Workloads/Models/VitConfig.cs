using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// A Vision Transformer (Dosovitskiy et al. 2021): a PatchSize×PatchSize stride-PatchSize convolution embeds patches,
/// a class token is prepended, a learned position embedding added; <see cref="Depth"/> Transformer blocks
/// (pre-LN by default); a final LayerNorm on the class token; Linear to the classes.
/// </summary>
public sealed record VitConfig
{
    /// <summary>Validates and creates a config.</summary>
    public VitConfig(
        int ImageSize = 28,
        int InChannels = 1,
        int PatchSize = 4,
        int Dim = 128,
        int Depth = 4,
        int Heads = 4,
        int MlpDim = 512,
        int NumClasses = 10,
        bool PreNorm = true,
        Activation Activation = Activation.Gelu,
        double LayerNormEps = 1e-5,
        DType DType = DType.Float32)
    {
        if (ImageSize < 1) throw new ArgumentException($"ImageSize must be ≥ 1 (got {ImageSize})", nameof(ImageSize));
        if (InChannels < 1) throw new ArgumentException($"InChannels must be ≥ 1 (got {InChannels})", nameof(InChannels));
        if (PatchSize < 1 || ImageSize % PatchSize != 0)
        {
            throw new ArgumentException($"PatchSize must divide ImageSize {ImageSize} (got {PatchSize})", nameof(PatchSize));
        }

        if (Heads < 1) throw new ArgumentException($"Heads must be ≥ 1 (got {Heads})", nameof(Heads));
        if (Dim < 1 || Dim % Heads != 0) throw new ArgumentException($"Dim must be a positive multiple of Heads {Heads} (got {Dim})", nameof(Dim));
        if (Depth < 1) throw new ArgumentException($"Depth must be ≥ 1 (got {Depth})", nameof(Depth));
        if (MlpDim < 1) throw new ArgumentException($"MlpDim must be ≥ 1 (got {MlpDim})", nameof(MlpDim));
        if (NumClasses < 2) throw new ArgumentException($"NumClasses must be ≥ 2 (got {NumClasses})", nameof(NumClasses));
        if (!(LayerNormEps > 0)) throw new ArgumentException($"LayerNormEps must be > 0 (got {LayerNormEps})", nameof(LayerNormEps));
        this.ImageSize = ImageSize;
        this.InChannels = InChannels;
        this.PatchSize = PatchSize;
        this.Dim = Dim;
        this.Depth = Depth;
        this.Heads = Heads;
        this.MlpDim = MlpDim;
        this.NumClasses = NumClasses;
        this.PreNorm = PreNorm;
        this.Activation = Activation;
        this.LayerNormEps = LayerNormEps;
        this.DType = DType;
    }

    /// <summary>
    /// The cpu preset's model: patch 7 (16 tokens + cls), dim 96, 3 pre-LN blocks of 4 heads, MLP 384; 343,210
    /// parameters, sized like <see cref="ResNetConfig.Cpu"/> (calibration/README.md). The constructor's defaults (patch
    /// 4, dim 128, 4 blocks, MLP 512; 803,338 parameters) were the cpu model before.
    /// </summary>
    public static VitConfig Cpu { get; } = new(PatchSize: 7, Dim: 96, Depth: 3, Heads: 4, MlpDim: 384);

    /// <summary>ViT-S-like (dim 384, 12 blocks of 6 heads, MLP 1536) on the same 28×28 images, patch 4; ≈21.4 M parameters. Untested here.</summary>
    public static VitConfig Gpu { get; } = new(Dim: 384, Depth: 12, Heads: 6, MlpDim: 1536);

    /// <summary>
    /// The quick preset's model: patch 7 (16 tokens + cls), dim 64, 2 pre-LN blocks of 4 heads, MLP 256; 105,098
    /// parameters. Its step is bound by per-operation overhead more than by FLOPs, hence the quick preset's batch of 64.
    /// </summary>
    public static VitConfig Quick { get; } = new(PatchSize: 7, Dim: 64, Depth: 2, Heads: 4, MlpDim: 256);

    /// <summary>Seconds-scale model for end-to-end tests: patch 7 (16 tokens), dim 32, 2 blocks of 2 heads, MLP 64.</summary>
    public static VitConfig Tiny { get; } = new(PatchSize: 7, Dim: 32, Depth: 2, Heads: 2, MlpDim: 64);

    /// <summary>This config with pre-LN (true) or post-LN (false) blocks (validated like the constructor).</summary>
    public VitConfig WithPreNorm(bool preNorm) =>
        new(ImageSize, InChannels, PatchSize, Dim, Depth, Heads, MlpDim, NumClasses, preNorm, Activation, LayerNormEps, DType);

    /// <summary>Input height and width.</summary>
    public int ImageSize { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Patch side (the embedding convolution's kernel and stride).</summary>
    public int PatchSize { get; }

    /// <summary>Token width.</summary>
    public int Dim { get; }

    /// <summary>Transformer blocks.</summary>
    public int Depth { get; }

    /// <summary>Attention heads (head width Dim / Heads).</summary>
    public int Heads { get; }

    /// <summary>Hidden width of each block's MLP.</summary>
    public int MlpDim { get; }

    /// <summary>Output classes.</summary>
    public int NumClasses { get; }

    /// <summary>Pre-LN blocks (x + f(LN(x))); false = post-LN (LN(x + f(x))), the held-out variant.</summary>
    public bool PreNorm { get; }

    /// <summary>MLP nonlinearity (exact GELU).</summary>
    public Activation Activation { get; }

    /// <summary>LayerNorm ε.</summary>
    public double LayerNormEps { get; }

    /// <summary>Parameter dtype (float64 for gradient checks).</summary>
    public DType DType { get; }

    /// <summary>Patches per image ((ImageSize / PatchSize)²); the sequence is one longer (the class token).</summary>
    public int NumPatches => (ImageSize / PatchSize) * (ImageSize / PatchSize);
}
