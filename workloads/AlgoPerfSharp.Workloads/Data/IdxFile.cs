using System.Buffers.Binary;
using System.IO.Compression;

namespace AlgoPerfSharp.Workloads.Data;

/// <summary>An IDX array (the MNIST file format) of unsigned bytes: dims and row-major data.</summary>
/// <param name="Path">The file it was read from.</param>
/// <param name="Dims">Sizes, outermost first (e.g. [60000, 28, 28]).</param>
/// <param name="Data">Row-major elements.</param>
public sealed record IdxData(string Path, int[] Dims, byte[] Data)
{
    /// <summary>Number of items (the first dim).</summary>
    public int Count => Dims[0];
}

/// <summary>
/// Reads IDX files, gzip-compressed (<c>.gz</c>) or raw. Only the unsigned-byte element type (0x08) is supported,
/// which is what MNIST-style image and label files use. Any problem throws <see cref="InvalidDataException"/> naming
/// the file and what was expected.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <param name="path">An IDX file, gzip-compressed if its first two bytes are the gzip magic.</param>
    /// <param name="installHint">Appended to "file not found" messages.</param>
    public static IdxData Read(string path, string? installHint = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file {path} does not exist. {installHint}".TrimEnd(), path);
        }

        bool gzip = IsGzip(path);
        if (!gzip)
        {
            try
            {
                return ReadRaw(path);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{e.Message}. {installHint}".TrimEnd(), e);
            }
        }

        byte[] bytes;
        try
        {
            bytes = Gunzip(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is corrupt or truncated ({e.Message}). Reinstall the file. {installHint}".TrimEnd(), e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is truncated. Reinstall the file. {installHint}".TrimEnd(), e);
        }

        try
        {
            return Parse(path, bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message}. The gzip stream may be truncated; reinstall the file. {installHint}".TrimEnd(), e);
        }
    }

    /// <summary>Parses IDX bytes already in memory.</summary>
    public static IdxData Parse(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var (dims, headerLength) = Header(path, bytes, bytes.Length);
        return new IdxData(path, dims, bytes.AsSpan(headerLength).ToArray());
    }

    // An uncompressed file: the header, then the data read straight into their own array (no second copy of the file).
    private static IdxData ReadRaw(string path)
    {
        using var f = File.OpenRead(path);
        var head = new byte[(int)Math.Min(f.Length, 4 + (4 * 4))];
        f.ReadExactly(head);
        var (dims, headerLength) = Header(path, head, f.Length);
        var data = new byte[f.Length - headerLength];
        f.Position = headerLength;
        f.ReadExactly(data);
        return new IdxData(path, dims, data);
    }

    // Validates the header at the start of a file of fileLength bytes: (dims, header length).
    private static (int[] Dims, int HeaderLength) Header(string path, byte[] bytes, long fileLength)
    {
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{path}: not an IDX file (expected magic 00 00 <type> <ndims>, found {Hex(bytes, 4)})");
        }

        if (bytes[2] != 0x08)
        {
            throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:x2} is not supported (expected 0x08, unsigned byte)");
        }

        int ndims = bytes[3];
        if (ndims < 1 || ndims > 4)
        {
            throw new InvalidDataException($"{path}: IDX header declares {ndims} dimensions (expected 1 to 4)");
        }

        int headerLength = 4 + (4 * ndims);
        if (fileLength < headerLength)
        {
            throw new InvalidDataException($"{path}: file ends inside the IDX header ({fileLength} bytes, header needs {headerLength})");
        }

        var dims = new int[ndims];
        long count = 1;
        for (int i = 0; i < ndims; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            if (d == 0 || d > int.MaxValue)
            {
                throw new InvalidDataException($"{path}: IDX dimension {i} has invalid size {d}");
            }

            dims[i] = (int)d;
            count *= d;
        }

        long expected = headerLength + count;
        if (fileLength != expected)
        {
            throw new InvalidDataException(
                $"{path}: IDX header declares shape [{string.Join(", ", dims)}] = {count} bytes of data, so the file should be {expected} bytes, but it is {fileLength}");
        }

        return (dims, headerLength);
    }

    private static bool IsGzip(string path)
    {
        using var f = File.OpenRead(path);
        return f.ReadByte() == 0x1f && f.ReadByte() == 0x8b;
    }

    private static byte[] Gunzip(string path)
    {
        using var f = File.OpenRead(path);
        using var gz = new GZipStream(f, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static string Hex(byte[] b, int n) => Convert.ToHexString(b.AsSpan(0, Math.Min(n, b.Length)));
}
