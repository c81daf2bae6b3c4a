using System.Text.Json;
using System.Text.Json.Serialization;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>Shared JSON settings of the harness's files.</summary>
public static class JsonFormats
{
    /// <summary>Indented, with NaN/∞ written as named literals.</summary>
    public static JsonSerializerOptions Indented { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
