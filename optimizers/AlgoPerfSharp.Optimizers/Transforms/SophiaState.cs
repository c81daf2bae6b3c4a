using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The state of <see cref="ScaleBySophia"/>: per parameter the momentum m and the diagonal-Hessian EMA h (both start at
/// 0), the number of Hessian refreshes and of refreshes skipped for a non-finite estimate. h is written only by
/// <see cref="UpdateHessian"/>, which the algorithm's run calls every k steps with the sampled-label gradient.
/// </summary>
public sealed class SophiaState : TransformState
{
    private readonly double _beta2, _rho, _eps;

    /// <summary>Allocates m = h = 0 like each parameter (outside any dispose scope); β2, ρ and ε are the transform's.</summary>
    public SophiaState(IReadOnlyList<ModelParameter> parameters, double beta2, double rho, double eps)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _beta2 = beta2;
        _rho = rho;
        _eps = eps;
        M = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
        H = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
    }

    /// <summary>The momenta m.</summary>
    public Tensor[] M { get; }

    /// <summary>The diagonal-Hessian EMAs h.</summary>
    public Tensor[] H { get; }

    /// <summary>Hessian refreshes applied so far.</summary>
    public long HessianUpdates { get; private set; }

    /// <summary>Refreshes skipped because the estimate was not finite.</summary>
    public long SkippedHessianUpdates { get; private set; }

    /// <summary>
    /// The Gauss–Newton–Bartlett refresh h ← β2·h + (1 − β2)·B·ĝ⊙ĝ, ĝ the gradient of the mean loss over B sampled
    /// labels (one tensor per parameter, in init order), all parameters in one native pass
    /// (<see cref="FusedSteps.EmaManyInPlace"/>: h·β2 then one fused multiply-add on FMA CPUs, where ATen's addcmul may
    /// round twice). A non-finite ĝ leaves h as it was and is counted. Runs under no-grad; creates no temporaries.
    /// </summary>
    public void UpdateHessian(IReadOnlyList<Tensor> sampledGradients, double labels)
    {
        ArgumentNullException.ThrowIfNull(sampledGradients);
        if (!(labels >= 1)) throw new ArgumentOutOfRangeException(nameof(labels), labels, "the GNB estimate needs at least one sampled label");
        if (!TransformOptimizer.AllFinite(sampledGradients))
        {
            SkippedHessianUpdates++;
            return;
        }

        using var noGrad = Autograd.NoGrad();
        FusedSteps.EmaManyInPlace(H, sampledGradients, _beta2, (1 - _beta2) * labels, square: true);
        HessianUpdates++;
    }

    /// <summary>
    /// The Hutchinson refresh h ← β2·h + (1 − β2)·ĥ with ĥ = u ⊙ Hu an estimate of the Hessian's diagonal (one tensor per
    /// parameter, in init order; entries may be negative, which the clip's floor ε absorbs). A non-finite ĥ leaves h as
    /// it was and is counted. All parameters in one native pass (<see cref="FusedSteps.EmaManyInPlace"/>, bit-identical
    /// to h.MulInPlace(β2).AddInPlace(ĥ, 1 − β2)). Runs under no-grad; creates no temporaries.
    /// </summary>
    public void UpdateHessianDiagonal(IReadOnlyList<Tensor> estimate)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        if (!TransformOptimizer.AllFinite(estimate))
        {
            SkippedHessianUpdates++;
            return;
        }

        using var noGrad = Autograd.NoGrad();
        FusedSteps.EmaManyInPlace(H, estimate, _beta2, 1 - _beta2, square: false);
        HessianUpdates++;
    }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        SaveList(into, $"{prefix}.m", M);
        SaveList(into, $"{prefix}.h", H);
        into.Values[$"{prefix}.hessian_updates"] = HessianUpdates.ToString(CultureInfo.InvariantCulture);
        into.Values[$"{prefix}.hessian_skipped"] = SkippedHessianUpdates.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        LoadList(from, $"{prefix}.m", M);
        LoadList(from, $"{prefix}.h", H);
        HessianUpdates = from.Int64($"{prefix}.hessian_updates");
        SkippedHessianUpdates = from.Int64($"{prefix}.hessian_skipped");
    }

    /// <summary>
    /// <c>sophia/hessian_updates</c>, <c>sophia/hessian_skipped</c> and <c>sophia/win_rate</c>: the share of coordinates
    /// whose next update is not clipped (|m| &lt; ρ·h ∨ ε); the official README tunes ρ to keep it within 0.1–0.5.
    /// </summary>
    public override void AddDiagnostics(IDictionary<string, double> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into["sophia/hessian_updates"] = HessianUpdates;
        into["sophia/hessian_skipped"] = SkippedHessianUpdates;
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        double unclipped = 0, total = 0;
        for (int i = 0; i < M.Length; i++)
        {
            unclipped += M[i].Abs().Lt(H[i].Mul(_rho).Clamp(min: _eps)).Sum().ToDouble();
            total += M[i].NumElements;
        }

        into["sophia/win_rate"] = total > 0 ? unclipped / total : 0;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var t in M.Concat(H)) t.Dispose();
        base.Dispose();
    }
}
