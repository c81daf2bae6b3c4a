using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Conformance;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// <c>--compare-pytorch --check</c>: verifies that each PyTorch reference of the speed comparison computes the same
/// update as our built-in, so the timings compare one algorithm. For each algorithm the reference is recorded by
/// <c>benchmarks/reference/check_trajectory.py</c> (fixed float32 initial values and N(0, 1) gradients on a 12×12
/// weight, a 12-vector, a 6×4×3×3 convolution, an 8×8 head and a 14×6 weight; float32 and float64 runs fed the same
/// gradients) and our built-in replays the gradient stream from the same initial values (<see cref="ConformanceCheck"/>).
/// The verdict is the float64 replay against the reference's float64 run, with the conformance check's tolerance:
/// 10 × max(G(t)·u₆₄/u₃₂, u₆₄), G(t) being the reference's own float32-vs-float64 gap up to step t — rounding amplified
/// as much as this optimizer amplifies it, far below what a formula difference (a bias correction, ε's place, a refresh
/// step) gives. The float32 replay is printed for information.
/// </summary>
/// <remarks>
/// The hyperparameters are the built-ins' defaults with a constant learning rate, except that the check makes the
/// amortized machinery run within its <see cref="Steps"/> steps: the Shampoo family preconditions from step 8 and
/// refreshes every 4 (8 and 12) with blocks of 7 (12 → 7 + 5, 8 → 7 + 1, 14 → 7 + 7; the convolution stays order 4),
/// SOAP refreshes every 3 steps, and Muon's Newton–Schulz runs in float64 on both sides (our CPU default is float32, the
/// authors' bfloat16; the timing reports both). Every Kronecker factor is full rank when decomposed (step 8 ≥ the block
/// sizes; SOAP, which decomposes step 1's factors, gets square matrices only): a repeated zero eigenvalue leaves the
/// eigenbasis of its null space arbitrary, and the eigenvalue-corrected updates depend on that basis, so two correct
/// implementations would differ by ~1e-3 there from rounding alone.
/// Algorithms that ask the step's oracle for more than the gradient (<see cref="ReferenceCase.Oracle"/>) are recorded
/// and replayed with a <see cref="SyntheticOracle"/> on both sides, fed the same recorded inputs per step
/// (<see cref="SyntheticOracleInputs.Recorded"/>: <see cref="OracleGroups"/> sub-batch gradients, target gradients,
/// Hessian diagonals; batches of <see cref="OracleExamples"/> examples, outputs of <see cref="OracleClasses"/> classes,
/// <see cref="OracleRejectedTrials"/> rejected line-search trial per step), and the replay's workload admits them
/// (cross-entropy, Hessian–vector products, a large training set). Their overrides exercise the refresh within the
/// steps: Sophia refreshes h every 3 steps with β2 = 0.5 (and Sophia-H ρ = 1) so that the clip is neither always nor
/// never active, cf_shampoo refreshes its roots every 3 steps.
/// </remarks>
public static class ReferenceCheck
{
    /// <summary>Steps recorded and replayed per algorithm.</summary>
    public const int Steps = 14;

    private const string Blocked = """{"max_preconditioner_dim": 7, "precondition_frequency": 4, "start_preconditioning_step": 8}""";

    private static readonly (string, object)[] BlockedOverrides = [("max_preconditioner_dim", 7.0), ("precondition_frequency", 4.0), ("start_preconditioning_step", 8.0)];

    private const string Hidden = """{"hidden": [true, false, true, false, true]}""";

    /// <summary>Sub-batch groups the check's oracle holds (cf's microbatches and pb_lbfgs's variance groups, both 8 by default).</summary>
    public const int OracleGroups = 8;

    /// <summary>Examples per batch in the check's oracle (the replay workload's batch).</summary>
    public const int OracleExamples = 32;

    /// <summary>Classes of the check's oracle outputs.</summary>
    public const int OracleClasses = 10;

    /// <summary>Line-search trials the check's oracle rejects per step before accepting (so the backtracking runs once).</summary>
    public const int OracleRejectedTrials = 1;

