using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>A run that calls <paramref name="before"/> on each step's context, then hands everything to <paramref name="inner"/>: a test algorithm that asks the oracle for more before a built-in's update.</summary>
internal sealed class BeforeEachUpdateRun(ITrainingRun inner, Action<StepContext> before) : ITrainingRun
{
    public double Update(StepContext step)
    {
        before(step);
        return inner.Update(step);
    }

    public void PrepareForEval(StepContext step) => inner.PrepareForEval(step);

    public AlgorithmState SaveState() => inner.SaveState();

    public void LoadState(AlgorithmState state) => inner.LoadState(state);

    public IReadOnlyDictionary<string, double> Diagnostics() => inner.Diagnostics();

    public void Dispose() => inner.Dispose();
}
