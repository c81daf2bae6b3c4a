using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The state of <see cref="ScaleByCrossFitShampoo"/>, per parameter: the momentum M (every parameter); for a matrix
/// (d1 × d2) the statistics L (d1 × d1), R (d2 × d2) and the inverse roots P_L, P_R (zero until the first refresh);
/// for any other parameter Adam's v. The preconditioner sample (B's gradients) lives for one update only.
/// </summary>
public sealed class CrossFitShampooState : TransformState, ICrossFitState
{
    /// <summary>Allocates the buffers; <paramref name="matrix"/> says which parameters take the Shampoo path.</summary>
    public CrossFitShampooState(IReadOnlyList<ModelParameter> parameters, Func<ModelParameter, bool> matrix)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(matrix);
        IsMatrix = parameters.Select(matrix).ToArray();
        M = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
        V = parameters.Select((p, i) => IsMatrix[i] ? null : ZerosLike(p.Tensor)).ToArray();
        L = parameters.Select((p, i) => IsMatrix[i] ? Square(p.Tensor, 0) : null).ToArray();
        R = parameters.Select((p, i) => IsMatrix[i] ? Square(p.Tensor, 1) : null).ToArray();
        PL = parameters.Select((p, i) => IsMatrix[i] ? Square(p.Tensor, 0) : null).ToArray();
        PR = parameters.Select((p, i) => IsMatrix[i] ? Square(p.Tensor, 1) : null).ToArray();
    }

    /// <summary>Which parameters take the Shampoo path.</summary>
    public bool[] IsMatrix { get; }

    /// <summary>The momenta (Shampoo's M, Adam's m).</summary>
    public Tensor[] M { get; }

    /// <summary>Adam's v (null for matrices).</summary>
    public Tensor?[] V { get; }

    /// <summary>Left statistics (null for non-matrices).</summary>
    public Tensor?[] L { get; }

    /// <summary>Right statistics.</summary>
    public Tensor?[] R { get; }

    /// <summary>Left inverse roots (valid once <see cref="HasRoots"/>).</summary>
    public Tensor?[] PL { get; }

    /// <summary>Right inverse roots.</summary>
    public Tensor?[] PR { get; }

    /// <summary>True after the first refresh: until then a matrix's update is its momentum.</summary>
    public bool HasRoots { get; set; }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<Tensor>>? Sample { get; set; }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        SaveList(into, $"{prefix}.m", M);
        for (int i = 0; i < M.Length; i++)
        {
            foreach (var (name, t) in new[] { ("v", V[i]), ("l", L[i]), ("r", R[i]), ("pl", PL[i]), ("pr", PR[i]) })
            {
                if (t is not null) SaveTensor(into, $"{prefix}.{name}.{i}", t);
            }
        }

        into.Values[$"{prefix}.has_roots"] = HasRoots ? "1" : "0";
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        LoadList(from, $"{prefix}.m", M);
        for (int i = 0; i < M.Length; i++)
        {
            foreach (var (name, t) in new[] { ("v", V[i]), ("l", L[i]), ("r", R[i]), ("pl", PL[i]), ("pr", PR[i]) })
            {
                if (t is not null) LoadTensor(from, $"{prefix}.{name}.{i}", t);
            }
        }

        HasRoots = from.Int64($"{prefix}.has_roots") != 0;
    }

    /// <inheritdoc/>
    public override void AddDiagnostics(IDictionary<string, double> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into["cross_fit_shampoo/matrices"] = IsMatrix.Count(m => m);
        into["cross_fit_shampoo/has_roots"] = HasRoots ? 1 : 0;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var t in M.Concat(V).Concat(L).Concat(R).Concat(PL).Concat(PR)) t?.Dispose();
        base.Dispose();
    }

    private static Tensor Square(Tensor p, int side) =>
        DisposeScope.Detach(Tensor.Zeros([p.Shape[side], p.Shape[side]], p.DType, p.Device));
}
