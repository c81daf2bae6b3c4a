using Microsoft.Data.Sqlite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>A test class's own temporary folder, deleted (after closing pooled SQLite connections) when the test ends.</summary>
public abstract class ScratchFolder : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("algoperf-test-").FullName;

    /// <summary>A path inside the folder.</summary>
    protected string P(string name) => Path.Combine(_dir, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
