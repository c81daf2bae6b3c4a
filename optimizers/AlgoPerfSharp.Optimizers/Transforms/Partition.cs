using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Runs one transform on the parameters a predicate selects and another on the rest (optax's
/// <c>multi_transform</c> with two labels), e.g. Muon on hidden matrices and Adam on everything else. Each side's
/// state covers only its own parameters; the split is fixed at <see cref="IGradientTransform.Init"/>, so every update
/// must pass the same parameter list. When both sides are fused <see cref="Chain"/>s (ASGO and DASGO with Adam), the
/// engine applies both straight to the parameters (<see cref="TransformOptimizer"/>).
/// </summary>
public sealed class Partition : GradientTransform<Partition.PartitionState>
{
    /// <summary>Creates the transform.</summary>
    /// <param name="selector">True for parameters that go to <paramref name="selected"/>.</param>
    /// <param name="selected">The transform for the selected parameters.</param>
    /// <param name="rest">The transform for the others.</param>
    public Partition(Func<ModelParameter, bool> selector, IGradientTransform selected, IGradientTransform rest)
    {
        Selector = selector ?? throw new ArgumentNullException(nameof(selector));
        Selected = selected ?? throw new ArgumentNullException(nameof(selected));
        Rest = rest ?? throw new ArgumentNullException(nameof(rest));
    }

    /// <summary>Which parameters go to <see cref="Selected"/>.</summary>
    public Func<ModelParameter, bool> Selector { get; }

    /// <summary>The transform of the selected parameters.</summary>
    public IGradientTransform Selected { get; }

    /// <summary>The transform of the other parameters.</summary>
    public IGradientTransform Rest { get; }

    /// <inheritdoc/>
    public override string Name => $"partition({Selected.Name}|{Rest.Name})";

    /// <inheritdoc/>
    protected override PartitionState InitState(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var selected = new List<int>();
        var rest = new List<int>();
        for (int i = 0; i < parameters.Count; i++) (Selector(parameters[i]) ? selected : rest).Add(i);
        int[] sel = [.. selected];
        int[] oth = [.. rest];
        return new PartitionState(
            sel, Selected.Init(sel.Select(i => parameters[i]).ToArray()),
            oth, Rest.Init(oth.Select(i => parameters[i]).ToArray()));
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, PartitionState state)
    {
        Run(Selected, state.SelectedIndices, state.SelectedState, context);
        Run(Rest, state.RestIndices, state.RestState, context);
    }

    /// <summary>
    /// When every side with parameters is a fused <see cref="Chain"/>, applies each side's step straight to its
    /// parameters (as <see cref="Chain"/> does alone: no update tensors written, no separate w ← w + u pass) and returns
    /// true; otherwise does nothing and returns false.
    /// </summary>
    internal bool TryApplyFused(UpdateContext context, TransformState state)
    {
        var s = state as PartitionState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}", nameof(state));
        if (!Fusable(Selected, s.SelectedIndices) || !Fusable(Rest, s.RestIndices)) return false;
        if (s.SelectedIndices.Length > 0) ((Chain)Selected).TryApplyFused(Sub(context, s.SelectedIndices, out _), s.SelectedState);
        if (s.RestIndices.Length > 0) ((Chain)Rest).TryApplyFused(Sub(context, s.RestIndices, out _), s.RestState);
        return true;

        static bool Fusable(IGradientTransform side, int[] indices) => indices.Length == 0 || side is Chain { IsFused: true };
    }

    private static void Run(IGradientTransform transform, int[] indices, TransformState state, UpdateContext context)
    {
        if (indices.Length == 0) return;
        var sub = Sub(context, indices, out var updates);
        transform.Update(sub, state);
        if (sub.NoUpdate)
        {
            foreach (var u in updates) u.ZeroInPlace();
        }
    }

    /// <summary>The context of one side: its parameters, their update tensors and multipliers, the same step.</summary>
    private static UpdateContext Sub(UpdateContext context, int[] indices, out Torch.Tensor[] updates)
    {
        var parameters = new ModelParameter[indices.Length];
        updates = new Torch.Tensor[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            parameters[k] = context.Parameters[indices[k]];
            updates[k] = context.Updates[indices[k]];
        }

        return new UpdateContext(parameters, updates, context.Step) { Multipliers = context.Multipliers is { } m ? indices.Select(i => m[i]).ToArray() : null };
    }

    /// <summary>The two sides' parameter indices and states.</summary>
    public sealed class PartitionState : TransformState
    {
        internal PartitionState(int[] selectedIndices, TransformState selectedState, int[] restIndices, TransformState restState)
        {
            SelectedIndices = selectedIndices;
            SelectedState = selectedState;
            RestIndices = restIndices;
            RestState = restState;
        }

        /// <summary>Indices (into the parameter list) of the selected parameters.</summary>
        public int[] SelectedIndices { get; }

        /// <summary>State of the selected side.</summary>
        public TransformState SelectedState { get; }

        /// <summary>Indices of the other parameters.</summary>
        public int[] RestIndices { get; }

        /// <summary>State of the other side.</summary>
        public TransformState RestState { get; }

        /// <inheritdoc/>
        public override void Save(AlgorithmState into, string prefix)
        {
            SelectedState.Save(into, prefix + ".selected");
            RestState.Save(into, prefix + ".rest");
        }

        /// <inheritdoc/>
        public override void Load(AlgorithmState from, string prefix)
        {
            SelectedState.Load(from, prefix + ".selected");
            RestState.Load(from, prefix + ".rest");
        }

        /// <inheritdoc/>
        public override void AddDiagnostics(IDictionary<string, double> into)
        {
            SelectedState.AddDiagnostics(into);
            RestState.AddDiagnostics(into);
        }

        /// <inheritdoc/>
        public override void SwapToEvaluation(IReadOnlyList<ModelParameter> parameters)
        {
            SelectedState.SwapToEvaluation(Pick(parameters, SelectedIndices));
            RestState.SwapToEvaluation(Pick(parameters, RestIndices));
        }

        /// <inheritdoc/>
        public override void SwapToTraining(IReadOnlyList<ModelParameter> parameters)
        {
            SelectedState.SwapToTraining(Pick(parameters, SelectedIndices));
            RestState.SwapToTraining(Pick(parameters, RestIndices));
        }

        private static ModelParameter[] Pick(IReadOnlyList<ModelParameter> parameters, int[] indices) => indices.Select(i => parameters[i]).ToArray();

        /// <inheritdoc/>
        public override void Dispose()
        {
            SelectedState.Dispose();
            RestState.Dispose();
            base.Dispose();
        }
    }
}
