using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// A transform whose update is a direction times a scalar per parameter (the Shampoo family). <see cref="Chain"/> uses
/// it to apply <c>Chain(direction, [AddDecayedWeights], ScaleByLearningRate, [DecayAfterStep])</c> straight to the
/// parameters — w ← w·(1 − ηλ) − η·s·P, or w ← (w − η·s·P)·(1 − ηλ) — without materialising the update.
/// </summary>
public interface IScaledDirection : IGradientTransform
{
    /// <summary>
    /// Advances <paramref name="state"/> and returns, per parameter, a direction P (parameter shape; never an alias of the
    /// update tensors or of the state) and the scalar s the update s·P carries; null when this call only initialises
    /// state and must not change the parameters. Tensors join the caller's dispose scope.
    /// </summary>
    (Tensor Direction, double Scale)[]? Directions(UpdateContext context, TransformState state);

    /// <summary>The unfused update: u ← s·P per parameter, or <see cref="UpdateContext.NoUpdate"/> when <paramref name="directions"/> is null.</summary>
    public static void WriteUpdates(UpdateContext context, (Tensor Direction, double Scale)[]? directions)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (directions is null)
        {
            context.NoUpdate = true;
            return;
        }

        for (int i = 0; i < directions.Length; i++)
        {
            var (p, s) = directions[i];
            var u = context.Updates[i];
            u.CopyInPlace(p);
            if (s != 1) u.MulInPlace(s);
        }
    }
}
