namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// A fact that needs root on Linux (it starts system daemons: munged, slurmctld, slurmd). It is skipped, with the reason
/// shown by the test runner, on any other OS or as another user; as root it always runs (and fails when it cannot do
/// its job — a missing package is a failure, not a skip).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Skips the test unless the process runs on Linux with effective user id 0.</summary>
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux and root (it starts Slurm and MUNGE daemons)";
        else if (EffectiveUserId() is var uid and not 0) Skip = $"needs root to start Slurm and MUNGE daemons (running as uid {uid}); CI runs it as root";
    }

    /// <summary>The effective user id from <c>/proc/self/status</c> (the second field of its <c>Uid:</c> line).</summary>
    public static long EffectiveUserId()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
