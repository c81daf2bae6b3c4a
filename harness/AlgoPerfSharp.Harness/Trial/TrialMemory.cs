namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// What a trial run with <see cref="TrialRunnerOptions.MeasureMemory"/> measured of memory, in the process that trained
/// (resident figures: see <see cref="ResidentMemory"/>; null where the system does not report them).
/// </summary>
/// <param name="ResidentBeforeInitBytes">VmRSS after the model was built, just before the algorithm's Init.</param>
/// <param name="ResidentAfterStepsBytes">VmRSS after the last timed step (before that step's eval).</param>
/// <param name="PeakResidentBytes">
/// VmHWM read after the last timed step: the process's peak resident set since it started (the .NET runtime, libtorch,
/// the data, the model, the optimizer state, the steps' temporaries and the allocators' caches).
/// </param>
/// <param name="StateBytes">
/// Bytes of every tensor in the algorithm's checkpoint state after the last step (<c>SaveState</c>, taken after the
/// resident figures were read so that its copies do not count in them).
/// </param>
/// <param name="StateTensors">Tensors in that checkpoint state.</param>
public sealed record TrialMemory(long? ResidentBeforeInitBytes, long? ResidentAfterStepsBytes, long? PeakResidentBytes, long StateBytes, int StateTensors);
