namespace AlgoPerfSharp.Scoring;

/// <summary>Argument checks shared by the records of this package.</summary>
internal static class Require
{
    /// <summary>Returns <paramref name="value"/> if it is a non-blank name, else throws naming <paramref name="param"/>.</summary>
    public static string Name(string? value, string param)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{param} must be a non-empty name, got {(value is null ? "null" : $"'{value}'")}.", param);
        }

        return value;
    }
}
