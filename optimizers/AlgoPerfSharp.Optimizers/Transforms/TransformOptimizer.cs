using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Runs a transform recipe over a model's parameters: reads the gradients, lets the recipe rewrite them into updates
/// and adds the updates to the parameters (w ← w + u) under no-grad, inside its own DisposeScope.
/// A non-finite-gradient guard (on by default) checks every gradient first; if any element is NaN/∞ the whole step is
/// skipped — the recipe's state is not touched — and <see cref="SkippedSteps"/> counts it.
/// When the recipe is a fused <see cref="Chain"/> (the Adam family, the Shampoo family), or a <see cref="Partition"/> of
/// fused chains (ASGO, DASGO), the step is applied to the parameters directly and the gradients are left as they were;
/// otherwise the gradients are overwritten with the updates.
/// This is the one engine of every built-in algorithm; its checkpoint keys are <c>optimizer.step</c>,
/// <c>optimizer.skipped</c> and the recipe's state under <c>optimizer.state</c>.
/// </summary>
public sealed class TransformOptimizer : IDisposable
{
    private readonly TransformState _state;

    /// <summary>Creates the optimizer and the recipe's state (untimed).</summary>
    /// <param name="parameters">The parameters, in a fixed order.</param>
    /// <param name="transform">The recipe.</param>
    /// <param name="guardNonFinite">Skip steps whose gradients are not all finite.</param>
    /// <param name="multipliers">Per-parameter width-transfer multipliers aligned with <paramref name="parameters"/>, or null (all 1).</param>
    /// <exception cref="ArgumentException">The multipliers' count differs from the parameters', or one is out of range.</exception>
    public TransformOptimizer(IReadOnlyList<ModelParameter> parameters, IGradientTransform transform, bool guardNonFinite = true, IReadOnlyList<TransferMultipliers>? multipliers = null)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Transform = transform ?? throw new ArgumentNullException(nameof(transform));
        GuardNonFinite = guardNonFinite;
        if (multipliers is not null)
        {
            if (multipliers.Count != parameters.Count) throw new ArgumentException($"{multipliers.Count} transfer multipliers for {parameters.Count} parameters; give one per parameter", nameof(multipliers));
            for (int i = 0; i < multipliers.Count; i++) multipliers[i].Validate(parameters[i].Name);
            Multipliers = multipliers.All(m => m.IsIdentity) ? null : [.. multipliers];
        }

        _state = transform.Init(parameters);
    }

    /// <summary>The per-parameter width-transfer multipliers, or null when all are 1.</summary>
    public IReadOnlyList<TransferMultipliers>? Multipliers { get; }

    /// <summary>The parameters.</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }

    /// <summary>The recipe.</summary>
    public IGradientTransform Transform { get; }

    /// <summary>The recipe's state.</summary>
    public TransformState State => _state;

    /// <summary>Whether non-finite gradients skip the step.</summary>
    public bool GuardNonFinite { get; }

    /// <summary>Updates applied so far.</summary>
    public long StepCount { get; private set; }

    /// <summary>Steps skipped because a gradient was not finite.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>
    /// Applies one update from the parameters' current gradients. A parameter without a gradient gets a zero gradient.
    /// Returns false when the guard skipped the step.
    /// </summary>
    public bool Step()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        var updates = new Tensor[Parameters.Count];
        for (int i = 0; i < updates.Length; i++)
        {
            var p = Parameters[i].Tensor;
            updates[i] = p.Grad ?? p.ZerosLike();
        }

        if (GuardNonFinite && !AllFinite(updates))
        {
            SkippedSteps++;
            return false;
        }

        StepCount++;
        var context = new UpdateContext(Parameters, updates, StepCount) { Multipliers = Multipliers };
        bool applied = Transform switch
        {
            Chain chain => chain.TryApplyFused(context, _state),
            Partition partition => partition.TryApplyFused(context, _state),
            _ => false,
        };
        if (applied) return true;
        Transform.Update(context, _state);
        if (context.NoUpdate) return true;
        for (int i = 0; i < updates.Length; i++) Parameters[i].Tensor.AddInPlace(updates[i]);
        return true;
    }

    /// <summary>
    /// Puts the parameters at the point evaluation should see (the recipe's <see cref="TransformState.SwapToEvaluation"/>:
    /// Schedule-Free's average; nothing for other recipes). <see cref="PrepareForTraining"/> must run before the next
    /// gradient; a recipe that holds such a point refuses to <see cref="Step"/> until it has.
    /// </summary>
    public void PrepareForEval()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        _state.SwapToEvaluation(Parameters);
    }

    /// <summary>Undoes <see cref="PrepareForEval"/> (puts the training point back); nothing when the parameters are already there.</summary>
    public void PrepareForTraining()
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        _state.SwapToTraining(Parameters);
    }

    /// <summary>True when every element of every tensor is finite (one native pass over the list, no per-tensor synchronisation).</summary>
    public static bool AllFinite(IReadOnlyList<Tensor> tensors) => FusedSteps.AllFinite(tensors);

    /// <summary>Writes the step counters and the recipe's state.</summary>
    public void Save(AlgorithmState into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Values["optimizer.step"] = StepCount.ToString(CultureInfo.InvariantCulture);
        into.Values["optimizer.skipped"] = SkippedSteps.ToString(CultureInfo.InvariantCulture);
        using var noGrad = Autograd.NoGrad();
        _state.Save(into, "optimizer.state");
    }

    /// <summary>The recipe's diagnostics plus <c>skipped_nonfinite_steps</c>.</summary>
    public IReadOnlyDictionary<string, double> Diagnostics()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal) { ["skipped_nonfinite_steps"] = SkippedSteps };
        _state.AddDiagnostics(d);
        return d;
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A key is missing, a shape differs, or the checkpoint was written by the retired Shampoo engine.</exception>
    public void Load(AlgorithmState from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!from.Values.ContainsKey("optimizer.step") && from.Values.ContainsKey("shampoo.step"))
        {
            throw new InvalidDataException(
                "this checkpoint was written by the retired Shampoo engine (keys 'shampoo.*'), which this version cannot resume; start the trial again from step 0");
        }

        StepCount = from.Int64("optimizer.step");
        SkippedSteps = from.Int64("optimizer.skipped");
        using var noGrad = Autograd.NoGrad();
        _state.Load(from, "optimizer.state");
    }

    /// <summary>Disposes the recipe's state.</summary>
    public void Dispose() => _state.Dispose();
}
