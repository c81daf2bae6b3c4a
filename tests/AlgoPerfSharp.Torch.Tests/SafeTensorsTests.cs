using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Torch.Serialization;

namespace AlgoPerfSharp.Torch.Tests;

/// <summary>The safetensors writer and reader: exact round trips, the byte layout, and every kind of bad file.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "algoperf-st-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    /// <summary>Writes a file by hand: 8-byte LE length, the header (padded with spaces to 8 bytes), the data.</summary>
    private static void WriteRaw(string path, string header, byte[] data, ulong? lengthOverride = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        int pad = (8 - (h.Length % 8)) % 8;
        var bytes = new byte[8 + h.Length + pad + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthOverride ?? (ulong)(h.Length + pad));
        h.CopyTo(bytes, 8);
        for (int i = 0; i < pad; i++) bytes[8 + h.Length + i] = (byte)' ';
        data.CopyTo(bytes, 8 + h.Length + pad);
        System.IO.File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void EveryDTypeRoundTripsBitExactly()
    {
        using var scope = new DisposeScope();
        float[] f32 = [1.5f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, BitConverter.Int32BitsToSingle(0x7fc01234)];
        double[] f64 = [Math.PI, -0.0, double.Epsilon, double.MinValue, BitConverter.Int64BitsToDouble(0x7ff8_0000_0000_abcd)];
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Tensor.From<float>(f32),
            ["f64"] = Tensor.From<double>(f64),
            ["f16"] = Tensor.From<Half>([(Half)1.5f, Half.MinValue, Half.Epsilon, (Half)(-0f)], [2, 2]),
            ["bf16"] = Tensor.From<float>([1.5f, -3.25f, 1e30f, -0f]).To(DType.BFloat16),
            ["i64"] = Tensor.From<long>([long.MinValue, long.MaxValue, 0, -1], [1, 2, 2]),
            ["i32"] = Tensor.From<int>([int.MinValue, int.MaxValue, 7]),
            ["i16"] = Tensor.From<short>([short.MinValue, 123]),
            ["i8"] = Tensor.From<sbyte>([sbyte.MinValue, -1, 5]),
            ["u8"] = Tensor.From<byte>([0, 255, 128]),
            ["bool"] = Tensor.From<bool>([true, false, true]),
            ["scalar"] = Tensor.Scalar(42.0, DType.Float64),
            ["empty"] = Tensor.Zeros([0, 3]),
        };
        string path = File("all.safetensors");
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, t) in tensors)
        {
            var l = loaded[name];
            Assert.Equal(t.DType, l.DType);
            Assert.Equal(t.Shape, l.Shape);
        }

        Assert.Equal(f32.Select(BitConverter.SingleToInt32Bits), loaded["f32"].ToArray<float>().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(f64.Select(BitConverter.DoubleToInt64Bits), loaded["f64"].ToArray<double>().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(tensors["f16"].ToArray<Half>().Select(BitConverter.HalfToInt16Bits), loaded["f16"].ToArray<Half>().Select(BitConverter.HalfToInt16Bits));
        // bf16 → f32 is exact, so equal f32 bits mean equal bf16 bits.
        Assert.Equal(tensors["bf16"].To(DType.Float32).ToArray<float>().Select(BitConverter.SingleToInt32Bits), loaded["bf16"].To(DType.Float32).ToArray<float>().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(new[] { long.MinValue, long.MaxValue, 0, -1 }, loaded["i64"].ToArray<long>());
        Assert.Equal(new[] { int.MinValue, int.MaxValue, 7 }, loaded["i32"].ToArray<int>());
        Assert.Equal(new short[] { short.MinValue, 123 }, loaded["i16"].ToArray<short>());
        Assert.Equal(new sbyte[] { sbyte.MinValue, -1, 5 }, loaded["i8"].ToArray<sbyte>());
        Assert.Equal(new byte[] { 0, 255, 128 }, loaded["u8"].ToArray<byte>());
        Assert.Equal(new[] { true, false, true }, loaded["bool"].ToArray<bool>());
        Assert.Equal(42.0, loaded["scalar"].ToDouble());
        Assert.Empty(loaded["scalar"].Shape);
    }

    [Fact]
    public void TheFileLayoutIsTheSafetensorsFormatByteForByte()
    {
        using var scope = new DisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.From<float>([1f, -2f, 0.5f, 3f, 4f, 5f], [2, 3]),
            ["b"] = Tensor.From<float>([1.5f]).To(DType.BFloat16),
            ["n"] = Tensor.From<long>([-2]),
        };
        string path = File("layout.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "12" });
        var bytes = System.IO.File.ReadAllBytes(path);

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);                         // data starts 8-byte aligned
        var headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{", headerText, StringComparison.Ordinal);
        Assert.Equal(headerText.TrimEnd(' ').Length, headerText.TrimEnd().Length); // padding is spaces only
        using var doc = JsonDocument.Parse(headerText);
        var root = doc.RootElement;
        Assert.Equal(["__metadata__", "b", "n", "w"], root.EnumerateObject().Select(p => p.Name)); // names sorted
        Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());

        int dataStart = 8 + (int)n;
        void CheckEntry(string name, string dtype, long[] shape, long begin, long end, byte[] expectedBytes)
        {
            var e = root.GetProperty(name);
            Assert.Equal(dtype, e.GetProperty("dtype").GetString());
            Assert.Equal(shape, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()));
            Assert.Equal([begin, end], e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()));
            Assert.Equal(expectedBytes, bytes.AsSpan(dataStart + (int)begin, (int)(end - begin)).ToArray());
        }

        CheckEntry("b", "BF16", [1], 0, 2, [0xC0, 0x3F]); // 1.5 = 0x3FC0, little-endian
        CheckEntry("n", "I64", [1], 2, 10, BitConverter.GetBytes(-2L));
        CheckEntry("w", "F32", [2, 3], 10, 34, new[] { 1f, -2f, 0.5f, 3f, 4f, 5f }.SelectMany(BitConverter.GetBytes).ToArray());
        Assert.Equal(dataStart + 34, bytes.Length);

        SafeTensors.Load(path, out var metadata);
        Assert.Equal("12", metadata["step"]);
    }

    [Fact]
    public void AHandWrittenFileLoads()
    {
        // The layout another implementation (Python's safetensors) produces, written byte by byte.
        string path = File("hand.safetensors");
        var data = new[] { 1.0, 2.0, 3.0 }.SelectMany(BitConverter.GetBytes).Concat(new byte[] { 7, 0, 0, 0 }).ToArray();
        WriteRaw(path, """{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"y":{"dtype":"I32","shape":[],"data_offsets":[24,28]}}""", data);
        using var scope = new DisposeScope();
        var t = SafeTensors.Load(path);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, t["x"].ToArray<double>());
        Assert.Equal(7, t["y"].ToInt64());
        Assert.Equal(DType.Int32, t["y"].DType);
    }

    public static TheoryData<string, string, string> BadFiles() => new()
    {
        // name, header JSON (data: 24 bytes), expected message fragment
        { "badjson", """{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}""", "not valid JSON" },
        { "notobject", """[1, 2, 3]""", "not an object" },
        { "dtype", """{"x":{"dtype":"F63","shape":[3],"data_offsets":[0,24]}}""", "unknown dtype \"F63\"" },
        { "count", """{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,24]}}""", "needs 16 bytes" },
        { "overlap", """{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"y":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""", "overlap" },
        { "gap", """{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"F64","shape":[1],"data_offsets":[16,24]}}""", "gap" },
        { "range", """{"x":{"dtype":"F64","shape":[4],"data_offsets":[0,32]}}""", "run past" },
        { "short", """{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}""", "cover 16 data bytes but the file holds 24" },
        { "negative", """{"x":{"dtype":"F64","shape":[-3],"data_offsets":[0,24]}}""", "not a non-negative integer" },
        { "offsets", """{"x":{"dtype":"F64","shape":[3],"data_offsets":[24,0]}}""", "end before they begin" },
        { "dup", """{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}""", "twice" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadHeadersGiveInvalidDataExceptionNamingTheFile(string name, string header, string fragment)
    {
        string path = File($"bad-{name}.safetensors");
        WriteRaw(path, header, new byte[24]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains($"bad-{name}.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFilesAndCorruptedLengthsAreRejected()
    {
        using var scope = new DisposeScope();
        string good = File("good.safetensors");
        SafeTensors.Save(good, new Dictionary<string, Tensor> { ["w"] = Tensor.RandN([10, 10]) });
        var bytes = System.IO.File.ReadAllBytes(good);

        string truncated = File("truncated.safetensors");
        System.IO.File.WriteAllBytes(truncated, bytes[..^7]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(truncated));
        Assert.Contains("truncated.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("run past", ex.Message, StringComparison.Ordinal);

        string tiny = File("tiny.safetensors");
        System.IO.File.WriteAllBytes(tiny, bytes[..5]);
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(tiny));
        Assert.Contains("tiny.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("fewer than the 8-byte header length", ex.Message, StringComparison.Ordinal);

        string headerCut = File("headercut.safetensors");
        System.IO.File.WriteAllBytes(headerCut, bytes[..20]);
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(headerCut));
        Assert.Contains("headercut.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("runs past the end of the file", ex.Message, StringComparison.Ordinal);

        string huge = File("hugelength.safetensors");
        var corrupted = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(corrupted, 0xFFFF_FFFF_0000_0010);
        System.IO.File.WriteAllBytes(huge, corrupted);
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(huge));
        Assert.Contains("hugelength.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);

        string longer = File("longer.safetensors");
        BinaryPrimitives.WriteUInt64LittleEndian(corrupted, (ulong)bytes.Length); // within the cap but past the end
        System.IO.File.WriteAllBytes(longer, corrupted);
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(longer));
        Assert.Contains("longer.safetensors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedSaveLeavesTheOriginalFileUntouchedAndNoTempFiles()
    {
        using var scope = new DisposeScope();
        string path = File("ckpt.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["old"] = Tensor.Ones([4]) });
        var original = System.IO.File.ReadAllBytes(path);

        var replacement = new Dictionary<string, Tensor> { ["a"] = Tensor.RandN([1000]), ["b"] = Tensor.RandN([1000]) };
        // Fails after the header and tensor "a" have been written to disk.
        var ex = Assert.Throws<IOException>(() => SafeTensors.Save(path, replacement, null, name =>
        {
            if (name == "b") throw new IOException("simulated disk failure");
        }));
        Assert.Equal("simulated disk failure", ex.Message);
        Assert.Equal(original, System.IO.File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir)); // the temporary file was removed

        // A disposed tensor is caught before anything is written.
        var disposed = Tensor.Ones([2]);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["d"] = disposed }));
        Assert.Equal(original, System.IO.File.ReadAllBytes(path));

        // And a successful save replaces it.
        SafeTensors.Save(path, replacement);
        Assert.Equal(["a", "b"], SafeTensors.Load(path).Keys.Order(StringComparer.Ordinal));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = Tensor.Ones([1]) }));
    }

    [Fact]
    public void ModuleSaveAndLoadRoundTripThroughAFile()
    {
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var a = new Sequential(new Conv2d(1, 2, 3, generator: g1), new BatchNorm2d(2), new Flatten(), new Linear(2 * 3 * 3, 4, generator: g1));
        using var b = new Sequential(new Conv2d(1, 2, 3, generator: g2), new BatchNorm2d(2), new Flatten(), new Linear(2 * 3 * 3, 4, generator: g2));
        using var scope = new DisposeScope();
        var x = Tensor.RandN([3, 1, 5, 5], g1);
        a.Forward(x); // updates a's running statistics
        a.Eval();
        b.Eval();
        string path = File("model.safetensors");
        a.Save(path);
        var result = b.Load(path);
        Assert.Empty(result.MissingKeys);
        Assert.Equal(a.Forward(x).ToArray<float>(), b.Forward(x).ToArray<float>());
        Assert.Equal(1L, ((BatchNorm2d)b[1]).NumBatchesTracked!.ToInt64());

        using var other = new Sequential(new Linear(3, 3));
        var ex = Assert.Throws<InvalidDataException>(() => other.Load(path));
        Assert.Contains("model.safetensors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size mismatch for '0.weight'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected key(s): '1.bias'", ex.Message, StringComparison.Ordinal);
    }
}
