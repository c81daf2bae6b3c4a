namespace AlgoPerfSharp.Contracts;

/// <summary>A search space (AlgoPerf JSON) is malformed; the message names the file/field and the problem.</summary>
public sealed class SearchSpaceException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SearchSpaceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping a JSON error.</summary>
    public SearchSpaceException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SearchSpaceException()
    {
    }
}
