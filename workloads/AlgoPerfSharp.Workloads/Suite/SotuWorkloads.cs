using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// The language-model workloads: a byte-level Llama on the State of the Union addresses (split by address), and its
/// held-out GELU-FFN variant. The <c>gpu</c> preset trains a ~124 M-parameter Llama on user-supplied nanoGPT-style
/// GPT-2 token files instead (see <see cref="TokenDirectoryVariable"/>); untested here.
/// </summary>
public static class SotuWorkloads
{
    /// <summary>Byte-level Llama on the State of the Union corpus.</summary>
    public const string Llama = "sotu_llama";

    /// <summary>Held-out variant: a GELU feed-forward (hidden 3/2 of the SwiGLU's, the same parameter count) instead of SwiGLU.</summary>
    public const string LlamaGelu = "sotu_llama_gelu";

    /// <summary>
    /// Evaluation windows per split at the cpu preset: 320 windows × 64 bytes (20,480 predicted bytes per split), spread
    /// evenly over the split. One pass costs ≈ 35 GFLOP (0.11 GFLOP forward per window).
    /// </summary>
    public const int CpuEvalWindows = 320;

    /// <summary>Evaluation windows per split at the quick preset (128 × 64 bytes = 8,192 predicted bytes per split).</summary>
    public const int QuickEvalWindows = 128;

    /// <summary>Environment variable naming the folder of <c>train.bin</c>, <c>val.bin</c> (and optional <c>test.bin</c>) for the gpu preset; default <c>$ALGOPERF_DATA/tokens</c>.</summary>
    public const string TokenDirectoryVariable = "ALGOPERF_TOKENS";

    /// <summary>Bytes of each split kept by the <c>tiny</c> preset (train; validation and test keep an eighth).</summary>
    public const int TinyTrainBytes = 1 << 18;

    /// <summary>
    /// Builds workload <paramref name="name"/> at <paramref name="preset"/>. The corpus is read from
    /// <paramref name="directory"/> (default <c>$ALGOPERF_DATA/sotu/package/data</c>; for gpu, the token folder).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The corpus folder is missing; the message says how to install it.</exception>
    /// <exception cref="InvalidDataException">The corpus is empty, has too few addresses, or a split is shorter than a window.</exception>
    public static IWorkload Create(string name, string preset, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Presets.Check(preset);
        if (name is not (Llama or LlamaGelu)) throw new ArgumentException($"unknown language-model workload '{name}'", nameof(name));
        var config = ConfigFor(name, preset);
        Func<ulong, double, Module> build = (seed, dropout) => new Models.Llama(config, seed, dropout);
        if (preset == Presets.Gpu) return FromTokenFiles(name, config, directory, build);
        return Create(name, preset, config, directory);
    }

