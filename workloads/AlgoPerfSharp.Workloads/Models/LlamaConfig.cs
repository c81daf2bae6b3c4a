using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// A Llama-style decoder (Touvron et al. 2023): token embedding tied with the output head; <see cref="Layers"/>
/// blocks of pre-RMSNorm causal self-attention with rotary position embedding (rotate-half convention) and a gated
/// (SwiGLU) or plain GELU feed-forward; no biases anywhere; a final RMSNorm.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>Validates and creates a config.</summary>
    public LlamaConfig(
        int VocabSize = 256,
        int Context = 256,
        int Dim = 256,
        int Layers = 4,
        int Heads = 4,
        int FfnHidden = 688,
        bool GatedFfn = true,
        double NormEps = 1e-5,
        double RopeBase = 10_000,
        double EmbeddingInitStd = 0.02,
        DType DType = DType.Float32,
        bool TiedHead = true,
        Parameterisation Parameterisation = Parameterisation.Standard,
        double BranchMultiplier = 1)
    {
        if (VocabSize < 2) throw new ArgumentException($"VocabSize must be ≥ 2 (got {VocabSize})", nameof(VocabSize));
        if (Context < 1) throw new ArgumentException($"Context must be ≥ 1 (got {Context})", nameof(Context));
        if (Heads < 1) throw new ArgumentException($"Heads must be ≥ 1 (got {Heads})", nameof(Heads));
        if (Dim < 1 || Dim % Heads != 0 || (Dim / Heads) % 2 != 0)
        {
            throw new ArgumentException($"Dim must be a positive multiple of Heads {Heads} with an even head width (got {Dim})", nameof(Dim));
        }

        if (Layers < 1) throw new ArgumentException($"Layers must be ≥ 1 (got {Layers})", nameof(Layers));
        if (FfnHidden < 1) throw new ArgumentException($"FfnHidden must be ≥ 1 (got {FfnHidden})", nameof(FfnHidden));
        if (!(NormEps > 0)) throw new ArgumentException($"NormEps must be > 0 (got {NormEps})", nameof(NormEps));
        if (!(RopeBase > 1)) throw new ArgumentException($"RopeBase must be > 1 (got {RopeBase})", nameof(RopeBase));
        if (!(EmbeddingInitStd > 0)) throw new ArgumentException($"EmbeddingInitStd must be > 0 (got {EmbeddingInitStd})", nameof(EmbeddingInitStd));
        if (Parameterisation == Parameterisation.MuP && TiedHead)
        {
            throw new ArgumentException("µP needs an untied readout (its init is zero, the embedding's is not): set TiedHead false", nameof(TiedHead));
        }

        if (!(BranchMultiplier > 0) || !double.IsFinite(BranchMultiplier)) throw new ArgumentException($"BranchMultiplier must be finite and > 0 (got {BranchMultiplier})", nameof(BranchMultiplier));
        this.VocabSize = VocabSize;
        this.Context = Context;
        this.Dim = Dim;
        this.Layers = Layers;
        this.Heads = Heads;
        this.FfnHidden = FfnHidden;
        this.GatedFfn = GatedFfn;
        this.NormEps = NormEps;
        this.RopeBase = RopeBase;
        this.EmbeddingInitStd = EmbeddingInitStd;
        this.DType = DType;
        this.TiedHead = TiedHead;
        this.Parameterisation = Parameterisation;
        this.BranchMultiplier = BranchMultiplier;
    }

    /// <summary>
    /// The cpu preset's model: bytes, context 64, dim 128, 4 layers of 4 heads, SwiGLU 344; 824,448 parameters, sized
    /// so that about a minute of training on 2 cores (≈ 1,200 steps of 16 × 64 bytes) gets ≥ 90 % of the way to what four
    /// times as long reaches (calibration/README.md). The constructor's defaults (context 256, dim 256, SwiGLU 688;
    /// 3,229,952 parameters, the benchmarks' llama_tiny set) were the cpu model before: 0.7–1.0 s a step.
    /// </summary>
    public static LlamaConfig Cpu { get; } = new(Context: 64, Dim: 128, Layers: 4, Heads: 4, FfnHidden: 344);

    /// <summary>
    /// The cpu preset's held-out variant: a plain GELU FFN Linear(128 → 516) – GELU – Linear(516 → 128). Hidden 516 =
    /// 344 · 3 / 2 keeps the parameter count exactly equal (2 · 128 · 516 = 3 · 128 · 344).
    /// </summary>
    public static LlamaConfig CpuGelu { get; } = Cpu.WithFeedForward(516, gated: false);

    /// <summary>
    /// ~124 M parameters for GPU machines on GPT-2 token files: vocab 50,257, context 1024, dim 768, 12 layers of 12
    /// heads, SwiGLU 2048. Untested here.
    /// </summary>
    public static LlamaConfig Gpu { get; } = new(VocabSize: 50_257, Context: 1024, Dim: 768, Layers: 12, Heads: 12, FfnHidden: 2048);

    /// <summary>
    /// The quick preset's model: bytes, context 64, dim 64, 2 layers of 4 heads, SwiGLU 172; 115,520 parameters. Small
    /// so that the quick budget gives it about a thousand steps: a byte-level model's loss keeps falling long after the
    /// first few hundred (calibration/README.md).
    /// </summary>
    public static LlamaConfig Quick { get; } = new(Context: 64, Dim: 64, Layers: 2, Heads: 4, FfnHidden: 172);

    /// <summary>Seconds-scale model for end-to-end tests: context 32, dim 32, 2 layers of 2 heads, SwiGLU 64.</summary>
    public static LlamaConfig Tiny { get; } = new(Context: 32, Dim: 32, Layers: 2, Heads: 2, FfnHidden: 64);

    /// <summary>This config with another feed-forward (validated like the constructor; e.g. the GELU variant).</summary>
    public LlamaConfig WithFeedForward(int ffnHidden, bool gated) =>
        new(VocabSize, Context, Dim, Layers, Heads, ffnHidden, gated, NormEps, RopeBase, EmbeddingInitStd, DType, TiedHead, Parameterisation, BranchMultiplier);

    /// <summary>Vocabulary (256 for bytes).</summary>
    public int VocabSize { get; }

    /// <summary>Longest sequence (RoPE tables and the causal mask are built for it).</summary>
    public int Context { get; }

    /// <summary>Model width (= embedding width, tied with the head).</summary>
    public int Dim { get; }

    /// <summary>Decoder blocks.</summary>
    public int Layers { get; }

    /// <summary>Attention heads (head width Dim / Heads, even for RoPE).</summary>
    public int Heads { get; }

    /// <summary>Hidden width of the feed-forward.</summary>
    public int FfnHidden { get; }

    /// <summary>SwiGLU (w₂(SiLU(w₁x) ⊙ w₃x)) when true; GELU MLP (w₂ GELU(w₁x)) when false.</summary>
    public bool GatedFfn { get; }

    /// <summary>RMSNorm ε.</summary>
    public double NormEps { get; }

    /// <summary>RoPE base θ (frequencies θ^(−2i/d)).</summary>
    public double RopeBase { get; }

    /// <summary>Standard deviation of the N(0, σ²) embedding init (0.02 as GPT-2; the table is also the output head).</summary>
    public double EmbeddingInitStd { get; }

    /// <summary>Parameter dtype (float64 for gradient checks).</summary>
    public DType DType { get; }

    /// <summary>True (the workloads): the embedding table is also the output head. False: a separate bias-free readout Linear(D → V), <c>head</c>.</summary>
    public bool TiedHead { get; }

    /// <summary>Initialisation scheme (<see cref="Models.Parameterisation.MuP"/> needs an untied head).</summary>
    public Parameterisation Parameterisation { get; }

    /// <summary>Multiplier of each residual branch's output (1; 1/L for depth transfer, CompleteP α = 1).</summary>
    public double BranchMultiplier { get; }

    /// <summary>Head width.</summary>
    public int HeadDim => Dim / Heads;
}
