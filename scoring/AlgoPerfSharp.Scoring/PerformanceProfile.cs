namespace AlgoPerfSharp.Scoring;

/// <summary>
/// Performance profiles and the benchmark score, computed exactly as AlgoPerf's
/// <c>scoring/performance_profile.py</c> (<c>compute_performance_profiles</c> + <c>compute_leaderboard_score</c>).
/// </summary>
/// <remarks>
/// <para>Input: a matrix t[s, w] of time-to-target (seconds; ∞ = not reached; a workload a submission lacks is ∞)
/// over the submissions scored together and every workload spec (base and held-out variants). Steps, in AlgoPerf's
/// order:</para>
/// <list type="number">
/// <item>Variant pre-filter: a variant's time is set to ∞ for every submission whose base time is ∞ — so the fastest
/// time on a variant is taken only over submissions that reached the base target (within the budget).</item>
/// <item>The r_max cut, applied to times <em>before</em> any ratio: on every column (base and variant),
/// <c>t &gt; r_max · min_s t</c> becomes ∞ (a time of exactly r_max × the fastest stays).</item>
/// <item>Held-out rule (AlgoPerf v0.5): a base time becomes ∞ when any of its variants is now ∞ (not reached,
/// pre-filtered, or cut). A base without a variant passes automatically.</item>
/// <item>Ratios on base workloads only: <c>r = t / min_s t</c>, the minimum taken <em>after</em> step 3 (so when the
/// fastest base time was disqualified by its variant, the next-fastest surviving time becomes the reference — what
/// AlgoPerf's code does). A column that is ∞ for everyone gives ∞/∞ = NaN: no credit.</item>
/// <item>ρ_s(τ) = |{w : r_{s,w} ≤ τ}| / N at τ = <c>np.linspace(1, r_max, points)</c>, N = the number of base
/// workload specs (missing workloads count in N).</item>
/// <item>Score = <c>np.trapz(ρ, τ) / (r_max − 1)</c> ∈ [0, 1]; 1 = fastest on every base workload.</item>
/// </list>
/// All methods are pure and thread-safe.
/// </remarks>
public static class PerformanceProfile
{
    /// <summary>Computes the profiles and scores of <paramref name="submissions"/>, scored together.</summary>
    /// <param name="submissions">One row per submission (unique names); at least one.</param>
    /// <param name="specs">Every workload scored: base workloads and their held-out variants.</param>
    /// <param name="options">r_max and grid size; <see cref="PerformanceProfileOptions.AlgoPerf"/> when null.</param>
    /// <exception cref="ArgumentException">No submissions, a repeated submission, a time for a workload no spec
    /// describes, or inconsistent specs (duplicate names, a variant of an unknown or non-base workload, no base).</exception>
    public static PerformanceProfileResult Compute(
        IReadOnlyList<SubmissionTimes> submissions,
        IReadOnlyList<WorkloadScoringSpec> specs,
        PerformanceProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        options ??= PerformanceProfileOptions.AlgoPerf;
        var byName = SpecSet.Index(specs);
        if (submissions.Count == 0)
        {
            throw new ArgumentException("There are no submissions to score.", nameof(submissions));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in submissions)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(submissions));
            if (!seen.Add(s.Submission))
            {
                throw new ArgumentException($"Submission '{s.Submission}' appears twice.", nameof(submissions));
            }

