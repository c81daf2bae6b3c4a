namespace AlgoPerfSharp.Workloads.Data;

/// <summary>Byte-level tokens (vocabulary 256) over text held in memory.</summary>
public sealed class ByteTokenSource : ITokenSource
{
    private readonly byte[] _bytes;

    /// <summary>Wraps <paramref name="bytes"/> (not copied).</summary>
    public ByteTokenSource(byte[] bytes) => _bytes = bytes ?? throw new ArgumentNullException(nameof(bytes));

    /// <inheritdoc/>
    public long Length => _bytes.Length;

    /// <inheritdoc/>
    public int VocabSize => 256;

    /// <inheritdoc/>
    public void Read(long offset, Span<long> destination)
    {
        var src = _bytes.AsSpan(checked((int)offset), destination.Length);
        for (int i = 0; i < src.Length; i++) destination[i] = src[i];
    }
}
