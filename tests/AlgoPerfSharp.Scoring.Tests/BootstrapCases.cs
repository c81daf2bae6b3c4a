using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>
/// Builds scoring results from per-study times, and computes the <em>exact</em> bootstrap distribution of the scores by
/// enumerating every resample — the reference the Monte-Carlo bootstrap is checked against.
/// </summary>
internal static class BootstrapCases
{
    /// <summary>Scores one trial per study: cell (submission, workload) reaches its target at each listed time (∞: never).</summary>
    public static BenchmarkScoringResult Score(params (string Submission, string Workload, double[] Studies)[] cells)
    {
        var specs = cells.Select(c => c.Workload).Distinct().Select(w => Base(w)).ToList();
        var trials = cells.SelectMany(c => c.Studies.Select(
            (t, s) => ReachesAt(c.Submission, specs.Single(x => x.Name == c.Workload), s, 0, t)));
        return BenchmarkScoring.Score(trials, specs, ScoringRules.ExternalTuning);
    }

    /// <summary>
    /// Every joint outcome of the bootstrap with its probability: each cell's median over all n^n equally likely
    /// ordered resamples of its n studies (numpy median, written out here independently), cells independent, scored
    /// together. Scores are in the order of the profile's submissions.
    /// </summary>
    public static List<(double[] Scores, double Weight)> Exact(BenchmarkScoringResult result)
    {
        var names = result.Profile.Submissions.Select(p => p.Submission).ToArray();
        var cells = result.Times.Select(t => (t.Submission, t.Workload, Medians: MedianDistribution(t.StudySeconds))).ToList();
        var outcomes = new List<(double[] Scores, double Weight)>();
        var chosen = new double[cells.Count];

        void Walk(int c, double weight)
        {
            if (c == cells.Count)
            {
                var rows = names.Select(n => new SubmissionTimes(n, cells
                    .Select((cell, i) => (cell, i)).Where(x => x.cell.Submission == n)
                    .ToDictionary(x => x.cell.Workload, x => chosen[x.i]))).ToList();
                var profile = PerformanceProfile.Compute(rows, result.Specs);
                outcomes.Add((profile.Submissions.Select(p => p.Score).ToArray(), weight));
                return;
            }

            foreach (var (median, p) in cells[c].Medians)
            {
                chosen[c] = median;
                Walk(c + 1, weight * p);
            }
        }

        Walk(0, 1.0);
        return outcomes;
    }

    /// <summary>Exact P(submission i scores higher than j), ties ½.</summary>
    public static double ExactProbability(List<(double[] Scores, double Weight)> outcomes, int i, int j) =>
        outcomes.Sum(o => o.Weight * (o.Scores[i] > o.Scores[j] ? 1 : o.Scores[i] == o.Scores[j] ? 0.5 : 0));

    /// <summary>The exact p-quantile of submission i's score: the smallest value whose cumulative probability is ≥ p.</summary>
    public static double ExactQuantile(List<(double[] Scores, double Weight)> outcomes, int i, double p)
    {
        var cumulative = 0.0;
        foreach (var g in outcomes.GroupBy(o => o.Scores[i]).OrderBy(g => g.Key))
        {
            cumulative += g.Sum(o => o.Weight);
            if (cumulative >= p - 1e-12)
            {
                return g.Key;
            }
        }

        return outcomes.Max(o => o.Scores[i]);
    }

    private static List<(double Median, double P)> MedianDistribution(IReadOnlyList<double> studies)
    {
        int n = studies.Count, total = (int)Math.Pow(n, n);
        var counts = new Dictionary<double, int>();
        for (var code = 0; code < total; code++)
        {
            var draw = new double[n];
            for (int k = 0, c = code; k < n; k++, c /= n)
            {
                draw[k] = studies[c % n];
            }

            Array.Sort(draw);
            var median = n % 2 == 1 ? draw[n / 2] : (draw[(n / 2) - 1] + draw[n / 2]) / 2;
            counts[median] = counts.GetValueOrDefault(median) + 1;
        }

        return counts.Select(kv => (kv.Key, (double)kv.Value / total)).ToList();
    }
}
