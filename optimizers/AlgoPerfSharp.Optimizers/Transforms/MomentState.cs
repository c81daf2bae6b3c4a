using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>Per-parameter moment buffers (one or two lists), e.g. Adam's m and v or a momentum buffer.</summary>
public sealed class MomentState : TransformState
{
    /// <summary>Allocates zero buffers like each parameter: <paramref name="lists"/> lists of them.</summary>
    public MomentState(IReadOnlyList<ModelParameter> parameters, int lists)
    {
        Lists = new Tensor[lists][];
        for (int k = 0; k < lists; k++) Lists[k] = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
    }

    /// <summary>The buffers: <c>Lists[k][i]</c> is buffer k of parameter i.</summary>
    public Tensor[][] Lists { get; }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        for (int k = 0; k < Lists.Length; k++) SaveList(into, $"{prefix}.m{k}", Lists[k]);
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        for (int k = 0; k < Lists.Length; k++) LoadList(from, $"{prefix}.m{k}", Lists[k]);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var list in Lists) foreach (var t in list) t.Dispose();
        base.Dispose();
    }
}
