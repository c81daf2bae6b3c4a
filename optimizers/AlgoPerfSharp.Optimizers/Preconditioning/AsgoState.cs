using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The state of <see cref="ScaleByAsgo"/> per parameter: the momentum M (the parameter's shape) and the statistic —
/// ASGO's k×k EMA of the smaller side's Gram matrix (k = min(rows, cols) of the matrix view), or DASGO's per-column
/// second moment (length cols). All start at zero.
/// </summary>
public sealed class AsgoState : TransformState
{
    /// <summary>Allocates zero momenta and statistics for <paramref name="parameters"/> (each with ≥ 2 dimensions).</summary>
    public AsgoState(IReadOnlyList<ModelParameter> parameters, bool diagonal)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Momentum = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
        Statistic = parameters.Select(p =>
        {
            var (rows, cols) = ScaleByAsgo.MatrixView(p.Tensor.Shape);
            long[] shape = diagonal ? [cols] : [Math.Min(rows, cols), Math.Min(rows, cols)];
            return DisposeScope.Detach(Tensor.Zeros(shape, p.Tensor.DType, p.Tensor.Device));
        }).ToArray();
    }

    /// <summary>The momenta M.</summary>
    public Tensor[] Momentum { get; }

    /// <summary>The statistics P (k×k) or p (cols).</summary>
    public Tensor[] Statistic { get; }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        SaveList(into, $"{prefix}.momentum", Momentum);
        SaveList(into, $"{prefix}.statistic", Statistic);
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        LoadList(from, $"{prefix}.momentum", Momentum);
        LoadList(from, $"{prefix}.statistic", Statistic);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var t in Momentum.Concat(Statistic)) t.Dispose();
        base.Dispose();
    }
}
