using AlgoPerfSharp.Optimizers.MatrixFunctions;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// Every knob of the Shampoo family (facebookresearch's <c>DistributedShampoo</c> arguments, optimizers.md §2–§6),
/// validated in the constructor. Variants are instances: <see cref="EigenvalueCorrected"/> and <see cref="Purified"/> build
/// the presets (SOAP has its own step and <see cref="SoapConfig"/>). Immutable; the learning rate is the schedule's, and
/// <see cref="ShampooRecipes.Shampoo"/> turns a config into a recipe.
/// </summary>
public sealed record ShampooConfig
{
    /// <summary>Validates and creates a config; defaults are facebookresearch's.</summary>
    /// <param name="beta1">EMA of the gradient (the "filtered gradient"), in [0, 1).</param>
    /// <param name="beta2">EMA of the factor matrices (and of D), in (0, 1]; 1 sums them (AdaGrad-style).</param>
    /// <param name="epsilon">Root inverse: added to the factor before the root; eigenvalue-corrected: added after √D.</param>
    /// <param name="weightDecay">λ ≥ 0.</param>
    /// <param name="weightDecayType">Decoupled or coupled L2.</param>
    /// <param name="maxPreconditionerDim">Block size and dimension-merging threshold, ≥ 1.</param>
    /// <param name="preconditionFrequency">F ≥ 1: amortized work runs when t % F == 0 and t &gt; S, or t == S.</param>
    /// <param name="startPreconditioningStep">S; −1 means F; <see cref="long.MaxValue"/> means never; else ≥ F.</param>
    /// <param name="useBiasCorrection">Divide the EMAs by 1 − βᵗ.</param>
    /// <param name="grafting">Grafted method (null = none).</param>
    /// <param name="momentum">Heavy-ball μ on the final direction, in [0, 1) (0 = off).</param>
    /// <param name="nesterov">Nesterov form of that momentum.</param>
    /// <param name="kind">Root inverse or eigenvalue-corrected.</param>
    /// <param name="eigendecomposition">How eigenbases are refreshed (eigenvalue-corrected only; default eigh).</param>
    /// <param name="toleratedFailures">Consecutive failed amortized computations tolerated (the old roots are kept) before raising, ≥ 0.</param>
    /// <param name="mergeDims">Squeeze size-1 dims and merge adjacent small dims (facebookresearch).</param>
    /// <param name="mergeOrder">Which end the merging starts from; reference versions differ (see <see cref="DimensionMergeOrder"/>).</param>
    /// <param name="blockLargeDimensions">Cut dims larger than the max into blocks (facebookresearch); otherwise leave such dims unpreconditioned (SOAP).</param>
    /// <param name="precondition1D">Give vectors a full d×d factor (facebookresearch); otherwise plain diagonal.</param>
    /// <param name="beta3">Weight of the previous EMA in the filtered gradient Ḡ = β3·M_{t−1} + (1−β3)·G; −1 means β1 (Ḡ = M_t); β1² gives the Nesterov (NAdam) form.</param>
    /// <exception cref="ArgumentException">A field is out of range (the message names it and the value).</exception>
    public ShampooConfig(
        double beta1 = 0.9,
        double beta2 = 1.0,
        double epsilon = 1e-12,
        double weightDecay = 0,
        WeightDecayType weightDecayType = WeightDecayType.Decoupled,
        int maxPreconditionerDim = 1024,
        int preconditionFrequency = 1,
        long startPreconditioningStep = -1,
        bool useBiasCorrection = true,
        GraftingConfig? grafting = null,
        double momentum = 0,
        bool nesterov = false,
        PreconditionerKind kind = PreconditionerKind.RootInverse,
        EigendecompositionConfig? eigendecomposition = null,
        int toleratedFailures = 3,
        bool mergeDims = true,
        bool blockLargeDimensions = true,
        bool precondition1D = true,
        double beta3 = -1,
        DimensionMergeOrder mergeOrder = DimensionMergeOrder.FromLast)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 > 0 && beta2 <= 1)) throw new ArgumentException($"beta2 must be in (0, 1] (got {beta2})", nameof(beta2));
        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and ≥ 0 (got {epsilon})", nameof(epsilon));
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight_decay must be finite and ≥ 0 (got {weightDecay})", nameof(weightDecay));
        if (!Enum.IsDefined(weightDecayType)) throw new ArgumentException($"weight decay type {weightDecayType} is not defined", nameof(weightDecayType));
        if (maxPreconditionerDim < 1) throw new ArgumentException($"max_preconditioner_dim must be ≥ 1 (got {maxPreconditionerDim})", nameof(maxPreconditionerDim));
        if (preconditionFrequency < 1) throw new ArgumentException($"precondition_frequency must be ≥ 1 (got {preconditionFrequency})", nameof(preconditionFrequency));
        if (startPreconditioningStep == -1) startPreconditioningStep = preconditionFrequency;
        if (startPreconditioningStep < preconditionFrequency)
        {
            throw new ArgumentException($"start_preconditioning_step must be −1 or ≥ precondition_frequency ({preconditionFrequency}) (got {startPreconditioningStep})", nameof(startPreconditioningStep));
        }

        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"momentum must be in [0, 1) (got {momentum})", nameof(momentum));
        if (!Enum.IsDefined(kind)) throw new ArgumentException($"preconditioner kind {kind} is not defined", nameof(kind));
        if (toleratedFailures < 0) throw new ArgumentException($"tolerated_failures must be ≥ 0 (got {toleratedFailures})", nameof(toleratedFailures));
        if (beta3 != -1 && !(beta3 >= 0 && beta3 < 1)) throw new ArgumentException($"beta3 must be −1 or in [0, 1) (got {beta3})", nameof(beta3));
        if (!Enum.IsDefined(mergeOrder)) throw new ArgumentException($"merge order {mergeOrder} is not defined", nameof(mergeOrder));

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        WeightDecayType = weightDecayType;
        MaxPreconditionerDim = maxPreconditionerDim;
        PreconditionFrequency = preconditionFrequency;
        StartPreconditioningStep = startPreconditioningStep;
        UseBiasCorrection = useBiasCorrection;
        Grafting = grafting is { Type: GraftingType.None } ? null : grafting;
        Momentum = momentum;
        Nesterov = nesterov;
        Kind = kind;
        Eigendecomposition = eigendecomposition ?? EigendecompositionConfig.Eigh;
        ToleratedFailures = toleratedFailures;
        MergeDims = mergeDims;
        MergeOrder = mergeOrder;
        BlockLargeDimensions = blockLargeDimensions;
        Precondition1D = precondition1D;
        Beta3 = beta3 == -1 ? beta1 : beta3;
    }

    /// <summary>β3 of the filtered gradient (resolved from −1).</summary>
    public double Beta3 { get; }

    /// <summary>EMA of the gradient.</summary>
    public double Beta1 { get; }

    /// <summary>EMA of the factors (and of D).</summary>
    public double Beta2 { get; }

    /// <summary>ε (see the constructor).</summary>
    public double Epsilon { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Decoupled or L2.</summary>
    public WeightDecayType WeightDecayType { get; }

    /// <summary>Block size / merge threshold.</summary>
    public int MaxPreconditionerDim { get; }

    /// <summary>F.</summary>
    public int PreconditionFrequency { get; }

    /// <summary>S (already resolved from −1).</summary>
    public long StartPreconditioningStep { get; }

    /// <summary>Bias-correct the EMAs.</summary>
    public bool UseBiasCorrection { get; }

    /// <summary>Grafted method, or null.</summary>
    public GraftingConfig? Grafting { get; }

    /// <summary>Heavy-ball μ.</summary>
    public double Momentum { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>Root inverse or eigenvalue-corrected.</summary>
    public PreconditionerKind Kind { get; }

    /// <summary>Eigenbasis refresh method.</summary>
    public EigendecompositionConfig Eigendecomposition { get; }

    /// <summary>Consecutive failures tolerated.</summary>
    public int ToleratedFailures { get; }

    /// <summary>Merge small dims.</summary>
    public bool MergeDims { get; }

    /// <summary>Which end dimension merging starts from.</summary>
    public DimensionMergeOrder MergeOrder { get; }

    /// <summary>Block large dims (else leave them unpreconditioned).</summary>
    public bool BlockLargeDimensions { get; }

    /// <summary>Precondition vectors with a full factor.</summary>
    public bool Precondition1D { get; }

    /// <summary>Weight w of the new term in F ← β2·F + w·GGᵀ (and in D): 1 − β2, or 1 when β2 = 1 (sums).</summary>
    internal double FactorWeight => Beta2 < 1 ? 1 - Beta2 : 1;

    /// <summary>Bias correction of the factors (and D) at step t: 1 − β2ᵗ when enabled and β2 &lt; 1, else 1.</summary>
    internal double FactorBiasCorrection(long t) => UseBiasCorrection && Beta2 < 1 ? 1 - Math.Pow(Beta2, t) : 1;

    /// <summary>
    /// facebookresearch's eigenvalue-corrected Shampoo (<c>DefaultEigenvalueCorrectedShampooConfig</c>): eigh refresh every
    /// F steps, D in the new basis, no grafting. Adam-like defaults.
    /// </summary>
    public static ShampooConfig EigenvalueCorrected(
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, int maxPreconditionerDim = 1024,
        int preconditionFrequency = 100, long startPreconditioningStep = -1, EigendecompositionConfig? eigendecomposition = null,
        WeightDecayType weightDecayType = WeightDecayType.Decoupled) =>
        new(beta1, beta2, epsilon, weightDecay, weightDecayType, maxPreconditionerDim, preconditionFrequency, startPreconditioningStep,
            kind: PreconditionerKind.EigenvalueCorrected, eigendecomposition: eigendecomposition ?? EigendecompositionConfig.Eigh);

    /// <summary>
    /// Purified Shampoo (arXiv 2506.03595): eigenvalue-corrected, no grafting, adaptive per-factor refresh — at each
    /// amortized step a factor's basis is kept while ‖B − diag B‖_F ≤ τ‖B‖_F, otherwise warm-started QR iterations run
    /// until the criterion holds (or <paramref name="maxIterations"/>), or a full eigh when <paramref name="useEigh"/>.
    /// </summary>
    public static ShampooConfig Purified(
        double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0, int maxPreconditionerDim = 1024,
        int preconditionFrequency = 50, long startPreconditioningStep = -1, double tolerance = 0.1, int maxIterations = 10, bool useEigh = false) =>
        EigenvalueCorrected(beta1, beta2, epsilon, weightDecay, maxPreconditionerDim, preconditionFrequency, startPreconditioningStep,
            useEigh
                ? new EigendecompositionConfig(EigendecompositionMethod.Eigh, 1, tolerance)
                : new EigendecompositionConfig(EigendecompositionMethod.QrIteration, maxIterations, tolerance));
}
