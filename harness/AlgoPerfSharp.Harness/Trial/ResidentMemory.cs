using System.Globalization;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// This process's resident memory as Linux reports it in <c>/proc/self/status</c>: the resident set now (<c>VmRSS</c>)
/// and its peak since the process started (<c>VmHWM</c>, the high-water mark). Both cover the whole process — the .NET
/// runtime, libtorch, the workload's data, the model, the optimizer state and every allocator cache — not one object.
/// Null where the system does not report them (no procfs).
/// </summary>
/// <param name="ResidentBytes">VmRSS in bytes, or null.</param>
/// <param name="PeakBytes">VmHWM in bytes, or null.</param>
public readonly record struct ResidentMemory(long? ResidentBytes, long? PeakBytes)
{
    /// <summary>Reads <c>/proc/self/status</c> now; both null where it cannot be read.</summary>
    public static ResidentMemory Read()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/self/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }

    /// <summary>
    /// The <c>VmRSS:</c> and <c>VmHWM:</c> lines of a <c>/proc/&lt;pid&gt;/status</c> text (values in kB, e.g.
    /// <c>VmHWM:	  812344 kB</c>) in bytes; a missing or malformed line gives null.
    /// </summary>
    public static ResidentMemory Parse(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        long? Field(string name)
        {
            foreach (string line in status.Split('\n'))
            {
                if (!line.StartsWith(name + ":", StringComparison.Ordinal)) continue;
                var parts = line[(name.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : null;
            }

            return null;
        }

        return new ResidentMemory(Field("VmRSS"), Field("VmHWM"));
    }
}
