using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One timed update step. The harness owns the clock and the data; the algorithm asks the step's oracle
/// (<see cref="IStepOracle"/>) for what it needs — usually <see cref="ComputeLossAndGradients"/> once (or more, e.g.
/// SAM), or gradients of sub-batches, a loss without gradients for a line search, a loss over targets of its own, more
/// data, Hessian–vector products — and updates the parameters in place. Everything created inside the step is released by the harness's
/// DisposeScope around it. The context counts what the algorithm spent; the harness records it as diagnostics.
/// </summary>
public sealed class StepContext
{
    private readonly IStepOracle _oracle;

    /// <summary>Creates a context over a full oracle (harness-side).</summary>
    public StepContext(
        long globalStep,
        IReadOnlyList<ModelParameter> parameters,
        WorkloadInfo workload,
        double elapsedSubmissionSeconds,
        IReadOnlyList<EvalRecord> evalHistory,
        IStepOracle oracle)
    {
        GlobalStep = globalStep;
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Workload = workload ?? throw new ArgumentNullException(nameof(workload));
        ElapsedSubmissionSeconds = elapsedSubmissionSeconds;
        EvalHistory = evalHistory ?? throw new ArgumentNullException(nameof(evalHistory));
        _oracle = oracle ?? throw new ArgumentNullException(nameof(oracle));
        ExamplesDrawn = oracle.Examples;
    }

    /// <summary>
    /// Creates a context that can only compute full-batch gradients with <paramref name="lossAndGradients"/> (tests and
    /// trajectory replays); the other oracle calls throw <see cref="NotSupportedException"/>.
    /// </summary>
    public StepContext(
        long globalStep,
        IReadOnlyList<ModelParameter> parameters,
        WorkloadInfo workload,
        double elapsedSubmissionSeconds,
        IReadOnlyList<EvalRecord> evalHistory,
        Func<double> lossAndGradients)
        : this(globalStep, parameters, workload, elapsedSubmissionSeconds, evalHistory, new GradientOnlyOracle(lossAndGradients))
    {
    }

    /// <summary>Update steps completed before this one (0 on the first step).</summary>
    public long GlobalStep { get; }

    /// <summary>The parameters to update (same list and order as at init).</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }

    /// <summary>Public workload facts (step hint for schedules, loss type).</summary>
    public WorkloadInfo Workload { get; }

    /// <summary>Timed seconds accumulated before this step (for time-based schedules).</summary>
    public double ElapsedSubmissionSeconds { get; }

    /// <summary>Past evaluations, oldest first.</summary>
    public IReadOnlyList<EvalRecord> EvalHistory { get; }

    /// <summary>Backward passes run in this step, each over all of the step's data (a sub-batch call counts once).</summary>
    public int GradientEvaluations { get; private set; }

    /// <summary>Hessian–vector products (<see cref="ComputeHessianVectorProduct"/>, each a forward and two backward passes over the step's data) run in this step.</summary>
    public int HessianVectorProducts { get; private set; }

    /// <summary>Forward-only passes (<see cref="ComputeLoss"/>) run in this step.</summary>
    public int LossEvaluations { get; private set; }

    /// <summary>Training examples this step drew: its batch plus any drawn by <see cref="DrawMoreData"/>.</summary>
    public int ExamplesDrawn { get; private set; }

    /// <summary>Examples in the step's data so far.</summary>
    public int Examples => _oracle.Examples;

    /// <summary>
    /// Runs forward and backward on this step's data with the parameters' current values, sets every parameter's
    /// <c>Grad</c> to the gradient of the mean loss (replacing, not accumulating) and returns the loss.
    /// </summary>
    public double ComputeLossAndGradients()
    {
        GradientEvaluations++;
        return _oracle.LossAndGradients();
    }

    /// <summary>The mean loss on this step's data at the parameters' current values, without gradients (line searches).</summary>
    public double ComputeLoss()
    {
        LossEvaluations++;
        return _oracle.Loss();
    }

    /// <summary>Per-group losses and gradients of <paramref name="groups"/> disjoint parts of the step's data (<see cref="IStepOracle.SubBatchGradients"/>).</summary>
    public IReadOnlyList<SubBatchGradients> ComputeSubBatchGradients(int groups)
    {
        GradientEvaluations++;
        return _oracle.SubBatchGradients(groups);
    }

    /// <summary>Loss and gradients against targets the algorithm derives from the outputs (<see cref="IStepOracle.LossAndGradientsForTargets"/>).</summary>
    public double ComputeLossAndGradientsForTargets(Func<Tensor, Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        GradientEvaluations++;
        return _oracle.LossAndGradientsForTargets(targets);
    }

    /// <summary>
    /// The Hessian of the step's mean loss times <paramref name="vector"/> (one tensor per parameter, in
    /// <see cref="Parameters"/> order) at the parameters' current values (<see cref="IStepOracle.HessianVectorProduct"/>);
    /// only where <see cref="WorkloadInfo.SupportsHessianVectorProducts"/>, else <see cref="NotSupportedException"/>
    /// naming the workload and the cause. Grads untouched.
    /// </summary>
    public IReadOnlyList<Tensor> ComputeHessianVectorProduct(IReadOnlyList<Tensor> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        HessianVectorProducts++;
        return _oracle.HessianVectorProduct(vector);
    }

    /// <summary>Draws <paramref name="batches"/> more training batches into this step (<see cref="IStepOracle.DrawMoreData"/>); returns the step's examples.</summary>
    public int DrawMoreData(int batches)
    {
        int before = _oracle.Examples;
        int after = _oracle.DrawMoreData(batches);
        ExamplesDrawn += after - before;
        return after;
    }

    private sealed class GradientOnlyOracle(Func<double> lossAndGradients) : IStepOracle
    {
        private readonly Func<double> _lossAndGradients = lossAndGradients ?? throw new ArgumentNullException(nameof(lossAndGradients));

        public int Examples => 0;

        public double LossAndGradients() => _lossAndGradients();

        public double Loss() => throw Unsupported();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups) => throw Unsupported();

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets) => throw Unsupported();

        public int DrawMoreData(int batches) => throw Unsupported();

        private static NotSupportedException Unsupported() =>
            new("this StepContext was built from a gradient function only (a test or a trajectory replay); the harness's trials offer the whole oracle");
    }
}