            foreach (var workload in s.Seconds.Keys)
            {
                if (!byName.ContainsKey(workload))
                {
                    throw new ArgumentException(
                        $"Submission '{s.Submission}' has a time for workload '{workload}', which no workload spec describes " +
                        $"(known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))}).", nameof(submissions));
                }
            }
        }

        var names = specs.Select(w => w.Name).ToArray();
        var bases = specs.Where(w => w.IsBase).Select(w => w.Name).ToArray();
        var variants = specs.Where(w => !w.IsBase).ToArray();
        var col = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        int rowCount = submissions.Count, colCount = names.Length;

        var raw = new double[rowCount, colCount];
        var t = new double[rowCount, colCount];
        var outcome = new ProfileOutcome[rowCount, colCount];
        for (var s = 0; s < rowCount; s++)
        {
            for (var w = 0; w < colCount; w++)
            {
                var present = submissions[s].Seconds.TryGetValue(names[w], out var v);
                raw[s, w] = t[s, w] = present ? v : double.PositiveInfinity;
                outcome[s, w] = !present ? ProfileOutcome.Missing
                    : double.IsPositiveInfinity(v) ? ProfileOutcome.NotReached
                    : ProfileOutcome.Scored;
            }
        }

        // 1. A variant counts only for submissions that reached its base.
        foreach (var variant in variants)
        {
            int v = col[variant.Name], b = col[variant.VariantOf!];
            for (var s = 0; s < rowCount; s++)
            {
                if (double.IsPositiveInfinity(t[s, b]) && double.IsFinite(t[s, v]))
                {
                    t[s, v] = double.PositiveInfinity;
                    outcome[s, v] = ProfileOutcome.BaseFailed;
                }
            }
        }

        // 2. The r_max cut on times, every column, against the column minimum (before any ratio is taken).
        for (var w = 0; w < colCount; w++)
        {
            var fastest = ColumnMin(t, w, rowCount);
            for (var s = 0; s < rowCount; s++)
            {
                if (double.IsFinite(t[s, w]) && t[s, w] > options.MaxRatio * fastest)
                {
                    t[s, w] = double.PositiveInfinity;
                    outcome[s, w] = ProfileOutcome.BeyondMaxRatio;
                }
            }
        }

        // 3. Held-out rule: a base workload counts only if its variant(s) also counted.
        foreach (var variant in variants)
        {
            int v = col[variant.Name], b = col[variant.VariantOf!];
            for (var s = 0; s < rowCount; s++)
            {
                if (double.IsPositiveInfinity(t[s, v]) && double.IsFinite(t[s, b]))
                {
                    t[s, b] = double.PositiveInfinity;
                    outcome[s, b] = ProfileOutcome.VariantFailed;
                }
            }
        }

        // 4. Ratios to the fastest surviving time (variants too, for display only).
        var ratio = new double[rowCount, colCount];
        for (var w = 0; w < colCount; w++)
        {
            var fastest = ColumnMin(t, w, rowCount);
            for (var s = 0; s < rowCount; s++)
            {
                ratio[s, w] = t[s, w] / fastest;
            }
        }

        // 5-6. ρ(τ) over base workloads and its normalised trapezoid integral.
        var taus = NumpyMath.Linspace(1.0, options.MaxRatio, options.Points);
        var profiles = new List<SubmissionProfile>(rowCount);
        for (var s = 0; s < rowCount; s++)
        {
            var rho = new double[taus.Length];
            for (var i = 0; i < taus.Length; i++)
            {
                var count = 0;
                foreach (var b in bases)
                {
                    if (ratio[s, col[b]] <= taus[i])
                    {
                        count++;
                    }
                }

                rho[i] = (double)count / bases.Length;
            }

            var score = NumpyMath.Trapezoid(rho, taus) / (taus[^1] - taus[0]);
            ProfileCell Cell(string n)
            {
                var w = col[n];
                return new ProfileCell(n, raw[s, w], t[s, w], ratio[s, w], outcome[s, w]);
            }

            profiles.Add(new SubmissionProfile(
                submissions[s].Submission,
                bases.Select(Cell).ToList().AsReadOnly(),
                variants.Select(v => Cell(v.Name)).ToList().AsReadOnly(),
                Array.AsReadOnly(rho),
                score));
        }

        return new PerformanceProfileResult(
            Array.AsReadOnly(taus),
            Array.AsReadOnly(bases),
            variants.Select(v => v.Name).ToList().AsReadOnly(),
            profiles.AsReadOnly(),
            options);
    }

    private static double ColumnMin(double[,] t, int w, int rows)
    {
        var min = double.PositiveInfinity;
        for (var s = 0; s < rows; s++)
        {
            min = Math.Min(min, t[s, w]);
        }

        return min;
    }
}
