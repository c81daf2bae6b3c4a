using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.QuasiNewton;

/// <summary>
/// One trial of progressive-batching L-BFGS. A step, on a sample S of <c>batches</c> whole batches:
/// <code>
/// draw batches − 1 more batches into the step                      (DrawMoreData)
/// g_S, g_1…g_G ← gradients of S and of G disjoint groups of it      (one sub-batch gradient pass)
/// p ← −H g_S  (two-loop);  if gᵀp ≥ 0: forget the pairs, p ← −g_S
/// R ← inner-product test of (g_j, H·(H g_S));  batches ← ⌈R·|S|⌉ in batches when R &gt; 1 (capped)
/// α ← α₀, τα, τ²α … until F_S(x + αp) ≤ F_S(x) + c₁·α·gᵀp         (ComputeLoss per trial)
/// x ← x + αp;  y ← ∇F_S(x + αp) − g_S on the same S (full overlap: one more gradient pass);  keep (αp, y) if sᵀy &gt; 0
/// </code>
/// If no trial passes, x stays and the memory is cleared. A zero gradient takes no step; a non-finite loss or gradient
/// returns that loss without a step (the harness ends the trial as diverged). Parameters are flattened in init order; the pairs are in the
/// parameters' dtype. Not thread-safe.
/// </summary>
internal sealed class LbfgsRun : ITrainingRun
{
    private readonly IReadOnlyList<ModelParameter> _parameters;
    private readonly LbfgsConfig _config;
    private readonly LbfgsHistory _history;
    private int _batches;
    private long _steps, _failedSearches, _skippedPairs, _backtracks;
    private double _lastStep, _lastRatio;

    public LbfgsRun(IReadOnlyList<ModelParameter> parameters, LbfgsConfig config)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _history = new LbfgsHistory(config.Memory);
        _batches = config.InitialBatches;
    }

    /// <summary>Examples in each step's sample so far, first step first (the batch growth the report shows).</summary>
    public List<int> SampleSizes { get; } = [];

    /// <summary>The accepted step length of each step (0 when the line search failed).</summary>
    public List<double> StepLengths { get; } = [];

    public double Update(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        int perBatch = step.Examples;
        if (_batches > 1) step.DrawMoreData(_batches - 1);
        int examples = step.Examples;
        SampleSizes.Add(examples);
        _steps++;

        int groups = Math.Min(_config.VarianceGroups, perBatch);
        var parts = step.ComputeSubBatchGradients(groups);
        double f0 = parts.Sum(p => p.Loss * p.Examples) / parts.Sum(p => p.Examples);
        using var noGrad = Autograd.NoGrad();
        var g = Flatten(_parameters.Select(p => p.Tensor.Grad ?? p.Tensor.ZerosLike()));
        double gg = LbfgsHistory.Dot(g, g);
        if (!double.IsFinite(f0) || !double.IsFinite(gg) || gg == 0)
        {
            StepLengths.Add(0);
            return f0;
        }

        var p = _history.Apply(g).Neg();
        double gtp = LbfgsHistory.Dot(g, p);
        if (!(gtp < 0))
        {
            _history.Clear();
            p = g.Neg();
            gtp = LbfgsHistory.Dot(g, p);
        }

        // the inner-product test with this step's H and g: v_j = g_jᵀ·H(H g_S), H g_S = −p
        if (groups >= 2)
        {
            var hhg = _history.Apply(p).Neg();
            var products = parts.Select(part => LbfgsHistory.Dot(Flatten(part.Gradients), hhg)).ToArray();
            _lastRatio = InnerProductTest.Ratio(products, LbfgsHistory.Dot(p, p), _config.Theta);
            _batches = InnerProductTest.NextBatches(_lastRatio, _batches, examples, perBatch, _config.MaxBatches);
        }

        var x0 = Flatten(_parameters.Select(q => q.Tensor));
        double alpha = _config.InitialStep;
        bool accepted = false;
        if (gtp < 0)
        {
            for (int trial = 0; trial < _config.MaxBacktracks; trial++)
            {
                Write(x0.Add(p, alpha));
                double f = step.ComputeLoss();
                if (f <= f0 + (_config.ArmijoC1 * alpha * gtp))
                {
                    accepted = true;
                    break;
                }

                _backtracks++;
                alpha *= _config.BacktrackFactor;
            }
        }

        if (!accepted)
        {
            Write(x0);
            _history.Clear();
            _failedSearches++;
            StepLengths.Add(0);
            _lastStep = 0;
            return f0;
        }

        using (Autograd.EnableGrad())
        {
            step.ComputeLossAndGradients();
        }

        var y = Flatten(_parameters.Select(q => q.Tensor.Grad ?? q.Tensor.ZerosLike())).Sub(g);
        if (!_history.TryAdd(p.Mul(alpha), y)) _skippedPairs++;
        StepLengths.Add(alpha);
        _lastStep = alpha;
        return f0;
    }

    public AlgorithmState SaveState()
    {
        var s = new AlgorithmState();
        _history.Save(s, "lbfgs.memory");
        s.Values["lbfgs.batches"] = _batches.ToString(CultureInfo.InvariantCulture);
        return s;
    }

    public void LoadState(AlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _history.Load(state, "lbfgs.memory");
        _batches = checked((int)state.Int64("lbfgs.batches"));
    }

    /// <summary>
    /// <c>lbfgs/batches</c> (of the next step's sample), <c>lbfgs/sample_examples</c> (the last step's sample),
    /// <c>lbfgs/step_length</c>, <c>lbfgs/test_ratio</c> (R), <c>lbfgs/pairs</c>, and totals of backtracks, failed line
    /// searches and skipped pairs.
    /// </summary>
    public IReadOnlyDictionary<string, double> Diagnostics() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["lbfgs/batches"] = _batches,
        ["lbfgs/sample_examples"] = SampleSizes.Count > 0 ? SampleSizes[^1] : 0,
        ["lbfgs/step_length"] = _lastStep,
        ["lbfgs/test_ratio"] = _lastRatio,
        ["lbfgs/pairs"] = _history.Count,
        ["lbfgs/backtracks_per_step"] = _steps > 0 ? (double)_backtracks / _steps : 0,
        ["lbfgs/failed_line_searches"] = _failedSearches,
        ["lbfgs/skipped_pairs"] = _skippedPairs,
    };

    public void Dispose() => _history.Dispose();

    private static Tensor Flatten(IEnumerable<Tensor> tensors) => Tensor.Cat(tensors.Select(t => t.Reshape(-1)).ToArray());

    private void Write(Tensor flat)
    {
        long offset = 0;
        foreach (var q in _parameters)
        {
            long n = q.Tensor.NumElements;
            q.Tensor.CopyInPlace(flat.Narrow(0, offset, n).Reshape(q.Tensor.Shape));
            offset += n;
        }
    }
}
