using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models.Dlrm;

/// <summary>
/// A compositional embedding by the quotient–remainder trick (arXiv 1909.02107, <c>mult</c> combination): id i maps
/// to Q[i / m] ⊙ R[i mod m], with Q of ⌈V/m⌉ rows and R of m rows, so V categories cost (⌈V/m⌉ + m)·D parameters and
/// every category still gets a distinct pair of rows. Q is initialised as a plain table (U(0, 1)/√V); R as ones plus
/// U(−0.1, 0.1), so at start the product stays close to the plain table's scale. Both are tagged
/// <see cref="ParameterType.Embedding"/>.
/// </summary>
public sealed class QrEmbedding : Module
{
    private readonly long _collisions;
    private readonly Tensor _divisor;

    /// <summary>Creates the two tables (Q then R drawn from <paramref name="generator"/>).</summary>
    public QrEmbedding(long rows, long dim, long collisions, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(collisions, 2);
        _collisions = collisions;
        _divisor = RegisterBuffer("m", Tensor.From<long>([collisions]));
        Quotient = RegisterParameter("q", Tensor.Empty([(rows + collisions - 1) / collisions, dim]));
        Remainder = RegisterParameter("r", Tensor.Empty([collisions, dim]));
        Init.Uniform(Quotient, 0, 1 / Math.Sqrt(rows), generator);
        Init.Uniform(Remainder, 0.9, 1.1, generator);
        ParameterTags.Tag(Quotient, ParameterType.Embedding);
        ParameterTags.Tag(Remainder, ParameterType.Embedding);
    }

    /// <summary>Q (⌈V/m⌉, D).</summary>
    public Parameter Quotient { get; }

    /// <summary>R (m, D).</summary>
    public Parameter Remainder { get; }

    /// <summary>Ids (N) int64 → (N, D); dense gradients for Q and R.</summary>
    public override Tensor Forward(Tensor input) =>
        Functional.Embedding(input.FloorDivide(_divisor), Quotient) * Functional.Embedding(input.Remainder(_collisions), Remainder);

    /// <summary>
    /// The same lookup with a sparse gradient for Q (a one-id embedding bag per id; <paramref name="bags"/> = 0 … N − 1):
    /// ids (N) int64 → (N, D). R, of <c>m</c> rows, keeps its dense gradient.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor bags) =>
        Functional.EmbeddingBag(Quotient, input.FloorDivide(_divisor), bags, EmbeddingBagMode.Sum, sparse: true) * Functional.Embedding(input.Remainder(_collisions), Remainder);
}
