using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// One step of an optimizer recipe, in the style of optax: <c>Chain(ScaleByAdam, AddDecayedWeights,
/// ScaleByLearningRate)</c>. A transform rewrites <see cref="UpdateContext.Updates"/> in place and keeps its own
/// typed state. Transforms are immutable configurations; state lives in the object <see cref="Init"/> returns.
/// </summary>
public interface IGradientTransform
{
    /// <summary>Short name for diagnostics and checkpoint keys.</summary>
    string Name { get; }

    /// <summary>Creates the state for <paramref name="parameters"/> (untimed).</summary>
    TransformState Init(IReadOnlyList<ModelParameter> parameters);

    /// <summary>Rewrites the updates in place and advances <paramref name="state"/>.</summary>
    void Update(UpdateContext context, TransformState state);
}

/// <summary>Base class giving a transform a strongly typed state.</summary>
/// <typeparam name="TState">The state type.</typeparam>
public abstract class GradientTransform<TState> : IGradientTransform
    where TState : TransformState
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    TransformState IGradientTransform.Init(IReadOnlyList<ModelParameter> parameters) => InitState(parameters);

    /// <inheritdoc/>
    void IGradientTransform.Update(UpdateContext context, TransformState state) =>
        Update(context, state as TState ?? throw new ArgumentException($"{Name} was given a {state.GetType().Name}, expected {typeof(TState).Name}", nameof(state)));

    /// <summary>Creates the typed state.</summary>
    protected abstract TState InitState(IReadOnlyList<ModelParameter> parameters);

    /// <summary>Rewrites the updates with the typed state.</summary>
    protected abstract void Update(UpdateContext context, TState state);
}
