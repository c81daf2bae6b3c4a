using System.Globalization;
using System.Text;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// The last <see cref="Capacity"/> bytes of a stream (a worker's stderr): memory stays bounded however much the child
/// writes, and so does the text that reaches the database, the console and the log. Thread-safe.
/// </summary>
public sealed class BoundedTail
{
    /// <summary>Bytes kept by default (64 KiB).</summary>
    public const int DefaultCapacity = 64 * 1024;

    private readonly byte[] _ring;
    private readonly Lock _lock = new();
    private long _total;

    /// <summary>Creates an empty tail keeping <paramref name="capacity"/> bytes.</summary>
    public BoundedTail(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new byte[capacity];
    }

    /// <summary>Bytes kept at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Bytes seen in all.</summary>
    public long Total
    {
        get
        {
            lock (_lock) return _total;
        }
    }

    /// <summary>Adds bytes (older ones beyond the capacity are dropped).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (bytes.Length > _ring.Length)
            {
                _total += bytes.Length - _ring.Length; // skipped: only the last Capacity bytes can be kept
                bytes = bytes[^_ring.Length..];
            }

            int at = (int)(_total % _ring.Length);
            int first = Math.Min(bytes.Length, _ring.Length - at);
            bytes[..first].CopyTo(_ring.AsSpan(at));
            bytes[first..].CopyTo(_ring);
            _total += bytes.Length;
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end into the tail.</summary>
    public void Drain(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = stream.Read(buffer)) > 0) Append(buffer.AsSpan(0, n));
    }

    /// <summary>The kept text (UTF-8, trailing whitespace trimmed), preceded by a note of how much was dropped, if any.</summary>
    public override string ToString()
    {
        byte[] kept;
        long total;
        lock (_lock)
        {
            total = _total;
            int n = (int)Math.Min(total, _ring.Length);
            kept = new byte[n];
            int start = (int)((total - n) % _ring.Length);
            int first = Math.Min(n, _ring.Length - start);
            _ring.AsSpan(start, first).CopyTo(kept);
            _ring.AsSpan(0, n - first).CopyTo(kept.AsSpan(first));
        }

        string text = Encoding.UTF8.GetString(kept).TrimEnd();
        long dropped = total - kept.Length;
        return dropped == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"[{dropped} earlier bytes dropped]\n{text}");
    }
}
