namespace AlgoPerfSharp.Workloads.Data;

/// <summary>A read-only sequence of token ids (bytes of text, or uint16 GPT-2 tokens from a .bin file).</summary>
public interface ITokenSource
{
    /// <summary>Number of tokens.</summary>
    long Length { get; }

    /// <summary>Vocabulary size (exclusive upper bound of token ids).</summary>
    int VocabSize { get; }

    /// <summary>Copies tokens [offset, offset + destination.Length) into <paramref name="destination"/>.</summary>
    void Read(long offset, Span<long> destination);
}