    /// <summary>
    /// A byte-level workload named <paramref name="name"/> over the corpus at <paramref name="preset"/>'s data, eval
    /// windows, target and budget, with the model <paramref name="config"/> (the width ladders' members).
    /// </summary>
    /// <exception cref="ArgumentException">The preset is gpu (token files, not bytes) or the config's vocabulary is not 256.</exception>
    public static IWorkload Create(string name, string preset, LlamaConfig config, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        if (Presets.Check(preset) == Presets.Gpu) throw new ArgumentException($"{name}: the gpu preset reads token files; a byte-level model needs tiny, quick or cpu", nameof(preset));
        if (config.VocabSize != 256) throw new ArgumentException($"{name}: a byte-level model needs VocabSize 256 (got {config.VocabSize})", nameof(config));
        Func<ulong, double, Module> build = (seed, dropout) => new Models.Llama(config, seed, dropout);
        var (train, validation, test, source) = LoadText(preset, directory);
        int windows = EvalWindows(preset);
        var spec = Spec(name, preset, train.Length / config.Context, windows, windows) with { ForwardFlopsPerExample = ModelFlops.Llama(config) };
        try
        {
            return new LanguageModelWorkload(spec, new ByteTokenSource(train), new ByteTokenSource(validation), new ByteTokenSource(test), config.Context, build);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}; the corpus is too small. {DataInstallHint.Sotu}", e);
        }
    }

    /// <summary>The Llama architecture of <paramref name="name"/> at <paramref name="preset"/>.</summary>
    public static LlamaConfig ConfigFor(string name, string preset)
    {
        var config = preset switch
        {
            Presets.Gpu => LlamaConfig.Gpu,
            Presets.Tiny => LlamaConfig.Tiny,
            Presets.Quick => LlamaConfig.Quick,
            _ => LlamaConfig.Cpu,
        };
        return name == LlamaGelu ? config.WithFeedForward(config.FfnHidden * 3 / 2, gated: false) : config;
    }

    /// <summary>
    /// The constants of <paramref name="name"/> at <paramref name="preset"/> without building the workload: the training
    /// split's size comes from the corpus text (read, not tokenised into batches) or, for gpu, the token file's length.
    /// </summary>
    public static WorkloadSpec Spec(string name, string preset, string? directory = null)
    {
        Presets.Check(preset);
        var config = ConfigFor(name, preset);
        int windows = EvalWindows(preset);
        if (preset == Presets.Gpu)
        {
            string train = Path.Combine(TokenDirectory(directory), "train.bin");
            long tokens = File.Exists(train) ? new FileInfo(train).Length / sizeof(ushort) : 0;
            return Spec(name, preset, tokens / config.Context, windows, windows);
        }

        return Spec(name, preset, LoadText(preset, directory).Train.Length / config.Context, windows, windows);
    }

    /// <summary>The constants of <paramref name="name"/> at <paramref name="preset"/>; examples are windows of Context tokens.</summary>
    public static WorkloadSpec Spec(string name, string preset, long trainWindows, long validationWindows, long testWindows)
    {
        // (target nats/token, budget s, eval period s, step hint, reference batch, eval batch); quick and cpu calibrated
        // (calibration/README.md), tiny loose, gpu provisional. At cpu, 16 × 64 tokens
        // cost 5.5 GFLOP per step (forward + backward), measured 51 ms on two idle cores.
        var (target, budget, evalPeriod, stepHint, batch, evalBatch) = preset switch
        {
            Presets.Tiny => (2.8, 20.0, 2.0, 200L, 8, 16),
            Presets.Quick => (1.614, 18.7, 0.70, 1145L, 16, 16),        // calibrated: calibration/README.md
            Presets.Gpu => (3.3, 3600.0, 120.0, 20_000L, 32, 32),
            _ => (1.2829, 77.5, 2.90, 1704L, 16, 16),                   // calibrated: calibration/README.md
        };
        return new WorkloadSpec(name, preset, LossType.SoftmaxCrossEntropy, MetricNames.Loss, Direction.LowerIsBetter,
            target, target + 0.05, budget, evalPeriod, stepHint, batch, evalBatch, Math.Max(1, trainWindows), validationWindows, testWindows,
            name == LlamaGelu ? Llama : null)
        {
            ForwardFlopsPerExample = ModelFlops.Llama(ConfigFor(name, preset)),
        };
    }

    private static int EvalWindows(string preset) => preset switch
    {
        Presets.Tiny => 16,
        Presets.Quick => QuickEvalWindows,
        Presets.Gpu => 512,
        _ => CpuEvalWindows,
    };

    private static string TokenDirectory(string? directory) =>
        directory ?? Environment.GetEnvironmentVariable(TokenDirectoryVariable) ?? Path.Combine(DataPaths.Root, "tokens");

    private static (byte[] Train, byte[] Validation, byte[] Test, string Source) LoadText(string preset, string? directory)
    {
        string dir = directory ?? DataPaths.Sotu;
        if (preset == Presets.Tiny && !Directory.Exists(dir))
        {
            return (SyntheticText.Create(TinyTrainBytes, 1), SyntheticText.Create(TinyTrainBytes / 8, 2), SyntheticText.Create(TinyTrainBytes / 8, 3), "synthetic text");
        }

        var corpus = TextCorpus.FromFolder(dir, DataInstallHint.Sotu);
        if (preset != Presets.Tiny) return (corpus.Train, corpus.Validation, corpus.Test, dir);
        return (corpus.Train[..Math.Min(TinyTrainBytes, corpus.Train.Length)],
            corpus.Validation[..Math.Min(TinyTrainBytes / 8, corpus.Validation.Length)],
            corpus.Test[..Math.Min(TinyTrainBytes / 8, corpus.Test.Length)], dir);
    }

    private static LanguageModelWorkload FromTokenFiles(string name, LlamaConfig config, string? directory, Func<ulong, double, Module> build)
    {
        string dir = TokenDirectory(directory);
        string Need(string file)
        {
            string p = Path.Combine(dir, file);
            return File.Exists(p)
                ? p
                : throw new FileNotFoundException(
                    $"{p} does not exist. The gpu preset of {name} reads nanoGPT-style uint16 GPT-2 token files train.bin and val.bin " +
                    $"(optionally test.bin) from ${TokenDirectoryVariable} or $ALGOPERF_DATA/tokens; make them with nanoGPT's data/openwebtext/prepare.py or equivalent.", p);
        }

        string trainPath = Need("train.bin"), valPath = Need("val.bin");
        string testPath = File.Exists(Path.Combine(dir, "test.bin")) ? Path.Combine(dir, "test.bin") : valPath;
        var train = new TokenBinFile(trainPath, config.VocabSize);
        var val = new TokenBinFile(valPath, config.VocabSize);
        var test = testPath == valPath ? val : new TokenBinFile(testPath, config.VocabSize);
        var owned = new CompositeDisposable(testPath == valPath ? [train, val] : [train, val, test]);
        int windows = EvalWindows(Presets.Gpu);
        var spec = Spec(name, Presets.Gpu, train.Length / config.Context, windows, windows);
        return new LanguageModelWorkload(spec, train, val, test, config.Context, build, owned);
    }

    private sealed class CompositeDisposable(IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var d in items) d.Dispose();
        }
    }
}
