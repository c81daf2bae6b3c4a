using static AlgoPerfSharp.Scoring.Tests.Fixtures;

namespace AlgoPerfSharp.Scoring.Tests;

/// <summary>
/// Invariants of the performance-profile score over seeded random tables (a fixed-seed generator instead of a
/// property-testing package: the same 300 cases every run).
/// </summary>
public sealed class PropertyTests
{
    private const int Cases = 300;

    private static (SubmissionTimes[] Rows, WorkloadScoringSpec[] Specs) RandomTable(Random rng)
    {
        var workloads = rng.Next(1, 6);
        var submissions = rng.Next(1, 6);
        var specs = Enumerable.Range(0, workloads).Select(w => Base($"w{w}")).ToArray();
        var rows = Enumerable.Range(0, submissions).Select(s => new SubmissionTimes($"s{s}",
            specs.Where(_ => rng.NextDouble() > 0.1) // ~10% missing
                 .ToDictionary(w => w.Name, _ => rng.NextDouble() < 0.2 ? Inf : Math.Exp(rng.NextDouble() * 7)))).ToArray();
        return (rows, specs);
    }

    [Fact]
    public void ScoreIsInZeroOneAndRhoIsMonotone()
    {
        var rng = new Random(20240326);
        for (var c = 0; c < Cases; c++)
        {
            var (rows, specs) = RandomTable(rng);
            foreach (var p in PerformanceProfile.Compute(rows, specs).Submissions)
            {
                Assert.InRange(p.Score, 0.0, 1.0 + 1e-12);
                for (var i = 1; i < p.Rho.Count; i++)
                {
                    Assert.True(p.Rho[i] >= p.Rho[i - 1]);
                }
            }
        }
    }

    [Fact]
    public void ScalingEveryTimeByAConstantLeavesScoresUnchanged()
    {
        var rng = new Random(7);
        foreach (var scale in new[] { 0.25, 8.0, 3.7, 1e3 })
        {
            for (var c = 0; c < Cases; c++)
            {
                var (rows, specs) = RandomTable(rng);
                var scaled = rows.Select(r => new SubmissionTimes(
                    r.Submission, r.Seconds.ToDictionary(kv => kv.Key, kv => kv.Value * scale))).ToArray();
                var a = PerformanceProfile.Compute(rows, specs).Submissions.Select(s => s.Score);
                var b = PerformanceProfile.Compute(scaled, specs).Submissions.Select(s => s.Score);
                Assert.Equal(a, b, (x, y) => Math.Abs(x - y) <= 1e-12);
            }
        }
    }

    [Fact]
    public void FastestEverywhereScoresOne()
    {
        var rng = new Random(11);
        for (var c = 0; c < Cases; c++)
        {
            var (rows, specs) = RandomTable(rng);
            var best = new SubmissionTimes("best", specs.ToDictionary(w => w.Name, w =>
            {
                var min = rows.Min(r => r[w.Name]);
                return double.IsFinite(min) ? min * 0.9 : 42.0;
            }));
            var result = PerformanceProfile.Compute([.. rows, best], specs);
            Assert.Equal(1.0, result["best"].Score, 1e-12);
        }
    }

    [Fact]
    public void GettingFasterNeverLowersYourOwnScore()
    {
        var rng = new Random(3);
        for (var c = 0; c < Cases; c++)
        {
            var (rows, specs) = RandomTable(rng);
            var who = rng.Next(rows.Length);
            var w = specs[rng.Next(specs.Length)].Name;
            var faster = rows.Select((r, i) => i != who ? r : new SubmissionTimes(r.Submission,
                new Dictionary<string, double>(r.Seconds) { [w] = double.IsFinite(r[w]) ? r[w] * 0.7 : 5.0 })).ToArray();
            var before = PerformanceProfile.Compute(rows, specs).Submissions[who].Score;
            var after = PerformanceProfile.Compute(faster, specs).Submissions[who].Score;
            Assert.True(after >= before - 1e-12, $"case {c}: {before} → {after}");
        }
    }
}
