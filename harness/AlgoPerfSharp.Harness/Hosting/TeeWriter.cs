using System.Text;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// Writes everything to several writers (the terminal and the log file), with control characters (ANSI escapes from
/// plugin names or error messages) replaced; only the newlines of <see cref="Write(string)"/> and
/// <see cref="Write(char)"/> pass, so one <see cref="WriteLine(string)"/> stays one line.
/// </summary>
/// <param name="targets">Where text goes.</param>
public sealed class TeeWriter(params TextWriter[] targets) : TextWriter
{
    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (value != '\n') value = Reports.SafeText.Terminal(value.ToString())[0];
        foreach (var t in targets) t.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        string clean = string.Join('\n', (value ?? string.Empty).Split('\n').Select(Reports.SafeText.Terminal));
        foreach (var t in targets) t.Write(clean);
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        string clean = Reports.SafeText.Terminal(value);
        foreach (var t in targets) t.WriteLine(clean);
    }

    /// <inheritdoc/>
    public override void Flush()
    {
        foreach (var t in targets) t.Flush();
    }
}
