namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// A fact that needs file permissions to bind: skipped as root (uid 0), for whom chmod does not stop writes. The
/// harness tests cover the same refusal as root with a read-only bind mount (bubblewrap).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NonRootFactAttribute : FactAttribute
{
    /// <summary>Skips the test on Windows and when the effective user id is 0.</summary>
    public NonRootFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "needs Linux file permissions";
        else if (EffectiveUserId() == 0) Skip = "running as root: chmod does not stop root writing, so a permission test proves nothing (the harness's DataPreparationTests refuse a read-only bind mount instead)";
    }

    private static long EffectiveUserId()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return long.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
