using System.Globalization;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>How a worker streams <see cref="TrialProgress"/> to its parent: one stdout line per report.</summary>
public static class ProgressLine
{
    /// <summary>The line prefix.</summary>
    public const string Prefix = "@progress ";

    /// <summary>Formats a report (round-trip precision, invariant culture).</summary>
    public static string Format(TrialProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{p.Step} {p.Loss:R} {p.SubmissionSeconds:R} {p.BudgetSeconds:R} {p.LastTargetMetric:R} {p.Target:R}");
    }

    /// <summary>Parses a line written by <see cref="Format"/>; null for any other line.</summary>
    public static TrialProgress? TryParse(string? line)
    {
        if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var f = line[Prefix.Length..].Split(' ');
        if (f.Length != 6 || !long.TryParse(f[0], CultureInfo.InvariantCulture, out long step)) return null;
        var d = new double[5];
        for (int i = 0; i < 5; i++)
        {
            if (!double.TryParse(f[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out d[i])) return null;
        }

        return new TrialProgress(step, d[0], d[1], d[2], d[3], d[4]);
    }
}
