using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// One Kronecker factor of one block along one dim: the accumulated statistic F (d×d) and the matrix derived from it
/// (root inverse X, or eigenvectors Q), with refresh counters. Owns its tensors (outside any scope).
/// </summary>
internal sealed class KroneckerFactor : IDisposable
{
    public KroneckerFactor(long size, DType dtype, string label)
    {
        Size = size;
        Label = label;
        Accumulator = DisposeScope.Detach(Tensor.Zeros([size, size], dtype));
        Matrix = DisposeScope.Detach(Tensor.Eye(size, dtype: dtype));
    }

    /// <summary>d.</summary>
    public long Size { get; }

    /// <summary>Diagnostics key prefix, e.g. <c>factor/w/0/L</c>.</summary>
    public string Label { get; }

    /// <summary>F: Σ or EMA of the block's contractions along this dim.</summary>
    public Tensor Accumulator { get; }

    /// <summary>X (root inverse) or Q (eigenvectors); the identity until the first refresh.</summary>
    public Tensor Matrix { get; }

    /// <summary>False while <see cref="Matrix"/> is still the identity (its products are then skipped).</summary>
    public bool HasMatrix { get; set; }

    /// <summary>Amortized computations attempted.</summary>
    public long Checks { get; set; }

    /// <summary>Matrix recomputations (root inverses, eigh calls or QR runs with ≥ 1 iteration).</summary>
    public long Refreshes { get; set; }

    /// <summary>QR iterations run in total.</summary>
    public long QrIterations { get; set; }

    /// <summary>Criterion value ‖B − diag B‖_F/‖B‖_F at the last check (NaN if never evaluated).</summary>
    public double LastCriterion { get; set; } = double.NaN;

    /// <summary>Failed computations (the old matrix was kept).</summary>
    public long Failures { get; set; }

    public void Dispose()
    {
        Accumulator.Dispose();
        Matrix.Dispose();
    }
}
