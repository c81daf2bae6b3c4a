using System.Buffers.Binary;
using System.IO.Compression;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// A minimal PNG decoder for the screenshot test: 8-bit RGB or RGBA, non-interlaced (what Chromium writes). Checks the
/// signature, concatenates the IDAT chunks, inflates them (zlib) and undoes the five scanline filters.
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, uint[] pixels)
    {
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>0xRRGGBBAA per pixel, row-major.</summary>
    public uint[] Pixels { get; }

    public static PngImage Decode(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG file (bad signature)");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                byte depth = data[8], colour = data[9], interlace = data[12];
                channels = colour switch { 2 => 3, 6 => 4, _ => 0 };
                if (depth != 8 || channels == 0 || interlace != 0)
                {
                    throw new InvalidDataException($"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace} (need 8-bit RGB/RGBA, non-interlaced)");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }

            pos += 12 + length;
        }

        if (channels == 0) throw new InvalidDataException("PNG without IHDR");
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] bytes = raw.ToArray();
        int stride = width * channels;
        if (bytes.Length < height * (stride + 1)) throw new InvalidDataException($"PNG data too short: {bytes.Length} bytes for {width}×{height}");
        var current = new byte[stride];
        var previous = new byte[stride];
        var pixels = new uint[width * height];
        for (int y = 0; y < height; y++)
        {
            int row = y * (stride + 1);
            byte filter = bytes[row];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int x = bytes[row + 1 + i];
                current[i] = (byte)(filter switch
                {
                    0 => x,
                    1 => x + a,
                    2 => x + b,
                    3 => x + ((a + b) / 2),
                    4 => x + Paeth(a, b, c),
                    _ => throw new InvalidDataException($"bad PNG filter {filter} on row {y}"),
                });
            }

            for (int px = 0; px < width; px++)
            {
                int o = px * channels;
                uint alpha = channels == 4 ? current[o + 3] : 255u;
                pixels[(y * width) + px] = ((uint)current[o] << 24) | ((uint)current[o + 1] << 16) | ((uint)current[o + 2] << 8) | alpha;
            }

            (previous, current) = (current, previous);
        }

        return new PngImage(width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
