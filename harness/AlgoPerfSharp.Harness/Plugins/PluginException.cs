namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>A plugin could not be loaded or used; the message says which file and what to do.</summary>
public sealed class PluginException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PluginException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PluginException()
    {
    }
}
