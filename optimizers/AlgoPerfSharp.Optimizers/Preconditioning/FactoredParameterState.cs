using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>The per-parameter state a <see cref="ShampooState"/> saves and reports: the factor layout and the other state tensors.</summary>
internal abstract class FactoredParameterState : IDisposable
{
    /// <summary>The blocks and factors.</summary>
    public abstract KroneckerBlocks Layout { get; }

    /// <summary>State tensors besides the factors, with stable names (for checkpoints).</summary>
    public abstract IEnumerable<(string Name, Tensor Tensor)> MomentTensors();

    /// <summary>All state tensors with stable names: <see cref="MomentTensors"/>, then each factor's statistic and matrix.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> StateTensors()
    {
        foreach (var x in MomentTensors()) yield return x;
        int i = 0;
        foreach (var f in Layout.Factors)
        {
            yield return ($"f{i}.acc", f.Accumulator);
            yield return ($"f{i}.mat", f.Matrix);
            i++;
        }
    }

    /// <summary>True when step <paramref name="t"/> runs this parameter's amortized computation.</summary>
    public abstract bool IsAmortizedStep(long t);

    /// <summary>The amortized computation of factor <paramref name="k"/> of <paramref name="block"/> at step <paramref name="t"/>; throws on failure (the old matrix stays).</summary>
    public abstract void Refresh(ShampooBlock block, int k, long t);

    /// <summary>Releases the tensors.</summary>
    public abstract void Dispose();
}
