using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Trial;

/// <summary>A trial's record was refused (an eval row or end that breaks the rules <see cref="StoreRecorder"/> checks); the message is one line.</summary>
public sealed class TrialRecordException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialRecordException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrialRecordException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public TrialRecordException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
