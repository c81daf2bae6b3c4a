using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Memory;

/// <summary>
/// An algorithm's theoretical optimizer state on one parameter set (<see cref="TheoreticalState.Of"/>): the formula in
/// units of P (the parameter count) and matrix-factor terms, and its terms in elements and bytes.
/// </summary>
/// <param name="Formula">The formula in words, with the hyperparameters it depends on, e.g. <c>2P (m, v)</c>.</param>
/// <param name="Terms">The terms, in the order the formula names them.</param>
public sealed record StateSize(string Formula, IReadOnlyList<StateTerm> Terms)
{
    /// <summary>Elements of every term.</summary>
    public long Elements => Terms.Sum(t => t.Elements);

    /// <summary>Bytes of every term.</summary>
    public long Bytes => Terms.Sum(t => t.Bytes);

    /// <summary>
    /// The measured counterpart: the bytes of every tensor in an algorithm's checkpoint state
    /// (<see cref="ITrainingRun.SaveState"/>, what a trial checkpoint writes to <c>algorithm.safetensors</c>), i.e.
    /// Σ elements × element size. The checkpoint holds the complete state, so this is what the algorithm keeps.
    /// </summary>
    public static long Measure(AlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long bytes = 0;
        foreach (var t in state.Tensors.Values) bytes = checked(bytes + (t.NumElements * t.DType.ElementSize()));
        return bytes;
    }

    /// <summary>Bytes as mebibytes with two decimals, e.g. <c>12.34 MiB</c>.</summary>
    public static string Format(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F2} MiB");
}
