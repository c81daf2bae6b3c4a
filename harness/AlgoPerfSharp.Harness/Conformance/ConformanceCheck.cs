using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>
/// Checks an algorithm against a recorded reference trajectory (<c>algoperf conformance</c>). The algorithm is
/// replayed twice, in float32 and in float64, and each replay is compared with the reference's float64 twin by the
/// relative error ‖x − x₆₄‖ / ‖x₆₄‖ per parameter and step.
/// </summary>
/// <remarks>
/// Tolerances come from the reference itself: g(t), the float32 reference's own relative error against its float64
/// twin, measures how much this optimizer and gradient stream amplify float32 rounding. With G(t) = max over steps
/// ≤ t of g, the float32 replay may err by <see cref="Factor"/> · max(G(t), u₃₂) and the float64 replay by
/// <see cref="Factor"/> · max(G(t) · u₆₄/u₃₂, u₆₄), where u₃₂ = 2⁻²⁴ and u₆₄ = 2⁻⁵³ are the unit roundoffs. An
/// implementation of the same arithmetic in another order passes both; a different formula (a missing bias
/// correction, ε inside the root, momentum dropped) fails the float64 check by many orders of magnitude even
/// when its float32 error looks small.
/// </remarks>
public static class ConformanceCheck
{
    /// <summary>How many times the reference's own rounding error a replay may have.</summary>
    public const double Factor = 10;

    /// <summary>Unit roundoff of float32.</summary>
    public const double UnitRoundoff32 = 1.0 / (1 << 24);

    /// <summary>Unit roundoff of float64.</summary>
    public const double UnitRoundoff64 = 1.0 / (1L << 53);

    /// <summary>
    /// Replays <paramref name="trajectory"/> through <paramref name="algorithm"/> and judges it; <paramref name="oracle"/> and
    /// <paramref name="workload"/> go to <see cref="TrajectoryReplay.Run"/> (null: the gradient-only replay).
    /// </summary>
    public static ConformanceResult Run(ITrainingAlgorithm algorithm, Hyperparameters hyperparameters, Trajectory trajectory, ReplayOracle? oracle = null, WorkloadInfo? workload = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(trajectory);
        var ours32 = TrajectoryReplay.Run(algorithm, hyperparameters, trajectory, DType.Float32, oracle, workload);
        var ours64 = TrajectoryReplay.Run(algorithm, hyperparameters, trajectory, DType.Float64, oracle, workload);
        return Judge(algorithm.Name, trajectory, ours32, ours64);
    }

    /// <summary>Judges given replays ([step][parameter] values) against the trajectory.</summary>
    public static ConformanceResult Judge(string algorithm, Trajectory trajectory, double[][][] float32, double[][][] float64)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        ArgumentNullException.ThrowIfNull(float32);
        ArgumentNullException.ThrowIfNull(float64);
        int steps = trajectory.Steps;
        int n = trajectory.Parameters.Count;
        var gaps = new List<double[]>();
        var f32 = new List<ParameterErrors>();
        var f64 = new List<ParameterErrors>();
        for (int i = 0; i < n; i++)
        {
            var gap = new double[steps];
            var e32 = new double[steps];
            var e64 = new double[steps];
            var tol32 = new double[steps];
            var tol64 = new double[steps];
            double envelope = 0;
            for (int t = 0; t < steps; t++)
            {
                var reference = trajectory.Float64[t][i];
                gap[t] = RelativeError(trajectory.Float32[t][i], reference);
                envelope = Math.Max(envelope, gap[t]);
                e32[t] = RelativeError(float32[t][i], reference);
                e64[t] = RelativeError(float64[t][i], reference);
                tol32[t] = Factor * Math.Max(envelope, UnitRoundoff32);
                tol64[t] = Factor * Math.Max(envelope * (UnitRoundoff64 / UnitRoundoff32), UnitRoundoff64);
            }

            string name = trajectory.Parameters[i].Name;
            gaps.Add(gap);
            f32.Add(new ParameterErrors(name, e32, tol32));
            f64.Add(new ParameterErrors(name, e64, tol64));
        }

        return new ConformanceResult(algorithm, trajectory.Optimizer, steps, gaps, f32, f64);
    }

    /// <summary>‖x − reference‖₂ / ‖reference‖₂ (the absolute norm when the reference is zero; NaN if x has a NaN).</summary>
    public static double RelativeError(ReadOnlySpan<double> x, ReadOnlySpan<double> reference)
    {
        if (x.Length != reference.Length) throw new ArgumentException($"lengths differ ({x.Length} vs {reference.Length})", nameof(x));
        double diff = 0, norm = 0;
        for (int k = 0; k < x.Length; k++)
        {
            double d = x[k] - reference[k];
            diff += d * d;
            norm += reference[k] * reference[k];
        }

        return norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
    }
}
