using System.Text;

namespace AlgoPerfSharp.Harness.Reports;

/// <summary>
/// Makes names chosen by users and plugins (run labels, algorithm, workload and plugin names, diagnostics keys) safe
/// where they are written: one line of markdown that cannot break a table or inject lines, a terminal line without
/// control characters or ANSI escapes, a stored key without control characters, one path component that cannot leave
/// its folder. Pure functions; thread-safe.
/// </summary>
public static class SafeText
{
    /// <summary>
    /// <paramref name="text"/> as inline markdown inside one table cell or line: control characters (newlines, ANSI
    /// escapes' ESC) become U+FFFD, so no new line or row can start; <c>|</c>, <c>\</c> and <c>`</c> are
    /// backslash-escaped, so no cell ends and no code span opens; <c>&lt;</c> and <c>&gt;</c> become entities, so no HTML
    /// (comment) opens. Other markdown (<c>_</c>, <c>*</c>) is left alone: it can style a name, not add content.
    /// </summary>
    public static string Markdown(string? text)
    {
        var sb = new StringBuilder();
        foreach (char c in text ?? string.Empty)
        {
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\\' or '|' or '`': sb.Append('\\').Append(c); break;
                default: sb.Append(IsControl(c) ? Replacement : c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary><paramref name="text"/> for a terminal: every control character (ESC of an ANSI escape, CR, LF, BEL …) becomes U+FFFD.</summary>
    public static string Terminal(string? text) => Replace(text ?? string.Empty, Replacement);

    /// <summary>A metric or diagnostics key as stored: control characters become <c>_</c>; an empty key becomes <c>_</c>.</summary>
    public static string Key(string? key)
    {
        string clean = Replace(key ?? string.Empty, '_');
        return clean.Length == 0 ? "_" : clean;
    }

    /// <summary>
    /// <paramref name="name"/> as one file or folder name that stays inside its parent whatever it holds: path
    /// separators, control and invalid file-name characters and <c>:</c> become <c>_</c>; <c>.</c> and <c>..</c> (and an
    /// empty name) become <c>_</c>-prefixed, so <c>Path.Combine(root, PathComponent(x))</c> is always below root.
    /// </summary>
    public static string PathComponent(string? name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        string clean = string.Concat((name ?? string.Empty).Select(c => IsControl(c) || c is '/' or '\\' or ':' || invalid.Contains(c) ? '_' : c));
        return clean.Length == 0 || clean.All(c => c == '.') ? "_" + clean : clean;
    }

    private const char Replacement = '\uFFFD';

    // C0, DEL and C1 controls, plus the line and paragraph separators that terminals and markdown also break on.
    private static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static string Replace(string text, char with)
    {
        if (!text.Any(IsControl)) return text;
        return string.Concat(text.Select(c => IsControl(c) ? with : c));
    }
}
