using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The state of <see cref="ScaleByCrossFitAdam"/>: Adam's m and v per parameter, and the preconditioner sample of the
/// current step — the gradients of the B microbatches, set by the algorithm's run just before the engine steps and
/// consumed (cleared) by that step. Only m and v are checkpointed; the sample lives inside one step.
/// </summary>
public sealed class CrossFitAdamState : TransformState, ICrossFitState
{
    /// <summary>Allocates m = v = 0 like each parameter (outside any dispose scope).</summary>
    public CrossFitAdamState(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        M = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
        V = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
    }

    /// <summary>The first moments m (fed by the A side).</summary>
    public Tensor[] M { get; }

    /// <summary>The second moments v (fed by the B side).</summary>
    public Tensor[] V { get; }

    /// <inheritdoc/>
    public IReadOnlyList<IReadOnlyList<Tensor>>? Sample { get; set; }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        SaveList(into, $"{prefix}.m", M);
        SaveList(into, $"{prefix}.v", V);
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        LoadList(from, $"{prefix}.m", M);
        LoadList(from, $"{prefix}.v", V);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var t in M.Concat(V)) t.Dispose();
        base.Dispose();
    }
}
