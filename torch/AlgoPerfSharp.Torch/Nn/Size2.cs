namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// A (height, width) pair for 2-D kernel sizes, strides, paddings and dilations. Converts implicitly from one number
/// (the same for both dims) and from a <c>(height, width)</c> tuple, so call sites read
/// <c>Functional.Conv2d(x, w, stride: 2, padding: (1, 0))</c>.
/// </summary>
/// <param name="Height">The value along H (dim 2 of an (N, C, H, W) tensor).</param>
/// <param name="Width">The value along W (dim 3).</param>
public readonly record struct Size2(long Height, long Width)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(long value) => new(value, value);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Size2((long Height, long Width) value) => new(value.Height, value.Width);

    /// <summary>A (height, width) tuple of ints.</summary>
    public static implicit operator Size2((int Height, int Width) value) => new(value.Height, value.Width);

    /// <inheritdoc/>
    public override string ToString() => $"({Height}, {Width})";

    internal void CopyTo(Span<long> destination)
    {
        destination[0] = Height;
        destination[1] = Width;
    }
}
