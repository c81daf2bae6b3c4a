using System.Globalization;
using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>
/// The <c>--set key=value</c> options of <c>conformance</c> and <c>transfer</c>: parses the text into a point, typed by
/// the declaration where one is given (a choice or text stays a string, so <c>ns_dtype=float32</c> is not a number).
/// Checking the names and values against the declarations is <see cref="HyperparameterDeclarations.Validate(Hyperparameters, IReadOnlyList{HyperparameterDeclaration}, string)"/>'s.
/// </summary>
internal static class HyperparameterAssignments
{
    /// <summary>
    /// Parses <c>key=value</c> pairs: <c>true</c>/<c>false</c> are booleans, invariant-culture numbers are numbers,
    /// anything else a string (a value of a key <paramref name="declared"/> as a choice or text is always a string).
    /// Throws <see cref="FormatException"/> (one line) for a pair without a key or <c>=</c>, or a key given twice.
    /// </summary>
    public static Hyperparameters Parse(IEnumerable<string> assignments, IReadOnlyList<HyperparameterDeclaration>? declared = null)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (string a in assignments)
        {
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"--set '{a}' is not key=value");
            string key = a[..eq].Trim();
            string text = a[(eq + 1)..].Trim();
            if (values.ContainsKey(key)) throw new FormatException($"--set gives '{key}' twice");
            bool isText = declared?.FirstOrDefault(d => d.Name == key) is { Kind: HyperparameterKind.Choice or HyperparameterKind.Text };
            values[key] = text switch
            {
                _ when isText => text,
                "true" => true,
                "false" => false,
                _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                _ => text,
            };
        }

        return new Hyperparameters(values);
    }
}
