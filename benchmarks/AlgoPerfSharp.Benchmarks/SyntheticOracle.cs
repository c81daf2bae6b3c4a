using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// A step oracle without a model, for optimizer-only comparisons (<c>--optimizer-steps</c>, <c>--compare-pytorch</c>
/// and its <c>--check</c> replays): every call answers from fixed tensors (<see cref="SyntheticOracleInputs"/>) at the
/// cost of a copy, so a timed step measures the algorithm's own work. <c>benchmarks/reference/synthetic_oracle.py</c>
/// is its Python twin (same rules, same inputs, same copies). One instance serves one step.
/// </summary>
/// <remarks>
/// The rules (no forward or backward is simulated; the values are fixed, not functions of the parameters):
/// <list type="bullet">
/// <item><see cref="LossAndGradients"/>: the step's gradient G (<c>setGradient</c> writes it; nothing when <c>Grad</c>
/// already holds it, as after the bench's untimed reset), or — once a line-search trial (<see cref="Loss"/>) has moved
/// the parameters in this step — the zero gradient (the trial landed on the synthetic loss's minimum along the line,
/// which keeps L-BFGS's curvature pairs well scaled over any number of steps). Loss <see cref="StepLoss"/>.</item>
/// <item><see cref="SubBatchGradients"/>(G groups): copies of the G fixed group gradients, each group holding
/// <see cref="Examples"/>/G examples and loss <see cref="StepLoss"/>; every <c>Grad</c> becomes the groups' mean (a copy).</item>
/// <item><see cref="LossAndGradientsForTargets"/>: the target function runs on the fixed outputs; <c>Grad</c> becomes
/// the fixed target gradient (a copy).</item>
/// <item><see cref="HessianVectorProduct"/>: D ⊙ v for the fixed diagonal D (a synthetic diagonal Hessian; Hutchinson's
/// u ⊙ Hu is then exactly D for any ±1 probe u).</item>
/// <item><see cref="Loss"/>: the first <c>rejectedTrials</c> calls of the step return <see cref="RejectedLoss"/>, the
/// rest <see cref="AcceptedLoss"/> (an Armijo search backtracks that many times, then accepts).</item>
/// <item><see cref="DrawMoreData"/>: <see cref="Examples"/> grows by whole batches; nothing else changes.</item>
/// </list>
/// </remarks>
public sealed class SyntheticOracle : IStepOracle
{
    /// <summary>The loss of every gradient call and sub-batch group.</summary>
    public const double StepLoss = 1.0;

    /// <summary>A line-search trial's loss that fails any sufficient-decrease test.</summary>
    public const double RejectedLoss = 1e30;

    /// <summary>A line-search trial's loss that passes any sufficient-decrease test.</summary>
    public const double AcceptedLoss = -1e30;

    private readonly IReadOnlyList<ModelParameter> _parameters;
    private readonly SyntheticOracleInputs _inputs;
    private readonly Action _setGradient;
    private readonly int _perBatch;
    private readonly int _rejectedTrials;
    private Held _held;
    private int _trials;

    /// <summary>Creates the oracle of one step.</summary>
    /// <param name="parameters">The step's parameters.</param>
    /// <param name="inputs">The fixed tensors (not owned).</param>
    /// <param name="setGradient">Writes the step's gradient G into every <c>Grad</c>.</param>
    /// <param name="gradientHeld">True when every <c>Grad</c> already holds G (the bench resets it before the step).</param>
    /// <param name="examplesPerBatch">Examples in one batch (the step starts with one).</param>
    /// <param name="rejectedTrials">Line-search trials to reject before accepting.</param>
    public SyntheticOracle(IReadOnlyList<ModelParameter> parameters, SyntheticOracleInputs inputs, Action setGradient, bool gradientHeld, int examplesPerBatch, int rejectedTrials = 0)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        _setGradient = setGradient ?? throw new ArgumentNullException(nameof(setGradient));
        ArgumentOutOfRangeException.ThrowIfLessThan(examplesPerBatch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rejectedTrials);
        _held = gradientHeld ? Held.StepGradient : Held.Other;
        _perBatch = examplesPerBatch;
        _rejectedTrials = rejectedTrials;
        Examples = examplesPerBatch;
    }

    private enum Held
    {
        StepGradient,
        Zero,
        Other,
    }

    /// <inheritdoc/>
    public int Examples { get; private set; }

    /// <inheritdoc/>
    public double LossAndGradients()
    {
        if (_trials == 0 && _held != Held.StepGradient)
        {
            _setGradient();
            _held = Held.StepGradient;
        }
        else if (_trials > 0 && _held != Held.Zero)
        {
            using var scope = new DisposeScope();
            using var noGrad = Autograd.NoGrad();
            foreach (var p in _parameters)
            {
                var g = p.Tensor.Grad;
                if (g is null) p.Tensor.Grad = p.Tensor.ZerosLike();
                else g.ZeroInPlace();
            }

            _held = Held.Zero;
        }

        return StepLoss;
    }

    /// <inheritdoc/>
    public double Loss() => _trials++ < _rejectedTrials ? RejectedLoss : AcceptedLoss;

    /// <inheritdoc/>
    public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
    {
        var fixedGroups = _inputs.Groups ?? throw Unprepared(OracleCalls.SubBatches);
        if (groups != fixedGroups.Count) throw new NotSupportedException($"this synthetic oracle holds {fixedGroups.Count} sub-batch groups, not {groups}");
        if (Examples % groups != 0) throw new NotSupportedException($"{Examples} examples do not split into {groups} equal groups");
        Copy(_inputs.GroupMean!);
        _held = Held.Other;
        return fixedGroups.Select(g => new SubBatchGradients(StepLoss, Examples / groups, g.Select(t => t.Clone()).ToArray())).ToArray();
    }

    /// <inheritdoc/>
    public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var target = _inputs.Target ?? throw Unprepared(OracleCalls.Targets);
        targets(_inputs.Outputs!);
        Copy(target);
        _held = Held.Other;
        return StepLoss;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var d = _inputs.HessianDiagonal ?? throw Unprepared(OracleCalls.HessianVectorProducts);
        if (vector.Count != d.Count) throw new ArgumentException($"{vector.Count} tensors for {d.Count} parameters", nameof(vector));
        using var noGrad = Autograd.NoGrad();
        return d.Select((x, i) => x.Mul(vector[i])).ToArray();
    }

    /// <inheritdoc/>
    public int DrawMoreData(int batches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 1);
        Examples += batches * _perBatch;
        return Examples;
    }

    /// <summary>Copies <paramref name="source"/> into every parameter's <c>Grad</c> (a clone where there is none).</summary>
    private void Copy(IReadOnlyList<Tensor> source)
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i].Tensor;
            var g = p.Grad;
            if (g is null) p.Grad = source[i].Clone();
            else g.CopyInPlace(source[i]);
        }
    }

    private static NotSupportedException Unprepared(OracleCalls call) =>
        new($"this synthetic oracle was not prepared for {call}: declare it in the algorithm's ReferenceCase (Oracle = OracleCalls.{call})");
}
