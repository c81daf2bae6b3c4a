namespace AlgoPerfSharp.Workloads.Data.ClickLog;

/// <summary>
/// A seeded generator of a <b>synthetic</b> Criteo-like click log (Criteo's logs are not reachable here). Each example:
/// <list type="bullet">
/// <item>13 dense features: heavy-tailed non-negative counts (odd features log-normal, even ones Pareto, 10% missing
/// = 0), transformed as Criteo preprocessing does, <c>log(1 + x)</c>;</item>
/// <item>26 categorical ids, feature f drawn from a Zipf-like power law over its table of
/// <see cref="TableSizes"/>[f] rows (exponent 1.05 … 1.30 across features; id 0 most frequent);</item>
/// <item>a label from a fixed random <i>teacher</i>: logit = b + Σ_f w_f[id_f] + Σ_{f&lt;g} ⟨v_f[id_f], v_g[id_g]⟩ +
/// MLP(dense), where every teacher row is a pure function of (seed, feature, id) (no tables in memory), and
/// label = 1[logit + logistic noise &gt; 0], i.e. Bernoulli(σ(logit)).</item>
/// </list>
/// Since the teacher's probability p = σ(logit) is known per example, the Bayes-optimal expected log loss of a split is
/// the mean binary entropy of p over its examples (<see cref="ClickLogFile.BayesLoss"/>); no model can do better in
/// expectation. Thread-safe (stateless apart from its configuration).
/// </summary>
public sealed class SyntheticClickLog
{
    /// <summary>Teacher embedding size (independent of the student's).</summary>
    public const int TeacherDim = 4;

    /// <summary>Teacher dense-MLP hidden size.</summary>
    public const int TeacherHidden = 8;

    private const double Bias = -1.2;
    private const double FieldWeightStd = 0.15;
    private const double FieldVectorStd = 0.13;
    private const double MissingRate = 0.1;
    private readonly double[] _mlpIn;  // (TeacherHidden, 13)
    private readonly double[] _mlpOut; // (TeacherHidden)

    /// <summary>Creates the generator.</summary>
    /// <param name="seed">Fixes the teacher and every example.</param>
    /// <param name="tableSizes">Rows of each of the 26 tables (e.g. <see cref="ClickLogSchema.TableSizes"/>).</param>
    public SyntheticClickLog(ulong seed, IReadOnlyList<long> tableSizes)
    {
        ArgumentNullException.ThrowIfNull(tableSizes);
        if (tableSizes.Count != ClickLogSchema.CategoricalFeatures) throw new ArgumentException($"tableSizes needs {ClickLogSchema.CategoricalFeatures} entries (got {tableSizes.Count})", nameof(tableSizes));
        foreach (long v in tableSizes)
        {
            if (v < 1 || v > int.MaxValue) throw new ArgumentException($"tableSizes entries must be in [1, {int.MaxValue}] (got {v})", nameof(tableSizes));
        }

        Seed = seed;
        TableSizes = tableSizes.ToArray();
        var rng = SplitMix64.For(seed, 0x7EAC4E, 0);
        _mlpIn = new double[TeacherHidden * ClickLogSchema.DenseFeatures];
        _mlpOut = new double[TeacherHidden];
        for (int i = 0; i < _mlpIn.Length; i++) _mlpIn[i] = Normal(ref rng) / Math.Sqrt(ClickLogSchema.DenseFeatures);
        for (int i = 0; i < _mlpOut.Length; i++) _mlpOut[i] = 0.8 * Normal(ref rng) / Math.Sqrt(TeacherHidden);
    }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Rows of each categorical table.</summary>
    public IReadOnlyList<long> TableSizes { get; }

    /// <summary>Power-law exponent of categorical feature <paramref name="field"/> (1.05 … 1.30).</summary>
    public static double ZipfExponent(int field) => 1.05 + (0.25 * field / (ClickLogSchema.CategoricalFeatures - 1));

    /// <summary>
    /// Example <paramref name="index"/>: writes its dense features and ids into the spans (13 and 26 long) and returns
    /// the teacher's click probability; <paramref name="label"/> is drawn from it.
    /// </summary>
    public double Example(long index, Span<float> dense, Span<long> ids, out bool label)
    {
        if (dense.Length != ClickLogSchema.DenseFeatures || ids.Length != ClickLogSchema.CategoricalFeatures) throw new ArgumentException("dense needs 13 slots and ids 26");
        var rng = SplitMix64.For(Seed, 0xC11C, (ulong)index);
        for (int j = 0; j < dense.Length; j++)
        {
            double count;
            if (rng.NextDouble() < MissingRate) count = 0;
            else if (j % 2 == 1) count = Math.Floor(Math.Exp(1 + (0.25 * j) + (1.2 * Normal(ref rng))));        // log-normal
            else count = Math.Floor(Math.Pow(1 - rng.NextDouble(), -1.0 / (1.1 + (0.1 * j))) - 1);             // Pareto (Lomax)
            dense[j] = (float)Math.Log(1 + Math.Min(count, 1e9));
        }

        for (int f = 0; f < ids.Length; f++) ids[f] = PowerLaw(TableSizes[f], ZipfExponent(f), rng.NextDouble());
        double p = Probability(dense, ids);
        label = rng.NextDouble() < p;
        return p;
    }

    /// <summary>The teacher's click probability σ(logit) for one example (features as <see cref="Example"/> writes them).</summary>
    public double Probability(ReadOnlySpan<float> dense, ReadOnlySpan<long> ids)
    {
        double logit = Bias;
        Span<double> v = stackalloc double[ClickLogSchema.CategoricalFeatures * TeacherDim];
        for (int f = 0; f < ids.Length; f++)
        {
            var row = SplitMix64.For(Seed, 0x7AB1E00UL + (ulong)f, (ulong)ids[f]);
            logit += FieldWeightStd * Normal(ref row);
            for (int k = 0; k < TeacherDim; k++) v[(f * TeacherDim) + k] = FieldVectorStd * Normal(ref row);
        }

        for (int f = 0; f < ids.Length; f++)
        {
            for (int g = f + 1; g < ids.Length; g++)
            {
                for (int k = 0; k < TeacherDim; k++) logit += v[(f * TeacherDim) + k] * v[(g * TeacherDim) + k];
            }
        }

        for (int h = 0; h < TeacherHidden; h++)
        {
            double a = 0;
            for (int j = 0; j < dense.Length; j++) a += _mlpIn[(h * dense.Length) + j] * (dense[j] - 2.0) / 1.5;
            logit += _mlpOut[h] * Math.Tanh(a);
        }

        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>
    /// A power-law id in [0, <paramref name="size"/>): inverse CDF of the continuous law with density ∝ k^−α on
    /// [1, size + 1), minus 1, so id 0 is the most frequent.
    /// </summary>
    public static long PowerLaw(long size, double alpha, double u)
    {
        double g = 1 - alpha;
        double k = Math.Pow((u * (Math.Pow(size + 1.0, g) - 1)) + 1, 1 / g);
        return Math.Clamp((long)Math.Floor(k) - 1, 0, size - 1);
    }

    private static double Normal(ref SplitMix64 rng)
    {
        double u1 = 1 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
