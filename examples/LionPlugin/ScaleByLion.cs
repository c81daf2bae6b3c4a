using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Transforms;

namespace LionPlugin;

/// <summary>
/// Lion's direction: u ← sign(β1·m + (1 − β1)·u), then m ← β2·m + (1 − β2)·g, one momentum buffer per parameter
/// (checkpointed by the engine with the rest of the recipe's state).
/// </summary>
public sealed class ScaleByLion(double beta1, double beta2) : GradientTransform<MomentState>
{
    /// <inheritdoc/>
    public override string Name => "lion";

    /// <inheritdoc/>
    protected override MomentState InitState(IReadOnlyList<ModelParameter> parameters) => new(parameters, lists: 1);

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, MomentState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        for (int i = 0; i < context.Updates.Length; i++)
        {
            var u = context.Updates[i];                        // the gradient on entry
            var m = state.Lists[0][i];
            using var direction = m.Lerp(u, 1 - beta1).Sign();
            m.LerpInPlace(u, 1 - beta2);
            u.CopyInPlace(direction);
        }
    }
}
