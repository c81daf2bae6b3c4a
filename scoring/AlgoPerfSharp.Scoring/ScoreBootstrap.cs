namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Bootstrap intervals for the benchmark score and rank of every submission, and the pairwise probability that one
/// scores higher than another, by resampling <em>studies</em>.
/// </summary>
/// <remarks>
/// <para><b>Resampling unit.</b> A study: the independent repetition AlgoPerf's score takes a median over. Each
/// (submission, workload) cell — base and held-out variant alike — holds the n per-study validation times its median
/// is taken over (<see cref="WorkloadTimeToTarget.StudySeconds"/>: the studies present, plus ∞ for each missing one).
/// A replicate draws n of them with replacement, independently per cell, takes their numpy median exactly as
/// <see cref="TimeToTarget"/> does, and scores all submissions together with <see cref="PerformanceProfile.Compute"/>
/// (the scores are relative, so they must be recomputed jointly). A cell's trials are never split: within a study the
/// fastest trial is taken first, as in the score.</para>
/// <para><b>Random stream.</b> One SplitMix64 stream seeded with <see cref="BootstrapOptions.Seed"/>. Replicate by
/// replicate, cells are visited by submission then workload (ordinal, the order of
/// <see cref="BenchmarkScoringResult.Times"/>) and each draws its n indices in turn (unbiased, by rejection). The
/// result is therefore a function of the times and the options only.</para>
/// <para><b>Intervals.</b> Score: the (1 − c)/2 and (1 + c)/2 percentiles (numpy's linear method) of the B replicate
/// scores. Rank (1 + the number of submissions scoring strictly higher): the same percentiles of the B replicate ranks,
/// rounded outwards to whole ranks. Pairwise: P(i higher than j) = (#replicates with s_i &gt; s_j + ½ #ties) / B;
/// Which pairs differ significantly is decided by <see cref="PairPermutationTest"/>, not by these probabilities: with
/// 3–5 studies a percentile bootstrap is too narrow.</para>
/// <para><b>Limits.</b> With n studies a cell has at most C(2n − 1, n) distinct resamples (3 for n = 2, 10 for n = 3),
/// so with AlgoPerf's 3–5 studies the bootstrap distribution is coarse and the intervals approximate; a cell with one
/// study has none (see <see cref="ScoreBootstrapResult.IsReplicated"/>).</para>
/// Pure and thread-safe; cost O(B · (cells · n + profile)).
/// </remarks>
public static class ScoreBootstrap
{
    /// <summary>Bootstraps <paramref name="result"/> (the output of <see cref="BenchmarkScoring.Score"/>).</summary>
    /// <param name="result">Times and profiles of the submissions scored together.</param>
    /// <param name="options">Replicates, seed and coverage; <see cref="BootstrapOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A submission of the profile has no time-to-target cell.</exception>
    public static ScoreBootstrapResult Run(BenchmarkScoringResult result, BootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= BootstrapOptions.Default;
        var names = result.Profile.Submissions.Select(p => p.Submission).ToArray();
        var cells = names.Select(n => result.Times
                .Where(t => string.Equals(t.Submission, n, StringComparison.Ordinal))
                .OrderBy(t => t.Workload, StringComparer.Ordinal)
                .Select(t => (t.Workload, Studies: t.StudySeconds.ToArray()))
                .ToArray())
            .ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            if (cells[i].Length == 0)
            {
                throw new ArgumentException($"Submission '{names[i]}' has no time-to-target to resample.", nameof(result));
            }
        }

        // Replicate scores, column per submission; the stream visits submissions in ordinal order.
        var visit = Enumerable.Range(0, names.Length).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        int b = options.Replicates, s = names.Length;
        var scores = new double[s][];
        for (var i = 0; i < s; i++)
        {
            scores[i] = new double[b];
        }

        var rng = new SplitMix64(options.Seed);
        for (var r = 0; r < b; r++)
        {
            var rows = new SubmissionTimes[s];
            foreach (var i in visit)
            {
                var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (workload, studies) in cells[i])
                {
                    var sample = new double[studies.Length];
                    for (var k = 0; k < sample.Length; k++)
                    {
                        sample[k] = studies[rng.NextIndex(studies.Length)];
                    }

                    seconds[workload] = SampleStatistics.Median(sample);
                }

                rows[i] = new SubmissionTimes(names[i], seconds);
            }

            var profile = PerformanceProfile.Compute(rows, result.Specs, result.Profile.Options);
            for (var i = 0; i < s; i++)
            {
                scores[i][r] = profile.Submissions[i].Score;
            }
        }

        // Ranks and pairwise wins per replicate.
        var ranks = new double[s][];
        var wins = new double[s, s];
        for (var i = 0; i < s; i++)
        {
            ranks[i] = new double[b];
        }

        for (var r = 0; r < b; r++)
        {
            for (var i = 0; i < s; i++)
            {
                var higher = 0;
                for (var j = 0; j < s; j++)
                {
                    double si = scores[i][r], sj = scores[j][r];
                    higher += sj > si ? 1 : 0;
                    wins[i, j] += si > sj ? 1 : si == sj ? 0.5 : 0;
                }

                ranks[i][r] = 1 + higher;
            }
        }

        var points = result.Profile.Submissions.Select(p => p.Score).ToArray();
        var intervals = new SubmissionInterval[s];
        for (var i = 0; i < s; i++)
        {
            Array.Sort(scores[i]);
            Array.Sort(ranks[i]);
            var counts = cells[i].Select(c => c.Studies.Length).ToArray();
            intervals[i] = new SubmissionInterval(
                names[i],
                points[i],
                NumpyMath.PercentileOfSorted(scores[i], options.LowerPercentile),
                NumpyMath.PercentileOfSorted(scores[i], options.UpperPercentile),
                1 + points.Count(p => p > points[i]),
                (int)Math.Floor(NumpyMath.PercentileOfSorted(ranks[i], options.LowerPercentile)),
                (int)Math.Ceiling(NumpyMath.PercentileOfSorted(ranks[i], options.UpperPercentile)),
                counts.Min(),
                counts.Max());
        }

        var matrix = new IReadOnlyList<double>[s];
        for (var i = 0; i < s; i++)
        {
            var row = new double[s];
            for (var j = 0; j < s; j++)
            {
                row[j] = wins[i, j] / b;
            }

            matrix[i] = Array.AsReadOnly(row);
        }

        return new ScoreBootstrapResult(
            options,
            Array.AsReadOnly(intervals),
            Array.AsReadOnly(matrix),
            intervals.Min(x => x.MinStudies),
            intervals.Max(x => x.MaxStudies));
    }
}
