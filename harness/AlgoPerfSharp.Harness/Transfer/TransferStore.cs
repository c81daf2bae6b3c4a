using System.Text.Json;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Transfer;

/// <summary>
/// The summary rows of <c>algoperf transfer</c>, one per (label, width), in a table of their own,
/// <c>transfer_widths</c>, created on first use (<c>CREATE TABLE IF NOT EXISTS</c>) outside the versioned schema: the
/// trials and evals behind each row are ordinary sweep rows, so other commands neither need nor see it, and
/// <c>algoperf merge</c> does not copy it (re-run the transfer command on the merged database to rebuild it).
/// </summary>
internal static class TransferStore
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS transfer_widths (
            label TEXT NOT NULL, width INTEGER NOT NULL, algorithm TEXT NOT NULL, family TEXT NOT NULL, parameterisation TEXT NOT NULL,
            steps INTEGER NOT NULL, best_lr REAL NOT NULL, transferred_lr REAL NOT NULL, drift_steps REAL NOT NULL,
            best_loss REAL NOT NULL, transferred_loss REAL NOT NULL, regret REAL NOT NULL, coordinate_check TEXT,
            PRIMARY KEY (label, width));
        """;

    /// <summary>Writes (or replaces) the row of <paramref name="result"/>; <paramref name="coordinates"/> as a JSON object layer → RMS.</summary>
    public static void Write(ResultsStore store, string label, string algorithm, string family, string parameterisation, long steps,
        TransferWidthResult result, IReadOnlyList<(string Layer, double Rms)>? coordinates)
    {
        var db = store.Connection;
        using (var create = db.CreateCommand())
        {
            create.CommandText = Create;
            create.ExecuteNonQuery();
        }

        using var insert = db.CreateCommand();
        insert.CommandText = """
            INSERT OR REPLACE INTO transfer_widths VALUES ($label, $width, $algorithm, $family, $p, $steps, $best_lr, $lr, $drift, $best_loss, $loss, $regret, $cc);
            """;
        insert.Parameters.AddWithValue("$label", label);
        insert.Parameters.AddWithValue("$width", result.Width);
        insert.Parameters.AddWithValue("$algorithm", algorithm);
        insert.Parameters.AddWithValue("$family", family);
        insert.Parameters.AddWithValue("$p", parameterisation);
        insert.Parameters.AddWithValue("$steps", steps);
        insert.Parameters.AddWithValue("$best_lr", result.BestLearningRate);
        insert.Parameters.AddWithValue("$lr", result.TransferredLearningRate);
        insert.Parameters.AddWithValue("$drift", result.DriftSteps);
        insert.Parameters.AddWithValue("$best_loss", result.BestLoss);
        insert.Parameters.AddWithValue("$loss", double.IsFinite(result.TransferredLoss) ? result.TransferredLoss : double.MaxValue);
        insert.Parameters.AddWithValue("$regret", double.IsFinite(result.Regret) ? result.Regret : double.MaxValue);
        insert.Parameters.AddWithValue("$cc", coordinates is null ? DBNull.Value : JsonSerializer.Serialize(coordinates.ToDictionary(c => c.Layer, c => c.Rms)));
        insert.ExecuteNonQuery();
    }
}
