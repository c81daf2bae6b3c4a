namespace AlgoPerfSharp.Torch;

/// <summary>
/// The one exception type for errors raised inside libtorch or the native shim (shape mismatches, bad indices,
/// failed decompositions, ...). The message is libtorch's own. The process keeps running.
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates an exception with libtorch's message and the shim's status code.</summary>
    public TorchException(string message, int status)
        : base(message)
    {
        Status = status;
    }

    /// <summary>Creates an exception with a message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception wrapping another.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with no message.</summary>
    public TorchException()
    {
    }

    /// <summary>The shim's status: 1 = libtorch error, 2 = C++ std::exception, 3 = unknown, 4 = bad argument.</summary>
    public int Status { get; }
}
