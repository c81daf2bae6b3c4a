using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AlgoPerfSharp.Harness.Conformance;

/// <summary>One parameter's errors over the trajectory, for one replay precision.</summary>
/// <param name="Parameter">Parameter name.</param>
/// <param name="Errors">Per step: ‖replay − float64 reference‖ / ‖float64 reference‖.</param>
/// <param name="Tolerances">Per step: the allowed relative error (see <see cref="ConformanceCheck"/>).</param>
public sealed record ParameterErrors(string Parameter, double[] Errors, double[] Tolerances)
{
    /// <summary>The first step whose error exceeds its tolerance (or is NaN), or −1.</summary>
    public int FirstFailure => Enumerable.Range(0, Errors.Length).FirstOrDefault(i => !(Errors[i] <= Tolerances[i]), -1);

    /// <summary>The largest error and its step.</summary>
    public (double Error, int Step) Worst => Errors.Select((e, i) => (double.IsNaN(e) ? double.PositiveInfinity : e, i)).MaxBy(x => x.Item1);
}

/// <summary>The conformance verdict of one algorithm on one trajectory.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Reference">Reference optimizer as recorded.</param>
/// <param name="Steps">Steps replayed.</param>
/// <param name="ReferenceGap">Per parameter, per step: the float32 reference's own relative error against its float64 twin.</param>
/// <param name="Float32">The float32 replay's errors and tolerances.</param>
/// <param name="Float64">The float64 replay's errors and tolerances.</param>
public sealed record ConformanceResult(
    string Algorithm, string Reference, int Steps, IReadOnlyList<double[]> ReferenceGap, IReadOnlyList<ParameterErrors> Float32, IReadOnlyList<ParameterErrors> Float64)
{
    /// <summary>True when every parameter stays within tolerance at every step, in both precisions.</summary>
    public bool Passed => Float32.Concat(Float64).All(p => p.FirstFailure < 0);

    /// <summary>A per-parameter table: worst error, its tolerance, and the first failing step of each precision.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Algorithm} vs {Reference}, {Steps} steps (relative error against the float64 reference; tolerance from the reference's own float32 error)\n");
        sb.Append(CultureInfo.InvariantCulture, $"  {"parameter",-16} {"ref f32 gap",11}  {"f32 error",10} {"tolerance",10} {"",6}  {"f64 error",10} {"tolerance",10} {"",6}\n");
        for (int i = 0; i < Float32.Count; i++)
        {
            var a = Float32[i];
            var b = Float64[i];
            sb.Append(CultureInfo.InvariantCulture,
                $"  {a.Parameter,-16} {E(ReferenceGap[i].Max()),11}  {E(a.Worst.Error),10} {E(a.Tolerances[a.Worst.Step]),10} {Verdict(a),6}  {E(b.Worst.Error),10} {E(b.Tolerances[b.Worst.Step]),10} {Verdict(b),6}\n");
        }

        sb.Append(Passed ? "PASS: every parameter within tolerance at every step\n" : "FAIL: see the first failing step of each parameter above\n");
        return sb.ToString();
    }

    /// <summary>Every per-step error and tolerance as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        algorithm = Algorithm,
        reference = Reference,
        steps = Steps,
        passed = Passed,
        parameters = Float32.Select((a, i) => new
        {
            name = a.Parameter,
            reference_float32_gap = ReferenceGap[i],
            float32 = new { errors = a.Errors.Select(Finite), tolerances = a.Tolerances, first_failure = a.FirstFailure },
            float64 = new { errors = Float64[i].Errors.Select(Finite), tolerances = Float64[i].Tolerances, first_failure = Float64[i].FirstFailure },
        }),
    }, Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static string E(double v) => double.IsNaN(v) ? "NaN" : v.ToString("0.00e+00", CultureInfo.InvariantCulture);

    private static string Verdict(ParameterErrors p) => p.FirstFailure < 0 ? "ok" : $"@{p.FirstFailure}";
}
