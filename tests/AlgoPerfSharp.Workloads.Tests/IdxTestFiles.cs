using System.Buffers.Binary;
using System.IO.Compression;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>Writes small IDX files for loader tests.</summary>
internal static class IdxTestFiles
{
    public static byte[] Encode(int[] dims, byte[] data)
    {
        var header = new byte[4 + (4 * dims.Length)];
        header[2] = 0x08;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + (4 * i)), (uint)dims[i]);
        return [.. header, .. data];
    }

    public static void Write(string path, int[] dims, byte[] data, bool gzip)
    {
        var bytes = Encode(dims, data);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }

        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        gz.Write(bytes);
    }

    /// <summary>A tiny Fashion-MNIST-like directory: n train and m test images of h×w with labels i mod 10.</summary>
    public static void WriteFashionLike(string dir, int n, int m, int h = 28, int w = 28)
    {
        Write(Path.Combine(dir, "train-images-idx3-ubyte.gz"), [n, h, w], Pattern(n * h * w, 7), gzip: true);
        Write(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), [n], Labels(n), gzip: true);
        Write(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), [m, h, w], Pattern(m * h * w, 3), gzip: true);
        Write(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), [m], Labels(m), gzip: true);
    }

    public static byte[] Pattern(int n, int k)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)((i * k) % 256);
        return b;
    }

    public static byte[] Labels(int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte)(i % 10);
        return b;
    }
}
