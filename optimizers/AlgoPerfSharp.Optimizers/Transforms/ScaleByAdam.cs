using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Adam's scaling: m ← β1·m + (1−β1)·u, v ← β2·v + (1−β2)·u², then u ← (m̂) / (√v / √(1−β2ᵗ) + ε) / (1−β1ᵗ) with ε
/// added after the root (PyTorch semantics). With <see cref="Nesterov"/> the numerator is β1·m + (1−β1)·u (AlgoPerf's
/// NAdamW, arXiv 1910.05446 Table 1), still divided by 1−β1ᵗ exactly as AlgoPerf's code does.
/// </summary>
public sealed class ScaleByAdam : GradientTransform<MomentState>
{
    /// <summary>Validates and creates the transform.</summary>
    public ScaleByAdam(double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool nesterov = false)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"beta1 must be in [0, 1) (got {beta1})", nameof(beta1));
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"beta2 must be in [0, 1) (got {beta2})", nameof(beta2));
        if (!(eps >= 0)) throw new ArgumentException($"eps must be ≥ 0 (got {eps})", nameof(eps));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Nesterov = nesterov;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the bias-corrected root.</summary>
    public double Eps { get; }

    /// <summary>Use the NAdam numerator.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Name => Nesterov ? "nadam" : "adam";

    /// <inheritdoc/>
    protected override MomentState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, 2);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, MomentState state)
    {
        double bc1 = 1 - Math.Pow(Beta1, context.Step);
        double bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, context.Step));
        var m = state.Lists[0];
        var v = state.Lists[1];
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var u = context.Updates[i];
            m[i].LerpInPlace(u, 1 - Beta1);
            v[i].MulInPlace(Beta2).AddCMulInPlace(u, u, 1 - Beta2);
            using var denom = v[i].Sqrt().DivInPlace(bc2Sqrt).AddInPlace(Eps * context.MultipliersOf(i).Epsilon);
            if (Nesterov)
            {
                // u ← (β1·m + (1−β1)·u) / denom / bc1
                u.MulInPlace(1 - Beta1).AddInPlace(m[i], Beta1);
            }
            else
            {
                u.CopyInPlace(m[i]);
            }

            u.DivInPlace(denom).DivInPlace(bc1);
        }
    }
}
