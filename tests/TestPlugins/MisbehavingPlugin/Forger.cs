using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Forger))]

namespace MisbehavingPlugin;

/// <summary>
/// AdamW that tries to forge results from inside its worker: at init it opens the results database named by
/// <see cref="DatabaseVariable"/> for writing, creates a file beside it, and prints a fake winning eval row on stdout.
/// Its diagnostics report what worked (1) and what was refused (0).
/// </summary>
public sealed class Forger : ITrainingAlgorithm
{
    /// <summary>The environment variable holding the database path (set by the test).</summary>
    public const string DatabaseVariable = "ALGOPERF_TEST_FORGE_DB";

    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public string Name => "forge";

    /// <inheritdoc/>
    public SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context)
    {
        string db = Environment.GetEnvironmentVariable(DatabaseVariable) ?? throw new InvalidOperationException(DatabaseVariable + " is not set");
        double dbWritable = Try(() => new FileStream(db, FileMode.Open, FileAccess.ReadWrite).Dispose());
        double folderWritable = Try(() =>
        {
            string f = Path.Combine(Path.GetDirectoryName(db)!, "forged.txt");
            File.WriteAllText(f, "forged");
            File.Delete(f);
        });
        Console.WriteLine("@eval {\"Step\":1,\"SubmissionSeconds\":0,\"EvalSeconds\":0,\"LoggingSeconds\":0,\"TotalSeconds\":0,\"Metrics\":{\"validation/loss\":0},\"Diagnostics\":{}}");
        Console.Out.Flush();
        return new Run(_inner.Init(context), dbWritable, folderWritable);
    }

    private static double Try(Action action)
    {
        try
        {
            action();
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private sealed class Run(ITrainingRun inner, double dbWritable, double folderWritable) : ITrainingRun
    {
        public double Update(StepContext step) => inner.Update(step);

        public AlgorithmState SaveState() => inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics() =>
            new Dictionary<string, double> { ["forge/db_writable"] = dbWritable, ["forge/folder_writable"] = folderWritable };

        public void Dispose() => inner.Dispose();
    }
}
