using System.Globalization;
using Microsoft.Data.Sqlite;
using AlgoPerfSharp.Scoring;

namespace AlgoPerfSharp.Harness.Store;

/// <summary>
/// The current row of one reader, read by column name (each name's ordinal looked up once per reader) and each value
/// checked for the type the schema declares: a wrong type is a <see cref="FormatException"/> naming the column and the
/// value, never a silent zero. Not thread-safe; lives as long as its reader.
/// </summary>
internal sealed class StoredRow(SqliteDataReader reader)
{
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);

    public long Long(string column) => Value(column) switch
    {
        long v => v,
        var v => throw new FormatException($"{column} = {Show(v)} is not an integer"),
    };

    public double Real(string column) => Value(column) switch
    {
        double v => v,
        long v => v,
        var v => throw new FormatException($"{column} = {Show(v)} is not a number"),
    };

    public double? RealOrNull(string column) => Value(column) is DBNull ? null : Real(column);

    public string Text(string column) => TextOrNull(column) ?? throw new FormatException($"{column} is NULL");

    public string? TextOrNull(string column) => Value(column) switch
    {
        string v => v,
        DBNull => null,
        var v => throw new FormatException($"{column} = {Show(v)} is not text"),
    };

    public ulong Seed(string column) => ulong.TryParse(Text(column), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)
        ? v
        : throw new FormatException($"{column} = '{Text(column)}' is not a seed");

    public TrialState State(string column) => Enum.TryParse(Text(column), ignoreCase: false, out TrialState s) && Enum.IsDefined(s)
        ? s
        : throw new FormatException($"{column} = '{Text(column)}' is not a trial state");

    public TuningRuleset Ruleset(string column) => TuningRulesets.TryParse(Text(column), out var r)
        ? r
        : throw new FormatException($"{column} = '{Text(column)}' is not a ruleset (external or self)");

    private object Value(string column)
    {
        if (!_ordinals.TryGetValue(column, out int ordinal))
        {
            ordinal = reader.GetOrdinal(column);
            _ordinals[column] = ordinal;
        }

        return reader.GetValue(ordinal);
    }

    private static string Show(object v) => v is DBNull ? "NULL" : $"'{Convert.ToString(v, CultureInfo.InvariantCulture)}'";
}
