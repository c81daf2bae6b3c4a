using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch.Serialization;

/// <summary>
/// Reads and writes the safetensors format (the checkpoint format of Hugging Face and PyTorch users):
/// <list type="number">
/// <item>8 bytes: N, the header length, unsigned little-endian;</item>
/// <item>N bytes: a UTF-8 JSON object <c>{"__metadata__": {string: string}?, name: {"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [begin, end]}, ...}</c>, padded with spaces so that 8 + N is a multiple of 8;</item>
/// <item>the tensors' raw little-endian row-major bytes, offsets relative to the end of the header, back to back
/// with no gaps or overlaps.</item>
/// </list>
/// Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL. We write tensors sorted by name (ordinal).
/// </summary>
/// <remarks>Stateless and thread-safe; each call opens its own file handles.</remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted on load (100 MB, as in the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The reserved header key holding string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private const int CopyChunk = 1 << 26;

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/>. The file is written under a temporary name in the
    /// same directory, flushed to disk and then renamed over <paramref name="path"/>, so an existing checkpoint is
    /// never left half-written: if anything fails, the old file is untouched and the temporary file is removed.
    /// </summary>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="tensors">Name → tensor (any device; converted to contiguous CPU bytes). Not disposed.</param>
    /// <param name="metadata">Optional strings stored under <c>__metadata__</c>.</param>
    /// <exception cref="ArgumentException">A name is empty or reserved, or a dtype has no safetensors code.</exception>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Save(path, tensors, metadata, beforeTensorWrite: null);

    /// <summary>As the public overload, with a hook called before each tensor's bytes are written (failure-injection tests).</summary>
    internal static unsafe void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata, Action<string>? beforeTensorWrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O needs a little-endian machine");

        // Snapshot and validate everything before touching the disk.
        var entries = new List<Entry>(tensors.Count);
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(name) || name == MetadataKey)
            {
                throw new ArgumentException($"'{name}' cannot be a tensor name in a safetensors file", nameof(tensors));
            }

            if (tensor is null) throw new ArgumentException($"tensor '{name}' is null", nameof(tensors));
            ObjectDisposedException.ThrowIf(tensor.IsDisposed, tensor);
            string code = DTypeCode(tensor.DType);
            long nbytes = checked(tensor.NumElements * tensor.DType.ElementSize());
            entries.Add(new Entry(name, tensor, code, tensor.Shape, nbytes));
        }

        byte[] header = BuildHeader(entries, metadata);
        string fullPath = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(fullPath) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (var e in entries)
                {
                    beforeTensorWrite?.Invoke(e.Name);
                    WriteTensorBytes(fs, e);
                }

                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Reads every tensor of a safetensors file into new CPU tensors that the caller owns (they join the current <see cref="DisposeScope"/>).</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the problem.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    /// <summary>Reads every tensor and the <c>__metadata__</c> strings (empty when absent).</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the problem.</exception>
    public static unsafe Dictionary<string, Tensor> Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O needs a little-endian machine");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileLength = fs.Length;
        if (fileLength < 8) throw Bad(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length (truncated?)");
        Span<byte> lenBytes = stackalloc byte[8];
        fs.ReadExactly(lenBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLength > MaxHeaderBytes) throw Bad(path, $"the header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (corrupted length?)");
        if ((long)headerLength > fileLength - 8)
        {
            throw Bad(path, $"the header length {headerLength} runs past the end of the file ({fileLength} bytes; truncated or corrupted length)");
        }

        var header = new byte[headerLength];
        fs.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var (infos, meta) = ParseHeader(path, header);
        ValidateLayout(path, infos, dataLength);
        metadata = meta;

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in infos)
            {
                fs.Seek(dataStart + info.Begin, SeekOrigin.Begin);
                result.Add(info.Name, ReadTensor(fs, info));
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }

        return result;
    }

    /// <summary>The safetensors dtype code ("F32", "BF16", ...) of <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException">The dtype has no code.</exception>
    public static string DTypeCode(DType dtype) => dtype switch
    {
        DType.Float64 => "F64",
        DType.Float32 => "F32",
        DType.Float16 => "F16",
        DType.BFloat16 => "BF16",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.Int16 => "I16",
        DType.Int8 => "I8",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentException($"dtype {dtype} has no safetensors code", nameof(dtype)),
    };

    /// <summary>The dtype of a safetensors code, or null when unknown.</summary>
    public static DType? ParseDTypeCode(string code) => code switch
    {
        "F64" => DType.Float64,
        "F32" => DType.Float32,
        "F16" => DType.Float16,
        "BF16" => DType.BFloat16,
        "I64" => DType.Int64,
        "I32" => DType.Int32,
        "I16" => DType.Int16,
        "I8" => DType.Int8,
        "U8" => DType.UInt8,
        "BOOL" => DType.Bool,
        _ => null,
    };

    // ---- writing ---------------------------------------------------------------------------------------------

    private static byte[] BuildHeader(List<Entry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(v, "metadata[" + k + "]");
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.Code);
                w.WriteStartArray("shape");
                foreach (long s in e.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.ByteCount);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.ByteCount;
            }

            w.WriteEndObject();
        }

        int pad = (int)((8 - (ms.Length % 8)) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    private static unsafe void WriteTensorBytes(FileStream fs, Entry e)
    {
        if (e.ByteCount == 0) return;
        byte* buffer = (byte*)NativeMemory.Alloc((nuint)e.ByteCount);
        try
        {
            Check(ats_copy_to(e.Tensor.Handle, buffer, e.ByteCount));
            for (long done = 0; done < e.ByteCount; done += CopyChunk)
            {
                int n = (int)Math.Min(CopyChunk, e.ByteCount - done);
                fs.Write(new ReadOnlySpan<byte>(buffer + done, n));
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: the temporary file is hidden and uniquely named.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    private static (List<TensorInfo> Infos, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Bad(path, "the header is not valid JSON: " + e.Message, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, $"the header is a JSON {root.ValueKind}, not an object");
            var infos = new List<TensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                if (!names.Add(prop.Name)) throw Bad(path, $"the header lists '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"__metadata__ entry '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }

                    continue;
                }

                infos.Add(ParseTensorInfo(path, prop.Name, prop.Value));
            }

            return (infos, metadata);
        }
    }

    private static TensorInfo ParseTensorInfo(string path, string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}': the entry is not an object");
        if (!e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
        {
            throw Bad(path, $"tensor '{name}': missing or non-string \"dtype\"");
        }

        string code = dtypeEl.GetString()!;
        var dtype = ParseDTypeCode(code) ?? throw Bad(path, $"tensor '{name}': unknown dtype \"{code}\"");
        if (!e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, $"tensor '{name}': missing or non-array \"shape\"");
        }

        var shape = new long[shapeEl.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0)
            {
                throw Bad(path, $"tensor '{name}': shape entry {d} is not a non-negative integer");
            }

            shape[i++] = v;
        }

        if (!e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
        {
            throw Bad(path, $"tensor '{name}': \"data_offsets\" must be an array [begin, end]");
        }

        var offsets = new long[2];
        for (int k = 0; k < 2; k++)
        {
            var o = offEl[k];
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out offsets[k]) || offsets[k] < 0)
            {
                throw Bad(path, $"tensor '{name}': data offset {o} is not a non-negative integer");
            }
        }

        if (offsets[1] < offsets[0]) throw Bad(path, $"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long expected;
        try
        {
            expected = dtype.ElementSize();
            foreach (long d in shape) expected = checked(expected * d);
        }
        catch (OverflowException)
        {
            throw Bad(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
        }

        long actual = offsets[1] - offsets[0];
        if (expected != actual)
        {
            throw Bad(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {code} needs {expected} bytes but data_offsets [{offsets[0]}, {offsets[1]}] hold {actual}");
        }

        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static void ValidateLayout(string path, List<TensorInfo> infos, long dataLength)
    {
        long cursor = 0;
        foreach (var info in infos.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (info.End > dataLength)
            {
                throw Bad(path, $"tensor '{info.Name}': data_offsets [{info.Begin}, {info.End}] run past the {dataLength} data bytes (truncated?)");
            }

            if (info.Begin < cursor) throw Bad(path, $"tensor '{info.Name}': data_offsets [{info.Begin}, {info.End}] overlap the previous tensor (which ends at {cursor})");
            if (info.Begin > cursor) throw Bad(path, $"tensor '{info.Name}': data_offsets begin at {info.Begin}, leaving a gap after byte {cursor}");
            cursor = info.End;
        }

        if (cursor != dataLength) throw Bad(path, $"the tensors cover {cursor} data bytes but the file holds {dataLength} after the header");
    }

    private static unsafe Tensor ReadTensor(FileStream fs, TensorInfo info)
    {
        long nbytes = info.End - info.Begin;
        byte* buffer = nbytes == 0 ? null : (byte*)NativeMemory.Alloc((nuint)nbytes);
        try
        {
            for (long done = 0; done < nbytes; done += CopyChunk)
            {
                int n = (int)Math.Min(CopyChunk, nbytes - done);
                fs.ReadExactly(new Span<byte>(buffer + done, n));
            }

            fixed (long* sp = info.Shape)
            {
                return Tensor.Wrap(ats_from_data(buffer, nbytes, sp, info.Shape.Length, (int)info.DType, out var r), r);
            }
        }
        finally
        {
            if (buffer != null) NativeMemory.Free(buffer);
        }
    }

    private static InvalidDataException Bad(string path, string problem, Exception? inner = null) =>
        new($"'{path}' is not a valid safetensors file: {problem}", inner);

    private sealed record Entry(string Name, Tensor Tensor, string Code, long[] Shape, long ByteCount);

    private sealed record TensorInfo(string Name, DType DType, long[] Shape, long Begin, long End);
}
