namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>Applies transforms in order; its state is the list of their states.</summary>
public sealed class Chain : GradientTransform<Chain.ChainState>
{
    /// <summary>Chains <paramref name="transforms"/> (applied first to last).</summary>
    public Chain(params IGradientTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Length == 0) throw new ArgumentException("a chain needs at least one transform", nameof(transforms));
        Transforms = transforms;
    }

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
        for (int i = 0; i < Transforms.Count; i++) Transforms[i].Update(context, state.States[i]);
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
        public override void Dispose()
        {
            foreach (var s in States) s.Dispose();
            base.Dispose();
        }
    }
}