    /// <summary>Every algorithm with a reference: the PyTorch class, its keyword arguments, and our overrides.</summary>
    public static IReadOnlyList<ReferenceCase> Cases { get; } =
    [
        new("adamw", "torch.optim.AdamW", """{"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01}""", []),
        new("nadamw", "reference_optimizers.NAdamW", "{}", []),
        new("sgd_nesterov", "torch.optim.SGD", """{"lr": 0.1, "momentum": 0.9, "nesterov": true, "weight_decay": 5e-4}""", []),
        new("muon", "reference_optimizers.Muon", """{"hidden": [true, false, true, false, true], "ns_dtype": "float64"}""", [("ns_dtype", "float64")]),
        new("shampoo", "reference_optimizers.Shampoo", Blocked, BlockedOverrides),
        new("ec_shampoo", "reference_optimizers.EcShampoo", Blocked, BlockedOverrides),
        new("purified_shampoo", "reference_optimizers.PurifiedShampoo", Blocked, BlockedOverrides),
        new("soap", "reference_optimizers.Soap", """{"precondition_frequency": 3}""", [("precondition_frequency", 3.0)]) { SquareOnly = true },
        new("asgo", "reference_optimizers.Asgo", Hidden, []),
        new("dasgo", "reference_optimizers.Dasgo", Hidden, []),
        new("schedule_free_adamw", "reference_optimizers.ScheduleFreeAdamW", "{}", []),
        new("cf_adamw", "reference_optimizers.CrossFitAdamW", "{}", []) { Oracle = OracleCalls.SubBatches },
        new("cf_shampoo", "reference_optimizers.CrossFitShampoo", """{"precondition_frequency": 3}""", [("precondition_frequency", 3.0)]) { Oracle = OracleCalls.SubBatches },
        new("sophia_g", "reference_optimizers.SophiaG", """{"beta2": 0.5, "hessian_update_interval": 3}""", [("beta2", 0.5), ("hessian_update_interval", 3.0)]) { Oracle = OracleCalls.Targets },
        new("sophia_h", "reference_optimizers.SophiaH", """{"beta2": 0.5, "rho": 1.0, "hessian_update_interval": 3}""", [("beta2", 0.5), ("rho", 1.0), ("hessian_update_interval", 3.0)]) { Oracle = OracleCalls.HessianVectorProducts },
        new("pb_lbfgs", "reference_optimizers.PbLbfgs", "{}", []) { Oracle = OracleCalls.SubBatches, ConstantSchedule = false },
    ];

    /// <summary>The oracle calls <paramref name="algorithm"/>'s reference case declares (none when it has no case).</summary>
    public static OracleCalls OracleCallsOf(string algorithm) => Cases.FirstOrDefault(c => c.Algorithm == algorithm)?.Oracle ?? OracleCalls.None;

