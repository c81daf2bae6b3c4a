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
    private readonly long[] _segments;
    private int _batches;
    private long _steps, _failedSearches, _skippedPairs, _backtracks;
    private double _lastStep, _lastRatio;

    public LbfgsRun(IReadOnlyList<ModelParameter> parameters, LbfgsConfig config)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _segments = [.. parameters.Select(p => p.Tensor.NumElements)];
        _history = new LbfgsHistory(config.Memory, _segments);
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
        var g = Flatten(Gradients());          // a copy: the oracle overwrites the gradients before y = g⁺ − g

        // pass 1 over the pairs: their dot products with g (and a new pair's with the others), gᵀg
        var basis = _history.Prepare([g]);
        double gg = basis.InputSquared;
        if (!double.IsFinite(f0) || !double.IsFinite(gg) || gg == 0)
        {
            StepLengths.Add(0);
            return f0;
        }

        // p = −H g and, for the inner-product test, H(H g) = −H p as coefficients over (s, y, g); pass 2 writes both
        bool test = groups >= 2;
        double[] cp = Negated(basis.Apply(basis.Input));
        var p = Tensor.Empty(g.Shape, g.DType, g.Device);
        var hhg = test ? Tensor.Empty(g.Shape, g.DType, g.Device) : null;
        if (hhg is null) basis.Combine([cp], [p]);
        else basis.Combine([cp, Negated(basis.Apply(cp))], [p, hhg]);

        // one pass over p, g, H(H g) and the groups' gradients: gᵀp, pᵀp and v_j = g_jᵀ·H(H g)
        var (gtp, pp, products) = Measure(g, p, hhg, parts);
        if (!(gtp < 0))
        {
            _history.Clear();
            p = g.Neg();
            hhg = test ? g.Clone() : null;     // H = I: H(H g) = −p = g
            (gtp, pp, products) = Measure(g, p, hhg, parts);
        }

        if (test)
        {
            _lastRatio = InnerProductTest.Ratio(products, pp, _config.Theta);
            _batches = InnerProductTest.NextBatches(_lastRatio, _batches, examples, perBatch, _config.MaxBatches);
        }

        // the trial points x0 + αp, written per parameter (the first one in place: x = x0 there); x0 is kept for
        // backtracking in H(H g)'s buffer, which is free from here on
        var x0 = hhg ?? Tensor.Empty(g.Shape, g.DType, g.Device);
        var pOf = Views(p);
        var x0Of = Views(x0);
        for (int i = 0; i < _parameters.Count; i++) x0Of[i].CopyInPlace(_parameters[i].Tensor);
        double alpha = _config.InitialStep;
        bool accepted = false;
        if (gtp < 0)
        {
            for (int trial = 0; trial < _config.MaxBacktracks; trial++)
            {
                for (int i = 0; i < _parameters.Count; i++)
                {
                    var w = _parameters[i].Tensor;
                    if (trial > 0) w.CopyInPlace(x0Of[i]);
                    w.AddInPlace(pOf[i], alpha);
                }

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
            for (int i = 0; i < _parameters.Count; i++) _parameters[i].Tensor.CopyInPlace(x0Of[i]);
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

        // y = g⁺ − g = −(g − g⁺) (the same bits) in g's buffer; s = αp in p's: the memory takes both buffers
        var y = g;
        var yOf = Views(y);
        int k = 0;
        foreach (var grad in Gradients()) yOf[k++].SubInPlace(grad);
        y.MulInPlace(-1.0);
        p.MulInPlace(alpha);
        if (!_history.TryTake(p, y)) _skippedPairs++;
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

    private static double[] Negated(double[] c) => [.. c.Select(x => -x)];

    private IEnumerable<Tensor> Gradients() => _parameters.Select(p => p.Tensor.Grad ?? p.Tensor.ZerosLike());

    /// <summary>The parameters' parts of a flat vector, each viewed in its parameter's shape.</summary>
    private Tensor[] Views(Tensor flat)
    {
        var views = new Tensor[_parameters.Count];
        long offset = 0;
        for (int i = 0; i < views.Length; i++)
        {
            var t = _parameters[i].Tensor;
            long n = t.NumElements;
            views[i] = flat.Narrow(0, offset, n).View(t.Shape);
            offset += n;
        }

        return views;
    }

    /// <summary>gᵀp, pᵀp and the groups' g_jᵀ·hhg (none without <paramref name="hhg"/>) in one native pass.</summary>
    private (double Gtp, double Pp, double[] Products) Measure(Tensor g, Tensor p, Tensor? hhg, IReadOnlyList<SubBatchGradients> parts)
    {
        var vectors = new List<IReadOnlyList<Tensor>> { new[] { p }, new[] { g } };
        var pairs = new List<(int X, int Y)> { (0, 1), (0, 0) };
        if (hhg is not null)
        {
            vectors.Add(new[] { hhg });
            foreach (var part in parts)
            {
                pairs.Add((vectors.Count, 2));
                vectors.Add(part.Gradients);
            }
        }

        double[] d = VectorKernels.Dots(vectors, _segments, pairs);
        return (d[0], d[1], d[2..]);
    }
}
