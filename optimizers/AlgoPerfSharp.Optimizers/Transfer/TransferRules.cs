using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using static AlgoPerfSharp.Contracts.ParameterRole;

namespace AlgoPerfSharp.Optimizers.Transfer;

/// <summary>
/// The width-transfer (µP) rule tables, one per optimizer, to be read beside arXiv 2512.05620 (Qiu, Chen, Phan, Lei,
/// Wilson; Table 1–2 and App. B, restated from the authors' <c>assign_lr</c> in research/seed-algorithms.md §3).
/// Notation, all relative to the ladder's base model: d_in = <see cref="WidthMetadata.FanInRatio"/>,
/// d_out = <see cref="WidthMetadata.FanOutRatio"/>, N = <see cref="WidthMetadata.DepthRatio"/> (bulk = hidden
/// parameters only), n_in·n_out the ratio of block counts. Every table decays independently with
/// λ ∝ D_base/D (§5: near-optimal for every optimizer). The multipliers are 1 at the base width by construction.
/// </summary>
public static class TransferRules
{
    /// <summary>Independent weight decay: λ·D_base/D.</summary>
    public static double Decay(WidthMetadata w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return 1 / w.WidthRatio;
    }

    /// <summary>
    /// Adam family (AdamW, NAdamW; Muon's Adam side; Adam/RMSProp/AdaGrad-grafted Shampoo follows its grafting
    /// source): η ∝ 1/d_in, ε ∝ 1/d_out (App. B). Embeddings and vectors have d_in = 1, so their η is constant.
    /// </summary>
    public static TransferRuleTable Adam { get; } = Uniform("adam", w => new(1 / w.FanInRatio, Decay(w), 1 / w.FanOutRatio));

    /// <summary>SGD: η ∝ (d_out/d_in)·N, the depth factor on the bulk only; no ε.</summary>
    public static TransferRuleTable Sgd { get; } = new("sgd", new Dictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>>
    {
        [Embedding] = w => new(w.FanOutRatio / w.FanInRatio, Decay(w), 1),
        [Hidden] = w => new(w.FanOutRatio / w.FanInRatio * w.DepthRatio, Decay(w), 1),
        [Readout] = w => new(w.FanOutRatio / w.FanInRatio, Decay(w), 1),
        [NormOrBias] = w => new(w.FanOutRatio / w.FanInRatio, Decay(w), 1),
    });

    /// <summary>
    /// Muon's orthogonalised side: η ∝ √(d_out/d_in), no depth factor, no ε. Our <see cref="ScaleByMuon"/> already
    /// multiplies by max(1, fan-out/fan-in)^½, so the table divides that factor's change from the base out: the
    /// product is the paper's spectral scaling √(fan-out/fan-in) relative to base.
    /// </summary>
    public static TransferRuleTable Muon { get; } = Uniform("muon", w => new(
        Math.Sqrt(w.FanOutRatio / w.FanInRatio) * ShapeScale(w.BaseFanOut, w.BaseFanIn) / ShapeScale(w.FanOut, w.FanIn), Decay(w), 1));

    /// <summary>
    /// Shampoo without grafting, inverse root k per side (¼ classic): E = 2k when both sides are preconditioned, k for
    /// one (vectors); η ∝ N^(1−2E)·(d_out/d_in)^(1−E)·(n_in·n_out)^(−E), with n the blocks of
    /// <paramref name="blockSize"/> (max_preconditioner_dim) along each side. ε stays: the Shampoo engine's ε is not
    /// per-parameter (the paper's relative ε would be Θ(1)).
    /// </summary>
    public static TransferRuleTable Shampoo(int blockSize, double k = 0.25)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        TransferMultipliers Rule(WidthMetadata w, bool bulk)
        {
            bool vector = w.Role == NormOrBias;
            double e = vector ? k : 2 * k;
            double blocks = vector ? BlockRatio(w.FanOut, w.BaseFanOut, blockSize) : BlockRatio(w.FanIn, w.BaseFanIn, blockSize) * BlockRatio(w.FanOut, w.BaseFanOut, blockSize);
            double depth = bulk ? Math.Pow(w.DepthRatio, 1 - 2 * e) : 1;
            return new(depth * Math.Pow(w.FanOutRatio / w.FanInRatio, 1 - e) * Math.Pow(blocks, -e), Decay(w), 1);
        }

        return new($"shampoo(block {blockSize})", new Dictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>>
        {
            [Embedding] = w => Rule(w, bulk: false),
            [Hidden] = w => Rule(w, bulk: true),
            [Readout] = w => Rule(w, bulk: false),
            [NormOrBias] = w => Rule(w, bulk: false),
        });
    }

    /// <summary>
    /// SOAP (our engine does not block, so n_in = n_out = 1; a side is rotated when its size ≤
    /// <paramref name="maxPreconditionerDim"/>; vectors are not rotated): both sides η ∝ √(d_out/d_in)·(n_in·n_out)^(−½);
    /// input side only (d_in·n_in)^(−½); output side only √(d_out/n_out)/d_in; neither: Adam's 1/d_in. No depth
    /// factor. ε stays (App. B's √(b_out·b_in)/(L·d_out) needs a per-parameter ε in ScaleBySoap).
    /// </summary>
    public static TransferRuleTable Soap(int maxPreconditionerDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPreconditionerDim, 1);
        TransferMultipliers Rule(WidthMetadata w)
        {
            bool input = w.FanIn <= maxPreconditionerDim, output = w.FanOut <= maxPreconditionerDim;
            double eta = (input, output) switch
            {
                (true, true) => Math.Sqrt(w.FanOutRatio / w.FanInRatio),
                (true, false) => 1 / Math.Sqrt(w.FanInRatio),
                (false, true) => Math.Sqrt(w.FanOutRatio) / w.FanInRatio,
                _ => 1 / w.FanInRatio,
            };
            return new(eta, Decay(w), 1);
        }

        return new($"soap(max dim {maxPreconditionerDim})", new Dictionary<ParameterRole, Func<WidthMetadata, TransferMultipliers>>
        {
            [Embedding] = Rule,
            [Hidden] = Rule,
            [Readout] = Rule,
            [NormOrBias] = w => new(1 / w.FanInRatio, Decay(w), 1), // vectors take SOAP's unrotated Adam step
        });
    }

    /// <summary>Blocks of <paramref name="blockSize"/> along a side, relative to the base: ⌈n/b⌉ / ⌈n_base/b⌉.</summary>
    public static double BlockRatio(int size, int baseSize, int blockSize) =>
        Math.Ceiling((double)size / blockSize) / Math.Ceiling((double)baseSize / blockSize);

    private static double ShapeScale(int fanOut, int fanIn) => ScaleByMuon.ShapeScale([fanOut, fanIn]);

    private static TransferRuleTable Uniform(string name, Func<WidthMetadata, TransferMultipliers> rule) =>
        new(name, Enum.GetValues<ParameterRole>().ToDictionary(r => r, _ => rule));
}
