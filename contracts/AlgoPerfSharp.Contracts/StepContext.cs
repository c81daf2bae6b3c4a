namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One timed update step. The harness owns the clock and the data; the algorithm calls
/// <see cref="ComputeLossAndGradients"/> (once, or more for e.g. SAM) and updates the parameters in place.
/// Everything created inside the step is released by the harness's DisposeScope around it.
/// </summary>
public sealed class StepContext
{
    private readonly Func<double> _lossAndGrads;

    /// <summary>Creates a context (harness-side).</summary>
    public StepContext(
        long globalStep,
        IReadOnlyList<ModelParameter> parameters,
        WorkloadInfo workload,
        double elapsedSubmissionSeconds,
        IReadOnlyList<EvalRecord> evalHistory,
        Func<double> lossAndGradients)
    {
        GlobalStep = globalStep;
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Workload = workload ?? throw new ArgumentNullException(nameof(workload));
        ElapsedSubmissionSeconds = elapsedSubmissionSeconds;
        EvalHistory = evalHistory ?? throw new ArgumentNullException(nameof(evalHistory));
        _lossAndGrads = lossAndGradients ?? throw new ArgumentNullException(nameof(lossAndGradients));
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

    /// <summary>Number of times <see cref="ComputeLossAndGradients"/> was called in this step.</summary>
    public int GradientEvaluations { get; private set; }

    /// <summary>
    /// Runs forward and backward on this step's batch with the parameters' current values, sets every parameter's
    /// <c>Grad</c> to the gradient of the mean loss (replacing, not accumulating) and returns the loss.
    /// </summary>
    public double ComputeLossAndGradients()
    {
        GradientEvaluations++;
        return _lossAndGrads();
    }
}
