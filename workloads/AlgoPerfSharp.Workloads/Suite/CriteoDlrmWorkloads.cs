using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// DLRM-small on a <b>synthetic</b> Criteo-like click log (<see cref="SyntheticClickLog"/>; Criteo's logs are not
/// reachable here), with plain or compositional (quotient–remainder) tables, and a held-out variant with LayerNorms
/// (AlgoPerf's <c>criteo1tb_layernorm</c>), and <see cref="DlrmTsv"/>: the plain model on a user's <b>real</b> Criteo
/// TSV files (<see cref="CriteoTsvWorkload"/>; its constants are the synthetic workload's, borrowed). Every table's
/// lookup produces sparse gradients (<see cref="DlrmConfig.SparseGradients"/>); the harness densifies them unless the
/// algorithm accepts them. The synthetic log is generated once per preset into
/// <c>$ALGOPERF_DATA/criteo_synthetic/</c> and streamed from there. Target metric: validation loss (AlgoPerf's).
/// <b>The quick and cpu presets' constants are calibrated</b> (<see cref="Calibrated"/>; calibration/README.md, the suite's
/// protocol, with the teacher's loss, reported as <c>bayes_loss</c>, as their floor); tiny's and gpu's targets are
/// placeholders (<see cref="PlaceholderTarget"/>), and so are all of <see cref="DlrmTsv"/>'s (borrowed).
/// </summary>
public static class CriteoDlrmWorkloads
{
    /// <summary>DLRM-small with plain tables.</summary>
    public const string Dlrm = "criteo_dlrm_synthetic";

    /// <summary>DLRM-small with quotient–remainder tables above <see cref="QrThreshold"/> rows.</summary>
    public const string DlrmQr = "criteo_dlrm_synthetic_qr";

    /// <summary>Held-out variant of <see cref="Dlrm"/>: LayerNorms in both MLPs and over the embeddings (<see cref="DlrmConfig.LayerNorm"/>).</summary>
    public const string DlrmLayerNorm = "criteo_dlrm_synthetic_layernorm";

    /// <summary>
    /// DLRM-small (plain tables, as <see cref="Dlrm"/>) on the user's real Criteo TSV files, converted once to a cache
    /// (<see cref="CriteoTsvWorkload"/>). Its targets, budgets and step hints are <see cref="Dlrm"/>'s uncalibrated
    /// placeholders, borrowed as the held-out variants borrow theirs; its Bayes floor is unknown.
    /// </summary>
    public const string DlrmTsv = "criteo_dlrm_tsv";

    /// <summary>Tables with more rows than this become compositional in <see cref="DlrmQr"/> (the DLRM reference's default).</summary>
    public const long QrThreshold = 200;

    /// <summary>The data seed of the built-in click log.</summary>
    public const ulong DataSeed = 20260;

    /// <summary>
    /// Uncalibrated placeholder for the validation and test loss targets. It is <i>above</i> the tiny preset's best
    /// constant predictor (H(0.172) ≈ 0.461 nats), so a plain model can meet it within a few steps (a 3-step tiny run
    /// did, at 0.470): it gives the harness a target to run with, not a measurement.
    /// </summary>
    public const double PlaceholderTarget = 0.5;

    /// <summary>
    /// What <c>sweep</c> and <c>run</c> print as a warning for the synthetic workloads at a preset other than
    /// <see cref="Presets.Quick"/> and <see cref="Presets.Cpu"/> (<see cref="WorkloadDescriptor.UncalibratedTargetsAt"/>).
    /// </summary>
    public const string PlaceholderNote =
        "at this preset the targets (validation/test loss 0.5), budgets, eval periods and step hints are UNCALIBRATED placeholders: times to target and scores on it mean nothing (only --preset quick and cpu are calibrated; calibration/calibrate-dlrm.sh --preset P calibrates another)";

    /// <summary>What <c>sweep</c> and <c>run</c> print as a warning for <see cref="DlrmTsv"/> at every preset.</summary>
    public const string TsvNote =
        "its targets, budgets, eval periods and step hints are the synthetic log's, borrowed: UNCALIBRATED for your data, so times to target and scores on it mean nothing until you calibrate them (algoperf calibrate -w criteo_dlrm_tsv)";

    /// <summary>The ratio of AlgoPerf's criteo1tb test target to its validation target (0.126041 / 0.123735), used for the test target here.</summary>
    public const double TestOverValidation = 0.126041 / 0.123735;

    /// <summary>The three workloads on the synthetic log share one cache per preset, and so one preparer (declared before <see cref="Descriptors"/>: static initializers run in order).</summary>
    private static readonly SyntheticClickLogCache SyntheticCache = new();