    /// <summary>Checks every selected algorithm; returns 0 when all pass, 1 when one does not.</summary>
    public static int Run(IReadOnlyList<ITrainingAlgorithm> algorithms, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        ArgumentNullException.ThrowIfNull(output);
        string recorder = PyTorchComparison.ReferenceScript("check_trajectory.py");
        string folder = Path.GetDirectoryName(recorder)!;
        output.WriteLine($"reference check: {Steps} steps from the same initial values and gradients, our float64 replay vs the reference's float64 run");
        output.WriteLine($"{"algorithm",-19} {"reference",-36} {"f64 max rel",12} {"tolerance",10} {"f32 max rel",12}  verdict");
        bool all = true;
        foreach (var algorithm in algorithms)
        {
            var c = Cases.FirstOrDefault(x => x.Algorithm == algorithm.Name)
                ?? throw new ArgumentException($"no PyTorch reference for '{algorithm.Name}' (known: {string.Join(", ", Cases.Select(x => x.Algorithm))})");
            string dir = Path.Combine(Path.GetTempPath(), $"algoperf-refcheck-{Environment.ProcessId}-{c.Algorithm}");
            try
            {
                Record(recorder, folder, c, dir);
                var trajectory = Trajectory.Load(dir);
                var result = c.Oracle == OracleCalls.None
                    ? ConformanceCheck.Run(algorithm, c.Hyperparameters(), trajectory)
                    : ConformanceCheck.Run(algorithm, c.Hyperparameters(), trajectory, Oracle(trajectory, c.Oracle), OracleWorkload(trajectory));
                var (f64, tol) = Worst(result.Float64);
                var (f32, _) = Worst(result.Float32);
                bool ok = result.Float64.All(p => p.FirstFailure < 0);
                all &= ok;
                output.WriteLine($"{c.Algorithm,-19} {c.PythonClass,-36} {E(f64),12} {E(tol),10} {E(f32),12}  {(ok ? "ok" : "FAIL")}");
                if (!ok) output.Write(result.ToText());
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }

        output.WriteLine(all ? "PASS: every reference computes our built-in's update" : "FAIL: a reference differs from our built-in beyond rounding (see above)");
        return all ? 0 : 1;
    }

    private static void Record(string recorder, string folder, ReferenceCase c, string dir)
    {
        List<string> args = ["--optimizer", c.PythonClass, "--kwargs", c.Kwargs, "--steps", Steps.ToString(CultureInfo.InvariantCulture), "--out", dir];
        if (c.SquareOnly) args.Add("--square-only");
        if (c.Oracle != OracleCalls.None) args.AddRange(["--oracle", OracleSettings(c.Oracle)]);
        using var proc = PyTorchComparison.StartPython(recorder, args, pythonPath: folder);
        var stdout = proc.StandardOutput.ReadToEndAsync();
        string stderr = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        _ = stdout.Result;
        if (proc.ExitCode != 0)
        {
            throw new InvalidOperationException($"recording {c.PythonClass} failed (exit {proc.ExitCode}): {stderr.Trim()}");
        }
    }

    /// <summary>The check's oracle settings for check_trajectory.py (JSON): the calls to record inputs for, and the constants above.</summary>
    private static string OracleSettings(OracleCalls calls)
    {
        var names = new List<string>();
        if (calls.HasFlag(OracleCalls.SubBatches)) names.Add("\"sub_batches\"");
        if (calls.HasFlag(OracleCalls.Targets)) names.Add("\"targets\"");
        if (calls.HasFlag(OracleCalls.HessianVectorProducts)) names.Add("\"hessian_vector_products\"");
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"calls\": [{string.Join(", ", names)}], \"groups\": {OracleGroups}, \"examples\": {OracleExamples}, \"classes\": {OracleClasses}, \"rejected_trials\": {OracleRejectedTrials}}}");
    }

    /// <summary>Each replayed step's synthetic oracle, serving that step's recorded inputs in the replay's precision.</summary>
    private static ReplayOracle Oracle(Trajectory trajectory, OracleCalls calls) => (step, parameters, dtype, setRecordedGradients) =>
        new SyntheticOracle(
            parameters, SyntheticOracleInputs.Recorded(trajectory, step, dtype, calls, OracleGroups, OracleExamples, OracleClasses),
            () => setRecordedGradients(), gradientHeld: false, OracleExamples, OracleRejectedTrials);

    /// <summary>The replay's workload for oracle cases: cross-entropy (Sophia-G), Hessian–vector products (Sophia-H), and a training set large enough for pb_lbfgs's 64-batch samples.</summary>
    private static WorkloadInfo OracleWorkload(Trajectory trajectory) =>
        TrajectoryReplay.Workload(trajectory) with { LossType = LossType.SoftmaxCrossEntropy, NumTrainExamples = 1_000_000, ReferenceBatchSize = OracleExamples, SupportsHessianVectorProducts = true };

    /// <summary>The largest error over parameters and steps, with the tolerance at that parameter and step.</summary>
    private static (double Error, double Tolerance) Worst(IReadOnlyList<ParameterErrors> errors)
    {
        var worst = errors.Select(p => (p.Worst.Error, Tolerance: p.Tolerances[p.Worst.Step])).MaxBy(x => x.Error);
        return (worst.Error, worst.Tolerance);
    }

    private static string E(double v) => v.ToString("0.00e+00", CultureInfo.InvariantCulture);
}
