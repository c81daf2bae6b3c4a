using System.Diagnostics;
using System.Globalization;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>
/// The Shampoo family's optimizer ("the optimizer class orchestrates"): per step it checks the gradients (a NaN/∞
/// gradient skips the step without touching state, counted in <see cref="SkippedSteps"/>), accumulates the factors,
/// runs the amortized computation when (t % F == 0 and t &gt; S) or t == S, and applies each parameter's direction.
/// A failed amortized computation keeps the previous matrices and is counted; more than
/// <see cref="ShampooConfig.ToleratedFailures"/> consecutive failed amortized steps raise. Not thread-safe.
/// </summary>
public sealed class ShampooOptimizer : IDisposable
{
    private readonly ShampooPreconditioner[] _preconditioners;
    private long _consecutiveFailures;
    private long _amortizedTicks;

    /// <summary>Creates the state for <paramref name="parameters"/> (untimed). Tensors are created outside any scope.</summary>
    /// <param name="parameters">The parameters (owned by the model).</param>
    /// <param name="config">The configuration.</param>
    /// <param name="configFor">Optional per-parameter override (a "parameter group"), e.g. Adam for embedding tables;
    /// it must keep <see cref="ShampooConfig.SoapSemantics"/> as in <paramref name="config"/>.</param>
    /// <param name="guardNonFinite">Skip steps whose gradients hold NaN/∞.</param>
    /// <exception cref="ArgumentException">An override changes the SOAP semantics.</exception>
    public ShampooOptimizer(IReadOnlyList<ModelParameter> parameters, ShampooConfig config, Func<ModelParameter, ShampooConfig>? configFor = null, bool guardNonFinite = true)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        GuardNonFinite = guardNonFinite;
        var configs = parameters.Select(p => configFor?.Invoke(p) ?? config).ToArray();
        if (configs.Any(c => c.SoapSemantics != config.SoapSemantics)) throw new ArgumentException("a per-parameter config must keep the SOAP semantics of the main config", nameof(configFor));
        _preconditioners = parameters.Select((p, i) => new ShampooPreconditioner(p, configs[i])).ToArray();
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }

    /// <summary>The configuration.</summary>
    public ShampooConfig Config { get; }

    /// <summary>Whether non-finite gradients skip the step.</summary>
    public bool GuardNonFinite { get; }

    /// <summary>t: updates applied so far (SOAP's initialising first call is not one).</summary>
    public long StepCount { get; private set; }

    /// <summary>Calls that were not skipped (includes SOAP's initialising call).</summary>
    public long Calls { get; private set; }

    /// <summary>Steps skipped because a gradient was not finite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Factor computations that failed (old matrices kept).</summary>
    public long FailedComputations { get; private set; }

    /// <summary>
    /// One update from the parameters' gradients with learning rate <paramref name="learningRate"/>. A parameter without
    /// a gradient gets a zero one. Returns false when the non-finite guard skipped it.
    /// </summary>
    /// <exception cref="InvalidOperationException">More consecutive amortized computations failed than tolerated.</exception>
    public bool Step(double learningRate)
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var grads = new Tensor[Parameters.Count];
        for (int i = 0; i < grads.Length; i++) grads[i] = Parameters[i].Tensor.Grad ?? Parameters[i].Tensor.ZerosLike();
        if (GuardNonFinite && !AllFinite(grads))
        {
            SkippedSteps++;
            return false;
        }

        Calls++;
        if (Config.SoapSemantics)
        {
            SoapStep(grads, learningRate);
            return true;
        }

        long t = ++StepCount;
        var merged = new Tensor[grads.Length];
        for (int i = 0; i < grads.Length; i++)
        {
            var pc = _preconditioners[i];
            var pcc = pc.Config;
            var g = grads[i].Reshape(pc.MergedShape);
            if (pcc.WeightDecay > 0 && pcc.WeightDecayType == WeightDecayType.L2) g = g.Add(Parameters[i].Tensor.Reshape(pc.MergedShape), pcc.WeightDecay);
            merged[i] = g;
            pc.AccumulateFactors(g, pcc.Beta2, pcc.Beta2 < 1 ? 1 - pcc.Beta2 : 1);
        }

        Amortized(t);
        for (int i = 0; i < grads.Length; i++)
        {
            var p = _preconditioners[i].Direction(merged[i], t, out double scale);
            _preconditioners[i].Apply(Parameters[i].Tensor, p, scale, learningRate);
        }

        return true;
    }

    private void SoapStep(Tensor[] grads, double lr)
    {
        var merged = grads.Select((g, i) => g.Reshape(_preconditioners[i].MergedShape)).ToArray();
        if (Calls == 1)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < merged.Length; i++) _preconditioners[i].SoapInitialize(merged[i]);
            _amortizedTicks += Stopwatch.GetTimestamp() - start;
            return;
        }

        long t = ++StepCount;
        for (int i = 0; i < merged.Length; i++) _preconditioners[i].SoapStep(merged[i], Parameters[i].Tensor, lr, t);
        if (t % Config.PreconditionFrequency != 0) return;
        long t0 = Stopwatch.GetTimestamp();
        foreach (var pc in _preconditioners)
        {
            foreach (var block in pc.Blocks)
            {
                for (int k = 0; k < block.Factors.Length; k++)
                {
                    if (block.Factors[k] is not null) pc.SoapRefresh(block, k);
                }
            }
        }

        _amortizedTicks += Stopwatch.GetTimestamp() - t0;
    }

    /// <summary>True when every element is finite: max |x| (one reduction, no conversion or overflow; NaN propagates) is finite.</summary>
    private static bool AllFinite(Tensor[] tensors)
    {
        foreach (var t in tensors)
        {
            using var m = Linalg.VectorNorm(t, double.PositiveInfinity);
            if (!double.IsFinite(m.ToDouble())) return false;
        }

        return true;
    }

    /// <summary>True when step t runs the amortized computation: (t % F == 0 and t &gt; S) or t == S.</summary>
    public static bool IsAmortizedStep(long t, ShampooConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long s = config.StartPreconditioningStep;
        return (t % config.PreconditionFrequency == 0 && t > s) || t == s;
    }

    private void Amortized(long t)
    {
        long start = Stopwatch.GetTimestamp();
        bool failed = false, any = false;
        Exception? last = null;
        foreach (var pc in _preconditioners)
        {
            if (!IsAmortizedStep(t, pc.Config)) continue;
            any = true;
            foreach (var block in pc.Blocks)
            {
                foreach (var f in block.Factors)
                {
                    if (f is null) continue;
                    try
                    {
                        pc.Refresh(f, block.Sizes.Length, t);
                    }
                    catch (Exception e) when (e is TorchException or ArgumentException or InvalidOperationException)
                    {
                        f.Failures++;
                        FailedComputations++;
                        failed = true;
                        last = e;
                    }
                }
            }
        }

        if (!any) return;
        _amortizedTicks += Stopwatch.GetTimestamp() - start;
        _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
        if (_consecutiveFailures > Config.ToleratedFailures)
        {
            throw new InvalidOperationException(
                $"Shampoo: {_consecutiveFailures} consecutive amortized computations failed (tolerated: {Config.ToleratedFailures}); last error: {last?.Message}", last);
        }
    }

    /// <summary>
    /// Per-factor and total counters: <c>factor/&lt;param&gt;/&lt;block&gt;/&lt;L|R|dk&gt;/{checks,refreshes,qr_iterations,last_criterion,failures}</c>
    /// and <c>eigen/checks</c>, <c>eigen/refreshes</c> (eigendecompositions or root inverses computed),
    /// <c>eigen/qr_iterations</c>, <c>eigen/failures</c>, <c>eigen/amortized_seconds</c>, <c>skipped_nonfinite_steps</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> Diagnostics()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        long checks = 0, refreshes = 0, qr = 0, failures = 0;
        foreach (var f in _preconditioners.SelectMany(p => p.Factors))
        {
            d[f.Label + "/checks"] = f.Checks;
            d[f.Label + "/refreshes"] = f.Refreshes;
            d[f.Label + "/qr_iterations"] = f.QrIterations;
            d[f.Label + "/last_criterion"] = f.LastCriterion;
            d[f.Label + "/failures"] = f.Failures;
            checks += f.Checks;
            refreshes += f.Refreshes;
            qr += f.QrIterations;
            failures += f.Failures;
        }

        d["eigen/checks"] = checks;
        d["eigen/refreshes"] = refreshes;
        d["eigen/qr_iterations"] = qr;
        d["eigen/failures"] = failures;
        d["eigen/amortized_seconds"] = (double)_amortizedTicks / Stopwatch.Frequency;
        d["skipped_nonfinite_steps"] = SkippedSteps;
        return d;
    }

    /// <summary>Writes every state tensor (cloned) and counter under <paramref name="prefix"/>.</summary>
    public void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        using var noGrad = Autograd.NoGrad();
        var v = into.Values;
        v[$"{prefix}.step"] = Str(StepCount);
        v[$"{prefix}.calls"] = Str(Calls);
        v[$"{prefix}.skipped"] = Str(SkippedSteps);
        v[$"{prefix}.failed"] = Str(FailedComputations);
        v[$"{prefix}.consecutive_failures"] = Str(_consecutiveFailures);
        v[$"{prefix}.amortized_ticks"] = Str(_amortizedTicks);
        for (int i = 0; i < _preconditioners.Length; i++)
        {
            var pc = _preconditioners[i];
            foreach (var (name, t) in pc.StateTensors()) into.Tensors[$"{prefix}.p{i}.{name}"] = DisposeScope.Detach(t.Clone());
            int j = 0;
            foreach (var f in pc.Factors)
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

    /// <summary>Restores what <see cref="Save"/> wrote (values are copied in; shapes must match).</summary>
    /// <exception cref="InvalidDataException">A key is missing or a tensor's shape differs.</exception>
    public void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        using var noGrad = Autograd.NoGrad();
        StepCount = from.Int64($"{prefix}.step");
        Calls = from.Int64($"{prefix}.calls");
        SkippedSteps = from.Int64($"{prefix}.skipped");
        FailedComputations = from.Int64($"{prefix}.failed");
        _consecutiveFailures = from.Int64($"{prefix}.consecutive_failures");
        _amortizedTicks = from.Int64($"{prefix}.amortized_ticks");
        for (int i = 0; i < _preconditioners.Length; i++)
        {
            var pc = _preconditioners[i];
            foreach (var (name, t) in pc.StateTensors())
            {
                string key = $"{prefix}.p{i}.{name}";
                var src = from.Tensor(key);
                if (!src.Shape.AsSpan().SequenceEqual(t.Shape))
                {
                    throw new InvalidDataException($"checkpoint tensor {key} has shape [{string.Join(", ", src.Shape)}], expected [{string.Join(", ", t.Shape)}]");
                }

                t.CopyInPlace(src);
            }

            int j = 0;
            foreach (var f in pc.Factors)
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

    /// <summary>Disposes all state.</summary>
    public void Dispose()
    {
        foreach (var p in _preconditioners) p.Dispose();
    }
}
