namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Size presets. <c>cpu</c> (the default): the models and budgets of the benchmark on a 2-core machine. <c>gpu</c>:
/// larger models (ResNet-18 widths, ViT-S, a ~125 M-parameter Llama on user token files) — designed, documented,
/// untested here (no GPU on these machines). <c>quick</c>: smaller models on the full training data, evaluated on
/// fixed subsets of 1,000 validation and test images (64 windows of text), with their own calibrated targets and
/// budgets of about half a minute, so every built-in algorithm × every workload fits the main job's 20 minutes on 2
/// cores. <c>tiny</c>: small models on a subset of the real data (synthetic data when the data is not installed) so
/// end-to-end tests and smoke runs finish in seconds; its targets are loose and its numbers are not benchmark results.
/// </summary>
public static class Presets
{
    /// <summary>The default preset.</summary>
    public const string Cpu = "cpu";

    /// <summary>Large models for GPU machines (untested here).</summary>
    public const string Gpu = "gpu";

    /// <summary>Seconds-scale preset for tests and smoke runs.</summary>
    public const string Tiny = "tiny";

    /// <summary>Half-minute budgets on smaller models: the main job's preset.</summary>
    public const string Quick = "quick";

    /// <summary>Every preset, the default first.</summary>
    public static IReadOnlyList<string> All { get; } = [Cpu, Gpu, Tiny, Quick];

    /// <summary>Throws for an unknown preset, naming the known ones.</summary>
    public static string Check(string preset) =>
        All.Contains(preset, StringComparer.Ordinal)
            ? preset
            : throw new ArgumentException($"unknown preset '{preset}'; known: {string.Join(", ", All)}", nameof(preset));
}
