using System.Diagnostics;
using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The state of a <see cref="ScaleByShampoo"/> or <see cref="ScaleBySoap"/>: per parameter its factors, matrices and
/// moments, plus the amortized-computation counters (failures, consecutive failures, time spent). Checkpoint keys:
/// <c>prefix.p{i}.{m|v|d|f{j}.acc|f{j}.mat}</c> tensors and <c>prefix.{failed,consecutive_failures,amortized_ticks}</c>,
/// <c>prefix.p{i}.f{j}.{has_matrix,checks,refreshes,qr_iterations,failures,last_criterion}</c> values.
/// </summary>
public sealed class ShampooState : TransformState
{
    private readonly int _toleratedFailures;
    private long _consecutiveFailures;

    internal ShampooState(FactoredParameterState[] parameters, int toleratedFailures)
    {
        Parameters = parameters;
        _toleratedFailures = toleratedFailures;
    }

    internal FactoredParameterState[] Parameters { get; }

    /// <summary>Factor computations that failed (the old matrices were kept).</summary>
    public long FailedComputations { get; private set; }

    /// <summary>Stopwatch ticks spent in amortized computations.</summary>
    internal long AmortizedTicks { get; set; }

    private IEnumerable<KroneckerFactor> Factors => Parameters.SelectMany(p => p.Layout.Factors);

    /// <summary>
    /// Step <paramref name="t"/>'s amortized computation: refreshes every factor of every parameter whose step it is,
    /// counting failures (the factor keeps its old matrix) and timing the work.
    /// </summary>
    /// <exception cref="InvalidOperationException">More consecutive amortized steps failed than tolerated.</exception>
    internal void Amortized(long t)
    {
        long start = Stopwatch.GetTimestamp();
        bool failed = false, any = false;
        Exception? last = null;
        var jobs = new List<FactorRefresh>();
        foreach (var ps in Parameters)
        {
            if (!ps.IsAmortizedStep(t)) continue;
            any = true;
            foreach (var block in ps.Layout.Blocks)
            {
                for (int k = 0; k < block.Factors.Length; k++)
                {
                    if (block.Factors[k] is not null) jobs.Add(new FactorRefresh(ps, block, k));
                }
            }
        }

        if (!any) return;
        // SOAP's refreshes are independent small QRs: one native call runs them in parallel (SoapParameterState.RefreshAll).
        var errors = jobs.Count > 0 && jobs.TrueForAll(j => j.State is SoapParameterState) ? SoapParameterState.RefreshAll(jobs) : RefreshEach(jobs, t);
        for (int i = 0; i < jobs.Count; i++)
        {
            if (errors[i] is not { } e) continue;
            jobs[i].Factor.Failures++;
            FailedComputations++;
            failed = true;
            last = e;
        }

        AmortizedTicks += Stopwatch.GetTimestamp() - start;
        _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
        if (_consecutiveFailures > _toleratedFailures)
        {
            throw new InvalidOperationException(
                $"Shampoo: {_consecutiveFailures} consecutive amortized computations failed (tolerated: {_toleratedFailures}); last error: {last?.Message}", last);
        }
    }

    /// <summary>
    /// Refreshes the factors: those of eigenvalue-corrected parameters refreshed by plain eigh in one native call
    /// (<see cref="EigenvalueCorrectedPreconditioner.RefreshAll"/>), the others, and any it left undone, one at a time
    /// (<see cref="FactoredParameterState.Refresh"/>, which reports why); per factor its error, or null.
    /// </summary>
    private static Exception?[] RefreshEach(List<FactorRefresh> jobs, long t)
    {
        var errors = new Exception?[jobs.Count];
        var done = EigenvalueCorrectedPreconditioner.RefreshAll(jobs, t);
        for (int i = 0; i < jobs.Count; i++)
        {
            if (done[i]) continue;
            try
            {
                jobs[i].State.Refresh(jobs[i].Block, jobs[i].K, t);
            }
            catch (Exception e) when (e is TorchException or ArgumentException or InvalidOperationException)
            {
                errors[i] = e;
            }
        }

        return errors;
    }

    /// <inheritdoc/>
    public override void AddDiagnostics(IDictionary<string, double> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        long checks = 0, refreshes = 0, qr = 0, failures = 0;
        foreach (var f in Factors)
        {
            into[f.Label + "/checks"] = f.Checks;
            into[f.Label + "/refreshes"] = f.Refreshes;
            into[f.Label + "/qr_iterations"] = f.QrIterations;
            into[f.Label + "/last_criterion"] = f.LastCriterion;
            into[f.Label + "/failures"] = f.Failures;
            checks += f.Checks;
            refreshes += f.Refreshes;
            qr += f.QrIterations;
            failures += f.Failures;
        }

        into["eigen/checks"] = checks;
        into["eigen/refreshes"] = refreshes;
        into["eigen/qr_iterations"] = qr;
        into["eigen/failures"] = failures;
        into["eigen/amortized_seconds"] = (double)AmortizedTicks / Stopwatch.Frequency;
    }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        var v = into.Values;
        v[$"{prefix}.failed"] = Str(FailedComputations);
        v[$"{prefix}.consecutive_failures"] = Str(_consecutiveFailures);
        v[$"{prefix}.amortized_ticks"] = Str(AmortizedTicks);
        for (int i = 0; i < Parameters.Length; i++)
        {
            var ps = Parameters[i];
            foreach (var (name, t) in ps.StateTensors()) SaveTensor(into, $"{prefix}.p{i}.{name}", t);
            int j = 0;
            foreach (var f in ps.Layout.Factors)
            {
                string k = $"{prefix}.p{i}.f{j++}";
                v[k + ".has_matrix"] = f.HasMatrix ? "1" : "0";
                v[k + ".checks"] = Str(f.Checks);
                v[k + ".refreshes"] = Str(f.Refreshes);
                v[k + ".qr_iterations"] = Str(f.QrIterations);
                v[k + ".failures"] = Str(f.Failures);
                v[k + ".last_criterion"] = f.LastCriterion.ToString("R", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        FailedComputations = from.Int64($"{prefix}.failed");
        _consecutiveFailures = from.Int64($"{prefix}.consecutive_failures");
        AmortizedTicks = from.Int64($"{prefix}.amortized_ticks");
        for (int i = 0; i < Parameters.Length; i++)
        {
            var ps = Parameters[i];
            foreach (var (name, t) in ps.StateTensors()) LoadTensor(from, $"{prefix}.p{i}.{name}", t);

            int j = 0;
            foreach (var f in ps.Layout.Factors)
            {
                string k = $"{prefix}.p{i}.f{j++}";
                f.HasMatrix = from.Int64(k + ".has_matrix") != 0;
                f.Checks = from.Int64(k + ".checks");
                f.Refreshes = from.Int64(k + ".refreshes");
                f.QrIterations = from.Int64(k + ".qr_iterations");
                f.Failures = from.Int64(k + ".failures");
                f.LastCriterion = from.Values.TryGetValue(k + ".last_criterion", out var lc)
                    ? double.Parse(lc, CultureInfo.InvariantCulture)
                    : throw new InvalidDataException($"algorithm checkpoint has no value '{k}.last_criterion'");
            }
        }
    }

    private static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
        base.Dispose();
    }
}
