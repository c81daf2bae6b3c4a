using AlgoPerfSharp.Optimizers;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>AdamW with scripted misbehaviour: a prepare-for-eval cost, a NaN loss or an exception at a given step, a SaveState that throws.</summary>
internal sealed class ScriptedAlgorithm(ManualClock? clock = null, double prepareCost = 0, long nanAtStep = -1, long throwAtStep = -1, bool failSaveState = false) : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    private ManualClock? Clock { get; } = clock;

    private double PrepareCost { get; } = prepareCost;

    private long NanAtStep { get; } = nanAtStep;

    private long ThrowAtStep { get; } = throwAtStep;

    private bool FailSaveState { get; } = failSaveState;

    public string Name => "scripted";

    public SearchSpace SearchSpace => _inner.SearchSpace;

    public Hyperparameters Defaults => _inner.Defaults;

    public int PrepareCalls { get; private set; }

    public ITrainingRun Init(AlgorithmInitContext context) => new Run(this, _inner.Init(context));

    private sealed class Run(ScriptedAlgorithm owner, ITrainingRun inner) : ITrainingRun
    {
        public double Update(StepContext step)
        {
            if (step.GlobalStep == owner.ThrowAtStep) throw new InvalidOperationException("plugin bug");
            double loss = inner.Update(step);
            return step.GlobalStep == owner.NanAtStep ? double.NaN : loss;
        }

        public void PrepareForEval(StepContext step)
        {
            owner.PrepareCalls++;
            owner.Clock?.Advance(owner.PrepareCost);
        }

        public AlgorithmState SaveState() => owner.FailSaveState ? throw new InvalidOperationException("state\u001b[31m cannot be saved") : inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics() => inner.Diagnostics();

        public void Dispose() => inner.Dispose();
    }
}
