using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Applies transforms in order; its state is the list of their states. A transform that sets
/// <see cref="UpdateContext.NoUpdate"/> ends the chain for that call. Three recipes run fused, with the same state and
/// the same formula: the Adam family <c>Chain(ScaleByAdam, [AddDecayedWeights without mask], ScaleByLearningRate)</c> as
/// one native pass per tensor (<see cref="FusedSteps.AdamInPlace"/>; equal up to rounding), SGD with momentum
/// <c>Chain([AddDecayedWeights without mask], ScaleByMomentum, ScaleByLearningRate)</c> as one native pass over all
/// tensors (<see cref="FusedSteps.MomentumInPlace"/>; bit-identical), and a direction transform
/// (<see cref="IScaledDirection"/>, the Shampoo family) followed by <c>[AddDecayedWeights without mask],
/// ScaleByLearningRate, [DecayAfterStep]</c>, applied to the parameters in one native pass without materialising the
/// update (<see cref="FusedSteps.ApplyDirectionsInPlace"/>; bit-identical), and Sophia
/// <c>Chain(ScaleBySophia, [AddDecayedWeights without mask], ScaleByLearningRate)</c> as one native pass over all tensors
/// (<see cref="FusedSteps.SophiaInPlace"/>; bit-identical but for one rounding of the momentum's lerp where ATen does
/// not fuse its multiply-add). Set <see cref="AllowFusion"/> to false to force the transform-by-transform path.
/// </summary>
public sealed class Chain : GradientTransform<Chain.ChainState>
{
    /// <summary>Chains <paramref name="transforms"/> (applied first to last).</summary>
    public Chain(params IGradientTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Length == 0) throw new ArgumentException("a chain needs at least one transform", nameof(transforms));
        Transforms = transforms;
        _adam = transforms switch
        {
            [ScaleByAdam a, AddDecayedWeights { Mask: null } d, ScaleByLearningRate l] => (a, d.WeightDecay, l),
            [ScaleByAdam a, ScaleByLearningRate l] => (a, 0.0, l),
            _ => null,
        };
        _momentum = transforms switch
        {
            [AddDecayedWeights { Mask: null } d, ScaleByMomentum m, ScaleByLearningRate l] => (m, 1, d.WeightDecay, l),
            [ScaleByMomentum m, ScaleByLearningRate l] => (m, 0, 0.0, l),
            _ => null,
        };
        _direction = transforms switch
        {
            [IScaledDirection d, AddDecayedWeights { Mask: null } w, ScaleByLearningRate l] => (d, w.WeightDecay, l, null),
            [IScaledDirection d, ScaleByLearningRate l, DecayAfterStep a] => (d, 0.0, l, a),
            [IScaledDirection d, ScaleByLearningRate l] => (d, 0.0, l, null),
            _ => null,
        };
        _sophia = transforms switch
        {
            [ScaleBySophia s, AddDecayedWeights { Mask: null } d, ScaleByLearningRate l] => (s, d.WeightDecay, l),
            [ScaleBySophia s, ScaleByLearningRate l] => (s, 0.0, l),
            _ => null,
        };
    }

    private readonly (ScaleByAdam Adam, double WeightDecay, ScaleByLearningRate Lr)? _adam;
    private readonly (ScaleByMomentum Momentum, int StateIndex, double WeightDecay, ScaleByLearningRate Lr)? _momentum;
    private readonly (IScaledDirection Direction, double WeightDecay, ScaleByLearningRate Lr, DecayAfterStep? After)? _direction;
    private readonly (ScaleBySophia Sophia, double WeightDecay, ScaleByLearningRate Lr)? _sophia;

    /// <summary>Whether a recognised recipe may run fused (default true). Results are equal up to rounding (the Adam family) or bit-identical.</summary>
    public bool AllowFusion { get; init; } = true;

    /// <summary>True when this chain runs as one fused native step.</summary>
    public bool IsFused => AllowFusion && (_adam is not null || _momentum is not null || _direction is not null || _sophia is not null);

    /// <summary>The transforms in order.</summary>
    public IReadOnlyList<IGradientTransform> Transforms { get; }

    /// <inheritdoc/>
    public override string Name => string.Join("+", Transforms.Select(t => t.Name));

    /// <inheritdoc/>
    protected override ChainState InitState(IReadOnlyList<ModelParameter> parameters) =>
        new(Transforms.Select(t => t.Init(parameters)).ToArray());

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, ChainState state)
    {
        if (IsFused)
        {
            RunFused(context, state, apply: false);
            return;
        }

        for (int i = 0; i < Transforms.Count && !context.NoUpdate; i++) Transforms[i].Update(context, state.States[i]);
    }

    /// <summary>
    /// When this chain is fused, applies the step straight to the parameters (skipping the separate w ← w + u pass)
    /// and returns true; otherwise does nothing and returns false.
    /// </summary>
    internal bool TryApplyFused(UpdateContext context, TransformState state)
    {
        if (!IsFused) return false;
        RunFused(context, state as ChainState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}", nameof(state)), apply: true);
        return true;
    }

    private void RunFused(UpdateContext context, ChainState state, bool apply)
    {
        if (_direction is not null)
        {
            RunDirection(context, state, apply);
            return;
        }

        if (_momentum is not null)
        {
            RunMomentum(context, state, apply);
            return;
        }

        if (_sophia is not null)
        {
            RunSophia(context, state, apply);
            return;
        }

        var (adam, weightDecay, lr) = _adam!.Value;
        var moments = (MomentState)state.States[0];
        double eta = lr.Schedule.At(context.Step - 1), bc1 = 1 - Math.Pow(adam.Beta1, context.Step), bc2Sqrt = Math.Sqrt(1 - Math.Pow(adam.Beta2, context.Step));
        if (context.Multipliers is not null)
        {
            // Width transfer: one fused call per parameter with its own η·m_η, λ·m_λ/m_η (the kernel couples λ to η) and ε·m_ε.
            for (int i = 0; i < context.Parameters.Count; i++)
            {
                var m = context.MultipliersOf(i);
                FusedSteps.AdamInPlace(
                    [context.Parameters[i].Tensor], [context.Updates[i]], [moments.Lists[0][i]], [moments.Lists[1][i]], eta * m.LearningRate, adam.Beta1, adam.Beta2,
                    adam.Eps * m.Epsilon, weightDecay * m.WeightDecay / m.LearningRate, bc1, bc2Sqrt, adam.Nesterov, apply);
            }

            return;
        }

        var parameters = new Tensor[context.Parameters.Count];
        for (int i = 0; i < parameters.Length; i++) parameters[i] = context.Parameters[i].Tensor;
        FusedSteps.AdamInPlace(
            parameters, context.Updates, moments.Lists[0], moments.Lists[1], eta, adam.Beta1, adam.Beta2,
            adam.Eps, weightDecay, bc1, bc2Sqrt, adam.Nesterov, apply);
    }

    /// <summary>
    /// SGD with momentum: per parameter the λ·m_λ/m_η that <see cref="AddDecayedWeights"/> adds and the −η·m_η that
    /// <see cref="ScaleByLearningRate"/> multiplies by, computed as they compute them, then one native call for all.
    /// </summary>
    private void RunMomentum(UpdateContext context, ChainState state, bool apply)
    {
        var (momentum, stateIndex, weightDecay, lr) = _momentum!.Value;
        var buffers = (MomentState)state.States[stateIndex];
        var (parameters, decays, scales) = DecaysAndScales(context, weightDecay, lr);
        FusedSteps.MomentumInPlace(parameters, context.Updates, buffers.Lists[0], decays, scales, momentum.Momentum, momentum.Nesterov, weightDecay != 0, apply);
    }

    /// <summary>
    /// Sophia: per parameter the λ·m_λ/m_η that <see cref="AddDecayedWeights"/> adds and the −η·m_η that
    /// <see cref="ScaleByLearningRate"/> multiplies by, computed as they compute them, then one native call for all
    /// (the momentum m updated, h read; h's refresh is the algorithm's run's).
    /// </summary>
    private void RunSophia(UpdateContext context, ChainState state, bool apply)
    {
        var (sophia, weightDecay, lr) = _sophia!.Value;
        var moments = (SophiaState)state.States[0];
        var (parameters, decays, scales) = DecaysAndScales(context, weightDecay, lr);
        FusedSteps.SophiaInPlace(parameters, context.Updates, moments.M, moments.H, decays, scales, sophia.Beta1, sophia.Rho, sophia.Eps, weightDecay != 0, apply);
    }

    /// <summary>
    /// The parameters, and per parameter the λ·m_λ/m_η that <see cref="AddDecayedWeights"/> adds and the −η·m_η that
    /// <see cref="ScaleByLearningRate"/> multiplies by, computed as they compute them (the fused momentum and Sophia runs).
    /// </summary>
    private static (Tensor[] Parameters, double[] Decays, double[] Scales) DecaysAndScales(UpdateContext context, double weightDecay, ScaleByLearningRate lr)
    {
        double eta = lr.Schedule.At(context.Step - 1);
        int n = context.Parameters.Count;
        var parameters = new Tensor[n];
        var decays = new double[n];
        var scales = new double[n];
        for (int i = 0; i < n; i++)
        {
            var m = context.MultipliersOf(i);
            parameters[i] = context.Parameters[i].Tensor;
            decays[i] = weightDecay * m.WeightDecay / m.LearningRate;
            scales[i] = -eta * m.LearningRate;
        }

        return (parameters, decays, scales);
    }

    /// <summary>
    /// The direction recipe: w ← w·(1 − ηλ) − η·s·P (decay before), or w ← (w − η·s·P)·(1 − η'λ') (decay after), or as
    /// the update u = (new w) − w when <paramref name="apply"/> is false.
    /// </summary>
    private void RunDirection(UpdateContext context, ChainState state, bool apply)
    {
        var (direction, weightDecay, lr, after) = _direction!.Value;
        var directions = direction.Directions(context, state.States[0]);
        if (directions is null)
        {
            context.NoUpdate = true;
            return;
        }

        double eta0 = lr.Schedule.At(context.Step - 1);
        double decayAfter0 = after is null ? 0 : after.Schedule.At(context.Step - 1) * after.WeightDecay;
        int n = directions.Length;
        var parameters = apply ? new Tensor[n] : null;
        var ps = apply ? new Tensor[n] : null;
        double[]? keep = apply ? new double[n] : null, step = apply ? new double[n] : null, keepAfter = apply ? new double[n] : null;
        for (int i = 0; i < n; i++)
        {
            var m = context.MultipliersOf(i);
            double eta = eta0 * m.LearningRate, before = eta0 * weightDecay * m.WeightDecay, decayAfter = decayAfter0 * m.WeightDecay;
            var (p, s) = directions[i];
            var w = context.Parameters[i].Tensor;
            if (apply)
            {
                // w ← w·(1 − before) − η·s·p, then ·(1 − decayAfter): one native pass for all parameters below (a factor
                // of 1 for a decay that is off leaves w exactly as skipping it would).
                parameters![i] = w;
                ps![i] = p;
                keep![i] = before != 0 ? 1 - before : 1;
                step![i] = -eta * s;
                keepAfter![i] = decayAfter != 0 ? 1 - decayAfter : 1;
                continue;
            }

            var u = context.Updates[i];
            u.CopyInPlace(p).MulInPlace(-eta * s);
            if (before != 0) u.AddInPlace(w, -before);
            if (decayAfter != 0) u.MulInPlace(1 - decayAfter).AddInPlace(w, -decayAfter);
        }

        if (apply) FusedSteps.ApplyDirectionsInPlace(parameters!, ps!, keep!, step!, keepAfter!);
    }

    /// <summary>The states of the chained transforms.</summary>
    public sealed class ChainState : TransformState
    {
        internal ChainState(TransformState[] states) => States = states;

        /// <summary>One state per transform.</summary>
        public IReadOnlyList<TransformState> States { get; }

        /// <inheritdoc/>
        public override void Save(AlgorithmState into, string prefix)
        {
            for (int i = 0; i < States.Count; i++) States[i].Save(into, $"{prefix}.{i}");
        }

        /// <inheritdoc/>
        public override void Load(AlgorithmState from, string prefix)
        {
            for (int i = 0; i < States.Count; i++) States[i].Load(from, $"{prefix}.{i}");
        }

        /// <inheritdoc/>
        public override void AddDiagnostics(IDictionary<string, double> into)
        {
            foreach (var s in States) s.AddDiagnostics(into);
        }

        /// <inheritdoc/>
        public override void SwapToEvaluation(IReadOnlyList<ModelParameter> parameters)
        {
            foreach (var s in States) s.SwapToEvaluation(parameters);
        }

        /// <inheritdoc/>
        public override void SwapToTraining(IReadOnlyList<ModelParameter> parameters)
        {
            foreach (var s in States) s.SwapToTraining(parameters);
        }

        /// <inheritdoc/>
        public override void Dispose()
        {
            foreach (var s in States) s.Dispose();
            base.Dispose();
        }
    }
}
