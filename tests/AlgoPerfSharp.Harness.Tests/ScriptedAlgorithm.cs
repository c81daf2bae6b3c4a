using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// AdamW with scripted misbehaviour: a prepare-for-eval, diagnostics or SaveState cost on the manual clock, a NaN loss
/// or an exception at a given step, a SaveState that throws.
/// </summary>
internal sealed class ScriptedAlgorithm(
    ManualClock? clock = null, double prepareCost = 0, long nanAtStep = -1, long throwAtStep = -1, double diagnosticsCost = 0, double saveStateCost = 0,
    bool saveStateThrows = false) : ITrainingAlgorithm
{
    private readonly AdamW _inner = new();

    private ManualClock? Clock { get; } = clock;

    private double PrepareCost { get; } = prepareCost;

    private long NanAtStep { get; } = nanAtStep;

    private long ThrowAtStep { get; } = throwAtStep;

    private double DiagnosticsCost { get; } = diagnosticsCost;

    private double SaveStateCost { get; } = saveStateCost;

    private bool SaveStateThrows { get; } = saveStateThrows;

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

        public AlgorithmState SaveState()
        {
            if (owner.SaveStateThrows) throw new InvalidOperationException("state\u001b[31m cannot be saved");
            owner.Clock?.Advance(owner.SaveStateCost);
            return inner.SaveState();
        }

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics()
        {
            owner.Clock?.Advance(owner.DiagnosticsCost);
            return inner.Diagnostics();
        }

        public void Dispose() => inner.Dispose();
    }
}
