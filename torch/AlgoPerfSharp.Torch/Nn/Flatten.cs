namespace AlgoPerfSharp.Torch.Nn;

/// <summary>Flattens dims from <see cref="StartDim"/> to the end into one (PyTorch's <c>nn.Flatten</c>), e.g. (N, C, H, W) → (N, C·H·W).</summary>
public sealed class Flatten : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="startDim">First dim to flatten (default 1, keeping the batch dim).</param>
    public Flatten(int startDim = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startDim);
        StartDim = startDim;
    }

    /// <summary>First flattened dim.</summary>
    public int StartDim { get; }

    /// <summary>(d0, ..., d_{s−1}, d_s, ...) → (d0, ..., d_{s−1}, ∏ rest).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Shape;
        if (StartDim > shape.Length) throw new ArgumentException($"Flatten(startDim: {StartDim}) needs at least {StartDim} dims, got {shape.Length}", nameof(input));
        var target = new long[StartDim + 1];
        long rest = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < StartDim) target[i] = shape[i];
            else rest *= shape[i];
        }

        target[StartDim] = rest;
        return input.Reshape(target);
    }
}
