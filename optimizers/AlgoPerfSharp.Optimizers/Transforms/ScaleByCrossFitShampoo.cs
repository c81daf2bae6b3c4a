using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Cross-fitted Shampoo with variance-corrected inverse roots (arXiv 2605.20756; the official
/// <c>BiasCorrectedShampoo</c>). For a matrix G (d1 × d2, 1 &lt; min d, max d ≤ the limit), with G_A the incoming
/// gradient (group A) and G_{B_1…B_b} the preconditioner sample (group B):
/// <code>
/// M ← β1·M + (1 − β1)·G_A                                     every step (no bias correction)
/// every F steps (t = 1, 1 + F, …):
///   L ← β2·L + (1 − β2)·mean_j G_{B_j}G_{B_j}ᵀ,  R likewise with G_{B_j}ᵀG_{B_j}
///   L + λI = Q diag(λ_k) Qᵀ;  ℓ_{j,k} = (Qᵀ(β2·L_{t−1} + (1 − β2)·G_{B_j}G_{B_j}ᵀ + λI)Q)_kk,  Var_k = var_j(ℓ_{j,k}) / b
///   d_k = max(0, λ_k^(−1/4) − (5/32)·λ_k^(−9/4)·Var_k);  P_L = Q diag(d) Qᵀ  (P_R likewise)
/// u ← P_L·M·P_R   (M until the first refresh)
/// </code>
/// Without variance correction Var = 0; without a sample the statistics take G_A. Every other parameter takes the
/// cross-fitted Adam step (<see cref="ScaleByCrossFitAdam"/>). No grafting, as the official code.
/// </summary>
public sealed class ScaleByCrossFitShampoo : GradientTransform<CrossFitShampooState>
{
    /// <summary>Validates and creates the transform.</summary>
    public ScaleByCrossFitShampoo(double beta1, double beta2, double damping, int rootFrequency, int maxDim,
        double adamBeta1, double adamBeta2, double adamEps, bool varianceCorrection)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(damping > 0) || double.IsInfinity(damping)) throw new ArgumentException($"damping must be finite and > 0 (got {damping})", nameof(damping));
        ArgumentOutOfRangeException.ThrowIfLessThan(rootFrequency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDim, 2);
        Beta1 = beta1;
        Beta2 = beta2;
        Damping = damping;
        RootFrequency = rootFrequency;
        MaxDim = maxDim;
        Adam = new ScaleByCrossFitAdam(adamBeta1, adamBeta2, adamEps, varianceCorrection);
        VarianceCorrection = varianceCorrection;
    }

    /// <summary>β1 of M.</summary>
    public double Beta1 { get; }

    /// <summary>β2 of L and R (per refresh).</summary>
    public double Beta2 { get; }

    /// <summary>λ.</summary>
    public double Damping { get; }

    /// <summary>F.</summary>
    public int RootFrequency { get; }

    /// <summary>Largest side of a matrix that takes the Shampoo path.</summary>
    public int MaxDim { get; }

    /// <summary>The step of every other parameter.</summary>
    public ScaleByCrossFitAdam Adam { get; }

    /// <summary>Whether the inverse roots are variance-corrected.</summary>
    public bool VarianceCorrection { get; }

    /// <inheritdoc/>
    public override string Name => "cross_fit_shampoo";

    /// <summary>True for a parameter the Shampoo path takes: 2-D, both sides &gt; 1, the larger ≤ <see cref="MaxDim"/>.</summary>
    public bool IsMatrix(ModelParameter p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var s = p.Tensor.Shape;
        return s.Length == 2 && Math.Min(s[0], s[1]) > 1 && Math.Max(s[0], s[1]) <= MaxDim;
    }

    /// <inheritdoc/>
    protected override CrossFitShampooState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, IsMatrix);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, CrossFitShampooState state)
    {
        var sample = state.Sample;
        state.Sample = null;
        bool refresh = (context.Step - 1) % RootFrequency == 0;
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var u = context.Updates[i];
            var b = sample?.Select(g => g[i]).ToArray();
            if (!state.IsMatrix[i])
            {
                ScaleByCrossFitAdam.Direction(u, state.M[i], state.V[i]!, b, context.Step, Adam.Beta1, Adam.Beta2, Adam.Eps, Adam.VarianceCorrection);
                continue;
            }

            using var scope = new DisposeScope();
            state.M[i].LerpInPlace(u, 1 - Beta1);
            if (refresh)
            {
                var gs = b ?? [u];
                Refresh(state.L[i]!, state.PL[i]!, [.. gs.Select(g => g.MatMul(g.T()))]);
                Refresh(state.R[i]!, state.PR[i]!, [.. gs.Select(g => g.T().MatMul(g))]);
            }

            u.CopyInPlace(state.HasRoots || refresh ? state.PL[i]!.MatMul(state.M[i]).MatMul(state.PR[i]!) : state.M[i]);
        }

        if (refresh) state.HasRoots = true;
    }

    /// <summary>Advances the statistic <paramref name="s"/> with the sample's outer products and writes its corrected inverse fourth root into <paramref name="root"/>.</summary>
    private void Refresh(Tensor s, Tensor root, Tensor[] outer)
    {
        long n = s.Shape[0];
        var eye = Tensor.Eye(n, dtype: s.DType, device: s.Device).MulInPlace(Damping);
        var previous = s.Clone();
        var mean = outer.Aggregate((x, y) => x.Add(y)).DivInPlace(outer.Length);
        s.MulInPlace(Beta2).AddInPlace(mean, 1 - Beta2);
        using var eigh = Linalg.Eigh(s.Add(eye));
        var lambda = eigh.Eigenvalues.ClampInPlace(min: Damping * 1e-3);
        var q = eigh.Eigenvectors;                                                             // (n, n), columns
        var d = lambda.Pow(-0.25);
        if (VarianceCorrection && outer.Length >= 2)
        {
            // ℓ_{j,k} = diag(Qᵀ S_j Q)_k for each microbatch's hypothetical statistic S_j, then var_j / b
            var ells = Tensor.Stack(outer.Select(o =>
            {
                var sj = previous.Mul(Beta2).AddInPlace(o, 1 - Beta2).AddInPlace(eye);
                return q.Mul(sj.MatMul(q)).Sum(0);
            }).ToArray());                                                                     // (b, n)
            var variance = ells.Var(0, unbiased: true).DivInPlace(outer.Length);
            d.SubInPlace(lambda.Pow(-2.25).MulInPlace(variance).MulInPlace(5.0 / 32.0)).ClampInPlace(min: 0.0);
        }

        root.CopyInPlace(q.Mul(d.Unsqueeze(0)).MatMul(q.T()));
    }
}
