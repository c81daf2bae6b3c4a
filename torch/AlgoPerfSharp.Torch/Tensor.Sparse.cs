using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Sparse COO tensors with one sparse dim — the form of an embedding table's gradient when the lookup asked for sparse
/// gradients (<see cref="Nn.Functional.EmbeddingBag"/> with <c>sparse: true</c>): a (V, ...) tensor stored as the rows
/// looked up and one value slice per lookup, possibly with repeated rows (their values add up). Only these members,
/// <c>Shape</c> and <c>DType</c> are meant for sparse tensors; anything else (strides, views,
/// <c>ToArray</c>, most math) needs <see cref="ToDense"/> or <see cref="SparseRows"/> first.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>True when this tensor has the sparse COO layout.</summary>
    public bool IsSparse
    {
        get
        {
            Check(ats_tensor_is_sparse(Handle, out bool v));
            return v;
        }
    }

    /// <summary>
    /// A dense copy of a sparse tensor (repeated rows summed, absent rows zero); a new handle to this tensor itself when
    /// it is already dense. The caller owns the result.
    /// </summary>
    public Tensor ToDense() => Wrap(ats_sparse_to_dense(Handle, out var r), r);

    /// <summary>
    /// The coalesced form of a sparse tensor with one sparse dim: <c>Rows</c> int64 (nnz), unique and ascending, and
    /// <c>Values</c> (nnz, ...) with repeated rows summed. The caller owns both.
    /// </summary>
    /// <exception cref="TorchException">The tensor is dense or has more than one sparse dim.</exception>
    public (Tensor Rows, Tensor Values) SparseRows()
    {
        Check(ats_sparse_rows(Handle, out var rows, out var values));
        return (new Tensor(rows), new Tensor(values));
    }

    /// <summary>
    /// A sparse (<paramref name="size"/>, ...) tensor holding <paramref name="values"/> (nnz, ...) at
    /// <paramref name="rows"/> int64 (nnz), each in [0, size); rows may repeat (their values add up). Both are copied.
    /// </summary>
    /// <exception cref="TorchException">A row is out of range, or the row and value counts differ.</exception>
    public static Tensor SparseFromRows(Tensor rows, Tensor values, long size)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(values);
        return Wrap(ats_sparse_from_rows(rows.Handle, values.Handle, size, out var r), r);
    }

    /// <summary>
    /// Replaces a sparse <see cref="Grad"/> by its dense copy (<see cref="ToDense"/>); returns whether it did. A dense
    /// or absent gradient is left alone. What the harness does for every algorithm that does not accept sparse gradients.
    /// </summary>
    public bool DensifyGradInPlace()
    {
        using var grad = Grad;
        if (grad is null || !grad.IsSparse) return false;
        using var dense = grad.ToDense();
        Grad = dense;
        return true;
    }
}
