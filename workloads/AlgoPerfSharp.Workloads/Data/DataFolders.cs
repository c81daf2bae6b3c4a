using System.Globalization;

namespace AlgoPerfSharp.Workloads.Data;

/// <summary>Checks that a workload's data folder can take the files it is about to write.</summary>
public static class DataFolders
{
    /// <summary>
    /// Creates <paramref name="directory"/> if needed and checks, by creating and deleting a probe file in it, that this
    /// process can write there, and, when <paramref name="bytes"/> is given, that its file system has that much free.
    /// Writes nothing else. (As root, file permissions do not stop the probe; a read-only mount does.)
    /// </summary>
    /// <param name="directory">The folder the data goes to.</param>
    /// <param name="bytes">The size about to be written, or null when unknown.</param>
    /// <param name="what">What is written, for the message (e.g. <c>the synthetic click-log cache of preset cpu</c>).</param>
    /// <exception cref="DataNotWritableException">One line naming the folder, the reason and what to do.</exception>
    public static void EnsureWritable(string directory, long? bytes, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(what);
        string full = Path.GetFullPath(directory);
        const string Advice = $"make it writable, or set {DataInstallHint.DataDirVariable} to a writable folder, then re-run (the data is written once, before any trial starts)";
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".algoperf-write-probe.{Environment.ProcessId}");
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message.ReplaceLineEndings(" ");
            throw new DataNotWritableException($"cannot write {what} to {full} ({reason}): {Advice}", e);
        }

        if (bytes is not { } need || FreeBytes(full) is not { } free || free >= need) return;
        throw new DataNotWritableException(string.Create(CultureInfo.InvariantCulture,
            $"{what} needs {Mb(need)} MB in {full}, whose file system has {Mb(free)} MB free: free some space, or set {DataInstallHint.DataDirVariable} to a folder on another disk, then re-run"));
    }

    /// <summary>Free bytes of the file system holding <paramref name="directory"/>, or null when it cannot be read.</summary>
    public static long? FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("N0", CultureInfo.InvariantCulture);
}
