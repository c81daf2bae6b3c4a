namespace AlgoPerfSharp.Harness.Store;

/// <summary>The results database cannot be used (newer schema, not a database, unknown run); the message says why.</summary>
public sealed class ResultsStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ResultsStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ResultsStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ResultsStoreException()
    {
    }
}
