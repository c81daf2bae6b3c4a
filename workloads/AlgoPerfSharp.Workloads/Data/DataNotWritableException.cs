namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// A data folder cannot be written (read-only, no permission, or too little free space) where a workload has to write
/// its data once. The message is one line naming the folder and saying what to do (<see cref="DataFolders.EnsureWritable"/>).
/// </summary>
public sealed class DataNotWritableException : IOException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public DataNotWritableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and its cause.</summary>
    public DataNotWritableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DataNotWritableException()
    {
    }
}
