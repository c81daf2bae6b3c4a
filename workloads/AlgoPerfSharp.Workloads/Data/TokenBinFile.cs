using System.IO.MemoryMappedFiles;

namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// A nanoGPT-style token file: raw little-endian <c>uint16</c> token ids with no header, memory-mapped so that
/// multi-gigabyte files cost no RAM. Thread-safe for concurrent reads.
/// </summary>
public sealed class TokenBinFile : ITokenSource, IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    /// <summary>Opens <paramref name="path"/>; <paramref name="vocabSize"/> bounds the ids (GPT-2: 50,257).</summary>
    public TokenBinFile(string path, int vocabSize = 50_257)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"token file {path} does not exist", path);
        long bytes = new FileInfo(path).Length;
        if (bytes == 0) throw new InvalidDataException($"{path}: the token file is empty");
        if (bytes % 2 != 0) throw new InvalidDataException($"{path}: {bytes} bytes is not a whole number of uint16 tokens (a .bin token file holds 2 bytes per token)");
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 2);
        Path = path;
        Length = bytes / 2;
        VocabSize = vocabSize;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public long Length { get; }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public unsafe void Read(long offset, Span<long> destination)
    {
        if (offset < 0 || offset + destination.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"reading {destination.Length} tokens at {offset} passes the end ({Length})");
        }

        byte* basePtr = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        try
        {
            var src = new ReadOnlySpan<ushort>(basePtr + _view.PointerOffset + (offset * 2), destination.Length);
            for (int i = 0; i < src.Length; i++)
            {
                ushort t = BitConverter.IsLittleEndian ? src[i] : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(src[i]);
                if (t >= VocabSize) throw new InvalidDataException($"{Path}: token {t} at position {offset + i} is outside the vocabulary (size {VocabSize})");
                destination[i] = t;
            }
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