    /// <summary>
    /// Registry descriptors of the synthetic workloads, their held-out variant and the TSV workload (none is in the default
    /// workload set; the synthetic pair is in the <c>dlrm</c> sweep plan; the TSV one's spec factory gives the preset's split
    /// caps, its built spec the counts found). Each has a data preparer (<see cref="WorkloadDescriptor.Data"/>) that writes
    /// its cache before the trials' workers start, and the placeholder note.
    /// </summary>
    public static IReadOnlyList<WorkloadDescriptor> Descriptors { get; } =
    [
        Synthetic(Dlrm, "SYNTHETIC Criteo-like click log, DLRM-small (per-feature tables, dot interaction); target validation loss; calibrated at quick and cpu (tiny, gpu: placeholder targets)", null),
        Synthetic(DlrmQr, $"as {Dlrm} with quotient-remainder (mult) tables above {QrThreshold} rows; calibrated at quick and cpu (tiny, gpu: placeholder targets)", null),
        new(DlrmTsv, $"REAL Criteo TSV files (user-supplied: ${CriteoTsvWorkload.FolderVariable} or $ALGOPERF_DATA/criteo; converted once to a cache), DLRM-small as {Dlrm}; Bayes floor unknown; targets UNCALIBRATED, borrowed from {Dlrm}", null, Presets.All, p => CriteoTsvWorkload.Create(p), p => Spec(DlrmTsv, p))
        {
            Data = new CriteoTsvCache(),
            UncalibratedTargets = TsvNote,
        },
        Synthetic(DlrmLayerNorm, $"held-out variant of {Dlrm} (SYNTHETIC click log): LayerNorm after every MLP ReLU and over the embeddings, as AlgoPerf's criteo1tb_layernorm; {Dlrm}'s constants (calibrated at quick and cpu)", Dlrm),
    ];

    /// <summary>Data and model sizes of a preset, with the placeholder budget and step hint used where <see cref="Calibrated"/> has none.</summary>
    public sealed record Sizes(long TableCap, long Train, long Validation, long Test, int EmbedDim, int[] BottomHidden, int[] TopHidden,
        int BatchSize, int EvalBatchSize, double BudgetSeconds, long StepHint);

    /// <summary>
    /// The sizes of <paramref name="preset"/> (gpu: AlgoPerf's DLRM-small widths; others scaled down). Step hint ×
    /// batch stays below one epoch, as AlgoPerf's criteo1tb makes about one pass: with heavy-tailed ids, a second pass
    /// lets the tables memorise examples (the tiny model overfits within two epochs of 16k examples).
    /// </summary>
    public static Sizes SizesFor(string preset) => Presets.Check(preset) switch
    {
        Presets.Tiny => new(1 << 10, 131_072, 4_096, 4_096, 8, [32], [32], 256, 4_096, 20, 300),
        Presets.Quick => new(1 << 13, 524_288, 16_384, 16_384, 16, [64, 32], [128, 64], 256, 8_192, 60, 1_000),
        Presets.Gpu => new(1 << 20, 8_388_608, 262_144, 262_144, 128, [512, 256], [1024, 1024, 512, 256], 65_536, 65_536, 7_703, 10_666),
        _ => new(1 << 15, 2_097_152, 65_536, 65_536, 16, [128, 64], [256, 128], 512, 8_192, 600, 3_000),
    };

    /// <summary>The model of workload <paramref name="name"/> at <paramref name="preset"/>.</summary>
    public static DlrmConfig ConfigFor(string name, string preset)
    {
        var s = SizesFor(preset);
        return new DlrmConfig(ClickLogSchema.TableSizes(s.TableCap), s.EmbedDim, s.BottomHidden, s.TopHidden, CheckName(name) == DlrmQr ? QrThreshold : null)
        {
            SparseGradients = true,
            LayerNorm = name == DlrmLayerNorm,
        };
    }

    /// <summary>The workload's constants without generating or reading data (for <see cref="DlrmTsv"/>, the preset's split sizes are caps).</summary>
    public static WorkloadSpec Spec(string name, string preset)
    {
        var s = SizesFor(preset);
        return Spec(name, preset, s.Train, s.Validation, s.Test);
    }

    /// <summary>
    /// The calibrated constants of <paramref name="name"/> at <paramref name="preset"/> (calibration/README.md, "Click-log
    /// DLRMs"), or null where there are none (then <see cref="PlaceholderTarget"/> and the preset's placeholder budget).
    /// The held-out LayerNorm variant and the TSV workload take the plain model's, as held-out variants do; the step hint
    /// is capped at one epoch (quick 2,048 steps, cpu 4,096: the calibration proposed 4/3 × the median steps to target,
    /// 2,263 and 4,743 for the plain model, 2,481 and 4,447 for QR).
    /// </summary>
    public static (double Target, double BudgetSeconds, double EvalPeriodSeconds, long StepHint)? Calibrated(string name, string preset) =>
        (CheckName(name), Presets.Check(preset)) switch
        {
            (Dlrm or DlrmLayerNorm or DlrmTsv, Presets.Quick) => (0.4306, 19.4, 0.73, 2_048),
            (DlrmQr, Presets.Quick) => (0.4347, 16.8, 0.63, 2_048),
            (Dlrm or DlrmLayerNorm or DlrmTsv, Presets.Cpu) => (0.4306, 77.1, 2.89, 4_096),
            (DlrmQr, Presets.Cpu) => (0.4324, 57.8, 2.17, 4_096),
            _ => null,
        };

