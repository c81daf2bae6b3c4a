using System.Text;

namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// A text corpus of whole documents, split by document so no text leaks between splits: in the documents' order,
/// index mod 20 = 0 goes to validation, index mod 20 = 10 to test, the rest to train. Each split is the UTF-8 bytes of
/// its documents joined by a blank line (byte-level tokens, vocabulary 256).
/// </summary>
/// <param name="Documents">Document names (file names) in corpus order.</param>
/// <param name="Train">Training bytes.</param>
/// <param name="Validation">Validation bytes.</param>
/// <param name="Test">Test bytes.</param>
public sealed record TextCorpus(IReadOnlyList<string> Documents, byte[] Train, byte[] Validation, byte[] Test)
{
    /// <summary>Documents needed so that every split gets at least one (indices 0 and 10 are held out).</summary>
    public const int MinimumDocuments = 12;

    private static readonly byte[] Separator = "\n\n"u8.ToArray();

    /// <summary>Which split document <paramref name="index"/> belongs to.</summary>
    public static DataSplit SplitOf(int index) => (index % 20) switch
    {
        0 => DataSplit.Validation,
        10 => DataSplit.Test,
        _ => DataSplit.Train,
    };

    /// <summary>
    /// Loads every <c>*.txt</c> file of <paramref name="directory"/>, sorted by file name (for the State of the Union
    /// corpus: chronological by year, then by president's name).
    /// </summary>
    public static TextCorpus FromFolder(string directory, string? installHint = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"text corpus directory {directory} does not exist. {installHint}".TrimEnd());
        }

        var files = Directory.GetFiles(directory, "*.txt").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{directory}: the corpus is empty (no .txt files). {installHint}".TrimEnd());
        }

        // Each split is one byte array, so no document and no split may pass .NET's array limit (~2 GiB): say so
        // before reading anything, instead of an overflow part-way through.
        long total = 0;
        foreach (string f in files)
        {
            long length = new FileInfo(f).Length;
            total += length;
            if (length > MaxBytes || total > MaxBytes)
            {
                throw new InvalidDataException(
                    $"{directory}: {(length > MaxBytes ? $"{Path.GetFileName(f)} is {length:N0} bytes" : $"the .txt files add up to more than {MaxBytes:N0} bytes")}, " +
                    $"more than the byte-level text loader holds in memory ({MaxBytes:N0} bytes); tokenize large corpora into nanoGPT-style uint16 .bin files instead");
            }
        }

        var docs = files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        return FromDocuments(docs, directory);
    }

    /// <summary>The most bytes <see cref="FromFolder"/> reads (all documents together): the largest .NET byte array.</summary>
    public static long MaxBytes => Array.MaxLength;

    /// <summary>Builds the splits from (name, bytes) documents in corpus order.</summary>
    public static TextCorpus FromDocuments(IReadOnlyList<(string Name, byte[] Bytes)> documents, string source = "corpus")
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count < MinimumDocuments)
        {
            throw new InvalidDataException(
                $"{source}: {documents.Count} documents; splitting by document (index mod 20 = 0 → validation, 10 → test) needs at least {MinimumDocuments}");
        }

        var parts = new Dictionary<DataSplit, List<byte[]>> { [DataSplit.Train] = [], [DataSplit.Validation] = [], [DataSplit.Test] = [] };
        for (int i = 0; i < documents.Count; i++)
        {
            if (documents[i].Bytes.Length == 0)
            {
                throw new InvalidDataException($"{source}: document {documents[i].Name} is empty");
            }

            parts[SplitOf(i)].Add(documents[i].Bytes);
        }

        return new TextCorpus(documents.Select(d => d.Name).ToArray(), Join(parts[DataSplit.Train]), Join(parts[DataSplit.Validation]), Join(parts[DataSplit.Test]));
    }

    /// <summary>The bytes of <paramref name="split"/>.</summary>
    public byte[] Bytes(DataSplit split) => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Validation => Validation,
        DataSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    private static byte[] Join(List<byte[]> docs)
    {
        using var ms = new MemoryStream();
        for (int i = 0; i < docs.Count; i++)
        {
            if (i > 0) ms.Write(Separator);
            ms.Write(docs[i]);
        }

        return ms.ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"TextCorpus({Documents.Count} documents; train {Train.Length:N0} B, validation {Validation.Length:N0} B, test {Test.Length:N0} B)";

    /// <summary>Decodes a byte range as UTF-8 (for samples in logs).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
