using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Dot products and linear combinations of many parameter-sized vectors, each in one native pass over them (the vector
/// work of L-BFGS's two-loop recursion in its compact, Gram-matrix form). A vector is either one flat tensor of
/// Σ <c>segments</c> elements or one tensor per segment (a model's per-parameter gradients, say, without a flattening
/// copy); any shapes, as long as the element counts match.
/// </summary>
/// <remarks>
/// A dot product's product is rounded to the vectors' dtype and the sum taken in float64 (the numbers of ATen's
/// <c>(a * b).Sum(dtype: Float64)</c> up to the order of that sum), over fixed blocks in a fixed order: it depends on
/// the two vectors and the segments only, not on the number of threads, the CPU's vector width or the other dot
/// products of the call, so equal inputs give equal bits. float32/float64 CPU tensors take native loops; other dtypes
/// and devices the same formulas in ATen. Call under <see cref="Autograd.NoGrad"/>. Thread-safety: as tensor ops.
/// </remarks>
public static class VectorKernels
{
    /// <summary>The dot products xᵀy of the given pairs of <paramref name="vectors"/> (indices into it).</summary>
    /// <param name="vectors">The vectors: each one flat tensor or <c>segments.Count</c> tensors, one per segment.</param>
    /// <param name="segments">Element counts of the segments (one entry: no segmentation).</param>
    /// <param name="pairs">(x, y) index pairs; consecutive pairs with the same x share one sweep of x.</param>
    /// <returns>One float64 per pair.</returns>
    /// <exception cref="TorchException">A vector's tensors do not fit the segments, or an index is out of range.</exception>
    public static unsafe double[] Dots(IReadOnlyList<IReadOnlyList<Tensor>> vectors, IReadOnlyList<long> segments, IReadOnlyList<(int X, int Y)> pairs)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new double[pairs.Count];
        using var a = NativeArgs.Begin();
        var v = a.Handles(vectors, out long* counts);
        var idx = a.Output<long>(2 * pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            idx[2 * i] = pairs[i].X;
            idx[(2 * i) + 1] = pairs[i].Y;
        }

        fixed (double* r = result) Check(ats_lbfgs_dots(v, counts, vectors.Count, a.Copy(segments), segments.Count, idx, pairs.Count, r));
        return result;
    }

    /// <summary>
    /// outputs[k] ← Σⱼ coefficients[k, j]·vectors[j], per element in float64 in the order j = 0, 1, … (zero
    /// coefficients skipped) and rounded once to the output's dtype.
    /// </summary>
    /// <param name="vectors">The vectors, as in <see cref="Dots"/>.</param>
    /// <param name="segments">Element counts of the segments.</param>
    /// <param name="coefficients">(outputs, vectors) coefficients.</param>
    /// <param name="outputs">Tensors of Σ segments elements (overwritten), sharing no memory with a vector.</param>
    /// <exception cref="ArgumentException">The coefficients' shape does not match the vectors and outputs.</exception>
    /// <exception cref="TorchException">A tensor does not fit the segments, or an output overlaps an input.</exception>
    public static unsafe void Combine(IReadOnlyList<IReadOnlyList<Tensor>> vectors, IReadOnlyList<long> segments, double[,] coefficients, IReadOnlyList<Tensor> outputs)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(outputs);
        if (coefficients.GetLength(0) != outputs.Count || coefficients.GetLength(1) != vectors.Count)
        {
            throw new ArgumentException($"coefficients are {coefficients.GetLength(0)}×{coefficients.GetLength(1)}, expected {outputs.Count}×{vectors.Count} (outputs × vectors)", nameof(coefficients));
        }

        using var a = NativeArgs.Begin();
        var v = a.Handles(vectors, out long* counts);
        fixed (double* k = coefficients) Check(ats_lbfgs_combine(v, counts, vectors.Count, a.Copy(segments), segments.Count, k, a.Handles(outputs), outputs.Count));
    }
}
