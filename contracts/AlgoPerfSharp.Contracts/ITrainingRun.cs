namespace AlgoPerfSharp.Contracts;

/// <summary>
/// One trial of an algorithm. Not thread-safe: the harness calls it from one thread. Owns its state tensors and
/// releases them in <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface ITrainingRun : IDisposable
{
    /// <summary>
    /// One <b>timed</b> update step: call <see cref="StepContext.ComputeLossAndGradients"/> and update
    /// <see cref="StepContext.Parameters"/> in place. Returns the training loss of the step (for logging and
    /// divergence detection; NaN/∞ ends the trial as diverged).
    /// </summary>
    double Update(StepContext step);

    /// <summary>Called before each evaluation, <b>timed</b> (e.g. to swap in averaged weights). Default: nothing.</summary>
    void PrepareForEval(StepContext step)
    {
    }

    /// <summary>The complete state needed to continue bit-identically after <see cref="LoadState"/>.</summary>
    AlgorithmState SaveState();

    /// <summary>Restores a state from <see cref="SaveState"/> (copying values in).</summary>
    void LoadState(AlgorithmState state);

    /// <summary>Numbers logged with every eval row (e.g. eigenbasis refresh counts). Default: none.</summary>
    IReadOnlyDictionary<string, double> Diagnostics() => new Dictionary<string, double>();
}
