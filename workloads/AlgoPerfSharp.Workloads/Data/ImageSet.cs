namespace AlgoPerfSharp.Workloads.Data;

/// <summary>Grayscale images with integer labels, kept as bytes (normalisation happens when batching).</summary>
/// <param name="Pixels">Row-major <c>Count × Height × Width</c> bytes.</param>
/// <param name="Labels">One label per image.</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="NumClasses">Number of label classes.</param>
public sealed record ImageSet(byte[] Pixels, byte[] Labels, int Height, int Width, int NumClasses)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Subset(ReadOnlySpan<int> indices)
    {
        int size = Height * Width;
        var px = new byte[indices.Length * size];
        var lb = new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, px, (long)i * size, size);
            lb[i] = Labels[indices[i]];
        }

        return new ImageSet(px, lb, Height, Width, NumClasses);
    }

    /// <summary>Builds a set from an IDX image file and an IDX label file, checking they agree.</summary>
    public static ImageSet FromIdx(IdxData images, IdxData labels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Dims.Length != 3)
        {
            throw new InvalidDataException($"{images.Path}: expected 3 dims (count, height, width), found [{string.Join(", ", images.Dims)}]");
        }

        if (labels.Dims.Length != 1)
        {
            throw new InvalidDataException($"{labels.Path}: expected 1 dim (count), found [{string.Join(", ", labels.Dims)}]");
        }

        if (images.Count != labels.Count)
        {
            throw new InvalidDataException($"{images.Path} has {images.Count} images but {labels.Path} has {labels.Count} labels");
        }

        for (int i = 0; i < labels.Data.Length; i++)
        {
            if (labels.Data[i] >= numClasses)
            {
                throw new InvalidDataException($"{labels.Path}: label {labels.Data[i]} at index {i} is outside 0..{numClasses - 1}");
            }
        }

        return new ImageSet(images.Data, labels.Data, images.Dims[1], images.Dims[2], numClasses);
    }
}
