using System.Text;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>Writes everything to several writers (the terminal and the log file).</summary>
/// <param name="targets">Where text goes.</param>
public sealed class TeeWriter(params TextWriter[] targets) : TextWriter
{
    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        foreach (var t in targets) t.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        foreach (var t in targets) t.Write(value);
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        foreach (var t in targets) t.WriteLine(value);
    }

    /// <inheritdoc/>
    public override void Flush()
    {
        foreach (var t in targets) t.Flush();
    }
}
