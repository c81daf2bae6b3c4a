using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// The Fashion-MNIST workloads (ResNet and ViT) and their held-out variants, per preset. The cpu and quick presets'
/// targets, budgets, eval periods and step hints come from <c>algoperf calibrate</c> runs at reduced trial counts
/// (calibration/README.md); the variants use their base's; gpu's are provisional. At the cpu preset a training step at
/// batch 128 costs 61.8 GFLOP (ResNet: 161 MFLOP forward per image, × 3 for forward + backward) or 32.2 GFLOP (ViT:
/// 84 MFLOP per image), measured 0.36–0.5 s and 0.3–0.4 s on two idle cores; at the quick preset 2.06 GFLOP (ResNet,
/// batch 128) or 0.69 GFLOP (ViT, batch 64), measured 27.6 ms and 14–18 ms.
/// </summary>
public static class FashionMnistWorkloads
{
    /// <summary>ResNet on Fashion-MNIST.</summary>
    public const string ResNet = "fashion_mnist_resnet";

    /// <summary>Held-out variant: SiLU instead of ReLU.</summary>
    public const string ResNetSilu = "fashion_mnist_resnet_silu";

    /// <summary>ViT on Fashion-MNIST.</summary>
    public const string Vit = "fashion_mnist_vit";

    /// <summary>Held-out variant: post-LN blocks.</summary>
    public const string VitPostLn = "fashion_mnist_vit_postln";

    /// <summary>Images of the official training set kept for the <c>tiny</c> preset's train split (and 256 each for validation and test).</summary>
    public const int TinyTrainImages = 2048;

    /// <summary>Height and width of the images the models are built for.</summary>
    public const int ImageSide = 28;

    /// <summary>Validation/test images in the <c>tiny</c> preset.</summary>
    public const int TinyEvalImages = 256;

    /// <summary>
    /// Validation/test images in the <c>quick</c> preset: the first 1,000 of each split (each split keeps the official
    /// files' order, which is in no class order). At the calibrated targets the error rate's standard error on them is
    /// 1.1 points (ResNet, 14.3 %) and 1.3 points (ViT, 23.7 %), a fifth of the gap to the 4 × budget run's best
    /// (6.0 and 6.6 points); a pass costs 0.07–0.08 s, 14–17 % of a trial's wall time at the 5 % eval periods.
    /// </summary>
    public const int QuickEvalImages = 1000;

    /// <summary>
    /// Validation/test images in the <c>cpu</c> preset: the first 2,000 of each split. At the calibrated targets the
    /// error rate's standard error on them is 0.63 points (ResNet, 8.75 %) and 0.81 points (ViT, 15.65 %), a fifth of the
    /// gap to the 4 × budget run's best (2.85 and 4.15 points); a pass costs 0.19–0.23 s, 7 % of a trial's wall time at
    /// the 5 % eval periods. The gpu preset evaluates the full splits.
    /// </summary>
    public const int CpuEvalImages = 2000;

    /// <summary>
    /// Builds workload <paramref name="name"/> (one of the four constants) at <paramref name="preset"/>, loading the
    /// data from <paramref name="directory"/> (default: Debian's /usr/share/datasets/fashion-mnist). Untimed.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The data directory is missing (cpu/gpu presets); the message says how to install it.</exception>
    /// <exception cref="FileNotFoundException">An IDX file is missing.</exception>
    /// <exception cref="InvalidDataException">An IDX file is corrupt, truncated or of the wrong shape.</exception>
    public static IWorkload Create(string name, string preset, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Presets.Check(preset);
        if (name is not (ResNet or ResNetSilu or Vit or VitPostLn)) throw new ArgumentException($"unknown Fashion-MNIST workload '{name}'", nameof(name));
        var (train, validation, test) = LoadData(preset, directory);
        var spec = Spec(name, preset, train.Count, validation.Count, test.Count);
        Func<ulong, double, Torch.Nn.Module> build = name switch
        {
            ResNet or ResNetSilu => (seed, dropout) => new Models.ResNet(ResNetConfigFor(name, preset), seed, dropout),
            _ => (seed, dropout) => new VisionTransformer(VitConfigFor(name, preset), seed, dropout),
        };
        return new ImageClassificationWorkload(spec, train, validation, test, build);
    }

    /// <summary>
    /// A workload named <paramref name="name"/> over <paramref name="preset"/>'s data with the ViT's target, budget and
    /// cadence but the model <paramref name="buildModel"/> of <paramref name="forwardFlopsPerExample"/> (the width ladders' members).
    /// </summary>
    public static IWorkload Create(string name, string preset, Func<ulong, double, Torch.Nn.Module> buildModel, double forwardFlopsPerExample, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(buildModel);
        Presets.Check(preset);
        var (train, validation, test) = LoadData(preset, directory);
        var spec = Spec(name, preset, train.Count, validation.Count, test.Count) with { ForwardFlopsPerExample = forwardFlopsPerExample };
        return new ImageClassificationWorkload(spec, train, validation, test, buildModel);
    }