    /// <summary>The workload's constants with the split sizes of its data (<see cref="DlrmTsv"/>: the counts its cache holds).</summary>
    public static WorkloadSpec Spec(string name, string preset, long train, long validation, long test)
    {
        var s = SizesFor(preset);
        var (target, budget, evalPeriod, stepHint) = Calibrated(name, preset) ?? (PlaceholderTarget, s.BudgetSeconds, s.BudgetSeconds / 20, s.StepHint);
        double testTarget = target == PlaceholderTarget ? PlaceholderTarget : Math.Round(target * TestOverValidation, 4);
        return new WorkloadSpec(CheckName(name), preset, LossType.SigmoidCrossEntropy, MetricNames.Loss, Direction.LowerIsBetter,
            ValidationTarget: target, TestTarget: testTarget, MaxRuntimeSeconds: budget,
            EvalPeriodSeconds: evalPeriod, StepHint: stepHint, ReferenceBatchSize: s.BatchSize,
            EvalBatchSize: s.EvalBatchSize, NumTrainExamples: train, NumValidationExamples: validation, NumTestExamples: test,
            VariantOf: name == DlrmLayerNorm ? Dlrm : null)
        {
            ForwardFlopsPerExample = ForwardFlops(ConfigFor(name, preset)),
        };
    }

    /// <summary>The cache file of <paramref name="preset"/> under <paramref name="directory"/> (default <c>$ALGOPERF_DATA/criteo_synthetic</c>).</summary>
    public static string CachePath(string preset, string? directory = null) =>
        Path.Combine(directory ?? Path.Combine(DataPaths.Root, "criteo_synthetic"), $"clicklog-{Presets.Check(preset)}-s{DataSeed}-v1.bin");

    /// <summary>
    /// Builds the workload, generating its click log first if the cache file does not exist (untimed; seconds to
    /// minutes) in <paramref name="directory"/>. For <see cref="DlrmTsv"/>, <paramref name="directory"/> is the TSV
    /// folder (see <see cref="CriteoTsvWorkload.Create"/>).
    /// </summary>
    public static ClickLogWorkload Create(string name, string preset, string? directory = null)
    {
        if (CheckName(name) == DlrmTsv) return CriteoTsvWorkload.Create(preset, directory);
        var config = ConfigFor(name, preset);
        var s = SizesFor(preset);
        var file = ClickLogFile.OpenOrWrite(CachePath(preset, directory), Generator(preset), s.Train, s.Validation, s.Test);
        return new ClickLogWorkload(Spec(name, preset), file, ModelBuilder(name, config));
    }

    /// <summary>The generator of the synthetic click log of <paramref name="preset"/> (<see cref="DataSeed"/>, the preset's capped tables).</summary>
    public static SyntheticClickLog Generator(string preset) => new(DataSeed, ClickLogSchema.TableSizes(SizesFor(preset).TableCap));

    private static WorkloadDescriptor Synthetic(string name, string description, string? variantOf) =>
        new(name, description, variantOf, Presets.All, p => Create(name, p), p => Spec(name, p))
        {
            Data = SyntheticCache,
            UncalibratedTargets = PlaceholderNote,
            CalibratedPresets = [Presets.Quick, Presets.Cpu],
        };

    /// <summary>The model factory of workload <paramref name="name"/>: DLRM-small of <paramref name="config"/> seeded by the trial; dropout is refused.</summary>
    internal static Func<ulong, double, Module> ModelBuilder(string name, DlrmConfig config) => (seed, dropout) =>
    {
        if (dropout != 0) throw new ArgumentException($"{name} has no dropout (AlgoPerf's DLRM-small default rate is 0); got {dropout}", nameof(dropout));
        using var g = new Generator(seed);
        return new DlrmSmall(config, g);
    };

    /// <summary>Forward multiply-adds × 2 per example: the MLPs' weights, the (n × n × D) dot products, and the QR products.</summary>
    public static double ForwardFlops(DlrmConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        static double Mlp(int[] sizes) => sizes.Zip(sizes.Skip(1), (a, b) => 2.0 * a * b).Sum();
        double bottom = Mlp([DlrmConfig.DenseFeatures, .. c.BottomHidden, c.EmbedDim]);
        double top = Mlp([c.InteractionOutput, .. c.TopHidden, 1]);
        double dots = 2.0 * c.InteractionVectors * c.InteractionVectors * c.EmbedDim;
        double qr = Enumerable.Range(0, c.TableSizes.Count).Count(c.IsCompositional) * (double)c.EmbedDim;
        return bottom + top + dots + qr;
    }

    private static string CheckName(string name) =>
        name is Dlrm or DlrmQr or DlrmLayerNorm or DlrmTsv ? name : throw new ArgumentException($"unknown click-log workload '{name}'; known: {Dlrm}, {DlrmQr}, {DlrmLayerNorm}, {DlrmTsv}", nameof(name));
}
