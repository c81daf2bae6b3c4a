using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models.Dlrm;

/// <summary>
/// AlgoPerf's <c>DotInteract</c>: stacks the bottom MLP's output and the n − 1 embeddings into (N, n, D), takes all
/// pairwise dot products (N, n, n), keeps the upper triangle including the diagonal (n(n+1)/2 values) and prepends the
/// bottom output: (N, D + n(n+1)/2). No parameters.
/// </summary>
public sealed class DotInteraction : Module
{
    private readonly Tensor _upper;

    /// <summary>Creates the interaction of <paramref name="vectors"/> vectors.</summary>
    public DotInteraction(int vectors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vectors, 1);
        var idx = new List<long>();
        for (int i = 0; i < vectors; i++)
        {
            for (int j = i; j < vectors; j++) idx.Add((i * vectors) + j);
        }

        _upper = RegisterBuffer("upper", Tensor.From<long>(idx.ToArray()));
    }

    /// <summary>(N, n, D) stacked vectors, the bottom output first → (N, D + n(n+1)/2).</summary>
    public override Tensor Forward(Tensor input)
    {
        long n = input.Shape[0], k = input.Shape[1];
        var dots = input.Bmm(input.Transpose(1, 2)).Reshape(n, k * k); // (N, n·n)
        return Tensor.Cat([input.Select(1, 0), dots.IndexSelect(1, _upper)], 1);
    }
}