    /// <summary>The ResNet architecture of <paramref name="name"/> at <paramref name="preset"/>.</summary>
    public static ResNetConfig ResNetConfigFor(string name, string preset)
    {
        var config = preset switch
        {
            Presets.Gpu => ResNetConfig.Gpu,
            Presets.Tiny => ResNetConfig.Tiny,
            Presets.Quick => ResNetConfig.Quick,
            _ => ResNetConfig.Cpu,
        };
        return name == ResNetSilu ? config.WithActivation(Activation.Silu) : config;
    }

    /// <summary>The ViT architecture of <paramref name="name"/> at <paramref name="preset"/>.</summary>
    public static VitConfig VitConfigFor(string name, string preset)
    {
        var config = preset switch
        {
            Presets.Gpu => VitConfig.Gpu,
            Presets.Tiny => VitConfig.Tiny,
            Presets.Quick => VitConfig.Quick,
            _ => VitConfig.Cpu,
        };
        return name == VitPostLn ? config.WithPreNorm(false) : config;
    }

    /// <summary>
    /// The constants of <paramref name="name"/> at <paramref name="preset"/> without loading any data (the split sizes
    /// are those the preset's loader produces from the installed Fashion-MNIST).
    /// </summary>
    public static WorkloadSpec Spec(string name, string preset)
    {
        var (train, eval) = Kept(Presets.Check(preset));
        return Spec(name, preset, train ?? (FashionMnist.OfficialTrainCount - FashionMnist.ValidationCount),
            eval ?? FashionMnist.ValidationCount, eval ?? FashionMnist.TestCount);
    }

    /// <summary>Images the preset keeps of the training split and of each eval split (the first ones); null = all.</summary>
    private static (int? Train, int? Eval) Kept(string preset) => preset switch
    {
        Presets.Tiny => (TinyTrainImages, TinyEvalImages),
        Presets.Quick => (null, QuickEvalImages),
        Presets.Cpu => (null, CpuEvalImages),
        _ => (null, null),
    };

    /// <summary>The constants of <paramref name="name"/> at <paramref name="preset"/> with the given split sizes.</summary>
    public static WorkloadSpec Spec(string name, string preset, long train, long validation, long test)
    {
        bool resnet = name is ResNet or ResNetSilu;
        string? variantOf = name switch
        {
            ResNetSilu => ResNet,
            VitPostLn => Vit,
            _ => null,
        };

        // (target error, budget s, eval period s, step hint, eval batch); step hints: budget / measured median step.
        var (target, budget, evalPeriod, stepHint, evalBatch) = (preset, resnet) switch
        {
            (Presets.Tiny, _) => (0.5, 20.0, 2.0, 200L, 256),
            (Presets.Quick, true) => (0.143, 12.6, 0.47, 447L, 250),    // calibrated: calibration/README.md
            (Presets.Quick, false) => (0.237, 10.6, 0.40, 679L, 250),
            (Presets.Gpu, true) => (0.06, 1800.0, 60.0, 20_000L, 1024),
            (Presets.Gpu, false) => (0.08, 1800.0, 60.0, 20_000L, 1024),
            (_, true) => (0.0875, 77.5, 2.91, 1672L, 250),              // calibrated: calibration/README.md
            (_, false) => (0.1565, 70.7, 2.65, 1907L, 250),
        };
        // The quick ViT's step is bound by per-operation overhead: at batch 64 it trains further per second than at 128.
        int referenceBatch = (preset, resnet) switch { (Presets.Tiny, _) => 32, (Presets.Quick, false) => 64, _ => 128 };
        double flops = resnet ? ModelFlops.ResNet(ResNetConfigFor(name, preset)) : ModelFlops.Vit(VitConfigFor(name, preset));
        return new WorkloadSpec(name, preset, LossType.SoftmaxCrossEntropy, MetricNames.ErrorRate, Direction.LowerIsBetter,
            target, target + 0.005, budget, evalPeriod, stepHint, referenceBatch, evalBatch, train, validation, test, variantOf)
        {
            ForwardFlopsPerExample = flops,
        };
    }

    private static (ImageSet Train, ImageSet Validation, ImageSet Test) LoadData(string preset, string? directory)
    {
        string dir = directory ?? FashionMnist.DebianDirectory;
        if (preset == Presets.Tiny && !Directory.Exists(dir))
        {
            return (SyntheticImages.Create(TinyTrainImages, 1), SyntheticImages.Create(TinyEvalImages, 2), SyntheticImages.Create(TinyEvalImages, 3));
        }

        var data = FashionMnist.Load(directory); // Debian's files by default, read from setup.sh's decompressed copies
        foreach (var (split, set) in new[] { ("training", data.Train), ("test", data.Test) })
        {
            // The byte count alone cannot tell 60,000 × 28 × 28 from, say, 60,000 × 14 × 56: the models are built for 28 × 28.
            if (set.Height != ImageSide || set.Width != ImageSide)
            {
                throw new InvalidDataException(
                    $"{dir}: the {split} images are {set.Height}×{set.Width} by their IDX header, but the Fashion-MNIST workloads are built for {ImageSide}×{ImageSide}; reinstall the data. {DataInstallHint.FashionMnist}");
            }
        }

        var (train, eval) = Kept(preset);
        return (First(data.Train, train), First(data.Validation, eval), First(data.Test, eval));
    }

    private static ImageSet First(ImageSet set, int? n) =>
        n is { } keep ? set.Subset(Enumerable.Range(0, Math.Min(keep, set.Count)).ToArray()) : set;
}
