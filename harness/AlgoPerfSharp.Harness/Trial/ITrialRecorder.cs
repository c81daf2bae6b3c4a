using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;


namespace AlgoPerfSharp.Harness.Trial;

/// <summary>
/// Where a running trial's record goes: the results store directly (<see cref="StoreRecorder"/>, in the process that
/// owns the database) or the parent process (a worker, which never opens the database). Calls come in this order:
/// <see cref="Start"/>, <see cref="Rewind"/>, any number of <see cref="Append"/>, then <see cref="Finish"/>.
/// </summary>
public interface ITrialRecorder
{
    /// <summary>Marks the trial running; returns true when it had started before (a resume).</summary>
    bool Start();

    /// <summary>
    /// Continues the trial after step <paramref name="step"/> (0 = from the start): rows after it are dropped. Returns
    /// the last row kept, or null.
    /// </summary>
    StoredEval? Rewind(long step);

    /// <summary>Records one eval row; returns once it is durable. Throws <see cref="TrialRecordException"/> for an invalid row.</summary>
    void Append(StoredEval row);

    /// <summary>Records how the trial ended. Throws <see cref="TrialRecordException"/> when the end contradicts the rows.</summary>
    void Finish(TrialEnd end);
}
