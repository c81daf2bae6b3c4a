using System.Collections.Concurrent;
using System.Security.Cryptography;
using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// Which build of an algorithm a run trains: the file name and a SHA-256 prefix of the assembly that defines it — the
/// plugin's DLL, or <c>AlgoPerfSharp.Optimizers.dll</c> for a built-in. Builds are deterministic, so the same source
/// gives the same identity and any change to the algorithm's code gives another. Computed in the parent without running
/// plugin code (a probed plugin is identified by the file its probe loaded). Thread-safe.
/// </summary>
public static class AlgorithmIdentity
{
    private static readonly ConcurrentDictionary<string, string> Hashes = new(StringComparer.Ordinal);

    /// <summary>The identity of <paramref name="algorithm"/>, e.g. <c>LionPlugin.dll sha256:3f2a…</c> (16 hex digits).</summary>
    public static string Of(ITrainingAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        string file = algorithm is ProbedAlgorithm probed ? probed.Metadata.Source : algorithm.GetType().Assembly.Location;
        if (string.IsNullOrEmpty(file) || !File.Exists(file)) return $"{algorithm.GetType().Assembly.GetName().Name} (no file)";
        string full = Path.GetFullPath(file);
        return $"{Path.GetFileName(full)} sha256:{Hashes.GetOrAdd(full, Hash)}";
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
