using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// A CIFAR-style ResNet of BasicBlocks (He et al. 2016): stem Conv3×3 (no bias)–BN–act at full resolution (no
/// max-pool), then one stage per entry of <see cref="StageWidths"/> with <see cref="BlocksPerStage"/> blocks, the first
/// block of stage s striding by <see cref="StageStrides"/>[s]; global average pool; Linear to the classes.
/// </summary>
public sealed record ResNetConfig
{
    /// <summary>Validates and creates a config.</summary>
    public ResNetConfig(
        int InChannels = 1,
        int StemWidth = 32,
        IReadOnlyList<int>? StageWidths = null,
        IReadOnlyList<int>? StageStrides = null,
        int BlocksPerStage = 2,
        int NumClasses = 10,
        Activation Activation = Activation.Relu,
        double BatchNormEps = 1e-5,
        double BatchNormMomentum = 0.1,
        DType DType = DType.Float32)
    {
        StageWidths ??= [32, 64, 128];
        StageStrides ??= [1, 2, 2];
        if (InChannels < 1) throw new ArgumentException($"InChannels must be ≥ 1 (got {InChannels})", nameof(InChannels));
        if (StemWidth < 1) throw new ArgumentException($"StemWidth must be ≥ 1 (got {StemWidth})", nameof(StemWidth));
        if (StageWidths.Count == 0 || StageWidths.Any(w => w < 1))
        {
            throw new ArgumentException($"StageWidths must be non-empty and positive (got [{string.Join(", ", StageWidths)}])", nameof(StageWidths));
        }

        if (StageStrides.Count != StageWidths.Count || StageStrides.Any(s => s < 1))
        {
            throw new ArgumentException($"StageStrides must have one positive stride per stage (got [{string.Join(", ", StageStrides)}] for {StageWidths.Count} stages)", nameof(StageStrides));
        }

        if (BlocksPerStage < 1) throw new ArgumentException($"BlocksPerStage must be ≥ 1 (got {BlocksPerStage})", nameof(BlocksPerStage));
        if (NumClasses < 2) throw new ArgumentException($"NumClasses must be ≥ 2 (got {NumClasses})", nameof(NumClasses));
        if (!(BatchNormEps > 0)) throw new ArgumentException($"BatchNormEps must be > 0 (got {BatchNormEps})", nameof(BatchNormEps));
        if (!(BatchNormMomentum is > 0 and <= 1)) throw new ArgumentException($"BatchNormMomentum must be in (0, 1] (got {BatchNormMomentum})", nameof(BatchNormMomentum));
        this.InChannels = InChannels;
        this.StemWidth = StemWidth;
        this.StageWidths = StageWidths.ToArray();
        this.StageStrides = StageStrides.ToArray();
        this.BlocksPerStage = BlocksPerStage;
        this.NumClasses = NumClasses;
        this.Activation = Activation;
        this.BatchNormEps = BatchNormEps;
        this.BatchNormMomentum = BatchNormMomentum;
        this.DType = DType;
    }

    /// <summary>
    /// The cpu preset's model: stem 32, widths 32, 64, 128, one block each, every stage striding by 2 (28 → 14 → 7 → 4);
    /// 309,162 parameters. Sized so that about a minute of training on 2 cores (≈ 1,200 steps of 128 images) gets ≥ 90 %
    /// of the way to what four times as long reaches (calibration/README.md). The constructor's defaults (strides 1, 2, 2,
    /// two blocks a stage, 696,042 parameters) were the cpu model before: 114 ms a step, too slow to train in minutes.
    /// </summary>
    public static ResNetConfig Cpu { get; } = new(StemWidth: 32, StageWidths: [32, 64, 128], StageStrides: [2, 2, 2], BlocksPerStage: 1);

    /// <summary>ResNet-18-like widths 64–512 (four stages of two blocks) at 28×28; ≈11.2 M parameters. Untested here.</summary>
    public static ResNetConfig Gpu { get; } = new(StemWidth: 64, StageWidths: [64, 128, 256, 512], StageStrides: [1, 2, 2, 2]);

    /// <summary>
    /// The quick preset's model: widths 16, 32, 64, one block each, every stage striding by 2 (28 → 14 → 7 → 4), so only
    /// the stem runs at full resolution; 78,042 parameters, 5.37 MFLOP forward per image. Small enough that the quick
    /// budget trains it for about an epoch, near where longer training levels off (calibration/README.md).
    /// </summary>
    public static ResNetConfig Quick { get; } = new(StemWidth: 16, StageWidths: [16, 32, 64], StageStrides: [2, 2, 2], BlocksPerStage: 1);

    /// <summary>Seconds-scale model for end-to-end tests: widths 8, 16, one block each.</summary>
    public static ResNetConfig Tiny { get; } = new(StemWidth: 8, StageWidths: [8, 16], StageStrides: [1, 2], BlocksPerStage: 1);

    /// <summary>This config with another activation (validated like the constructor; e.g. the SiLU variant).</summary>
    public ResNetConfig WithActivation(Activation activation) =>
        new(InChannels, StemWidth, StageWidths, StageStrides, BlocksPerStage, NumClasses, activation, BatchNormEps, BatchNormMomentum, DType);

    /// <summary>Input channels (1 for grayscale).</summary>
    public int InChannels { get; }

    /// <summary>Channels after the stem.</summary>
    public int StemWidth { get; }

    /// <summary>Channels of each stage.</summary>
    public IReadOnlyList<int> StageWidths { get; }

    /// <summary>Stride of each stage's first block.</summary>
    public IReadOnlyList<int> StageStrides { get; }

    /// <summary>BasicBlocks per stage.</summary>
    public int BlocksPerStage { get; }

    /// <summary>Output classes.</summary>
    public int NumClasses { get; }

    /// <summary>Nonlinearity after the stem and inside/after each block (ReLU; the held-out variant uses SiLU).</summary>
    public Activation Activation { get; }

    /// <summary>BatchNorm ε.</summary>
    public double BatchNormEps { get; }

    /// <summary>BatchNorm momentum (weight of the new batch in the running statistics).</summary>
    public double BatchNormMomentum { get; }

    /// <summary>Parameter dtype (float64 for gradient checks).</summary>
    public DType DType { get; }
}
