namespace AlgoPerfSharp.Contracts;

/// <summary>
/// A hyperparameter value or key does not match an algorithm's declaration; the one-line message names the algorithm,
/// the key, the problem and (for an unknown key) the keys it declares.
/// </summary>
public sealed class HyperparameterException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public HyperparameterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HyperparameterException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public HyperparameterException()
    {
    }
}
