namespace AlgoPerfSharp.Scoring;

/// <summary>The one median of the code base (scores, step times, calibration, resolution, reports).</summary>
public static class SampleStatistics
{
    /// <summary>
    /// <c>np.median</c>'s value: the middle of the sorted values, or the mean (a + b) / 2 of the two middle ones for an
    /// even count — so +∞ when either middle value is +∞ (a study that never reached its target), and NaN when they are
    /// −∞ and +∞. <b>Empty input gives NaN</b> (there is no median; callers that want another value for "no samples" say
    /// so at the call), and <b>any NaN gives NaN</b> (as numpy: a NaN sample is not an ordered value; callers that mean
    /// "never", such as a diverged trial's time, map it to +∞ first). Order of the input does not matter; it is not
    /// modified.
    /// </summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return double.NaN;
        var sorted = values.ToArray();
        foreach (var v in sorted)
        {
            if (double.IsNaN(v)) return double.NaN;
        }

        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
