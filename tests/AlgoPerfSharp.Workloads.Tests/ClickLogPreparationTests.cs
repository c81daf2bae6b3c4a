using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>
/// The synthetic click log's preparer (<see cref="SyntheticClickLogCache"/>, what the harness runs before any worker)
/// and the data-folder checks (<see cref="DataFolders"/>): pending until written, written once with progress, then
/// read by the workload's factory; one-line errors for folders that cannot be written.
/// </summary>
public sealed class ClickLogPreparationTests
{
    private sealed class Recorder : IProgress<DataProgress>
    {
        public List<DataProgress> Reports { get; } = [];

        public void Report(DataProgress value) => Reports.Add(value);
    }

    private static void AssertOneLine(Exception e, params string[] parts)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (string part in parts) Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTinyCacheIsPendingUntilPreparedOnceThenTheFactoryOnlyReadsIt()
    {
        using var dir = new TempDir();
        var cache = new SyntheticClickLogCache(dir.Path);
        var pending = cache.Pending(Presets.Tiny);
        Assert.NotNull(pending);
        const long Records = 131_072 + 4_096 + 4_096;
        Assert.Equal(CriteoDlrmWorkloads.CachePath(Presets.Tiny, dir.Path), pending.Path);
        Assert.Equal(300 + (Records * 161), pending.Bytes); // 22,421,804: the "22 MB" of criteo-dlrm.md
        Assert.Contains("preset tiny", pending.Description, StringComparison.Ordinal);

        var progress = new Recorder();
        cache.Prepare(Presets.Tiny, progress, CancellationToken.None);
        Assert.Equal(pending.Bytes, new FileInfo(pending.Path).Length);
        Assert.Equal((long)Math.Ceiling(Records / 16384.0), progress.Reports.Count); // one report per 16,384-record chunk
        Assert.All(progress.Reports, r => Assert.Equal(Records, r.Total));
        Assert.Equal(Records, progress.Reports[^1].Done);
        Assert.Equal(progress.Reports.Select(r => r.Done).Order(), progress.Reports.Select(r => r.Done));
        Assert.Null(cache.Pending(Presets.Tiny));
        Assert.Null(new SyntheticClickLogCache(dir.Path).Pending(Presets.Tiny)); // another instance (another process) sees it too

        // prepared once: a second Prepare and the factory write nothing (the file's time stays); the QR and LayerNorm
        // workloads share the cache
        var written = File.GetLastWriteTimeUtc(pending.Path);
        File.SetLastWriteTimeUtc(pending.Path, written.AddMinutes(-5));
        cache.Prepare(Presets.Tiny, progress, CancellationToken.None);
        using (var w = CriteoDlrmWorkloads.Create(CriteoDlrmWorkloads.DlrmQr, Presets.Tiny, dir.Path)) Assert.Equal(Records, w.File.Count);
        Assert.Equal(written.AddMinutes(-5), File.GetLastWriteTimeUtc(pending.Path));
        Assert.Equal([Path.GetFileName(pending.Path)], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no probe or temporary file left
    }

    [Fact]
    public void ACorruptCacheIsAOneLineErrorFromPendingNotARewrite()
    {
        using var dir = new TempDir();
        string path = CriteoDlrmWorkloads.CachePath(Presets.Tiny, dir.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a cache");
        var e = Assert.Throws<InvalidDataException>(() => new SyntheticClickLogCache(dir.Path).Pending(Presets.Tiny));
        AssertOneLine(e, path, "delete the file to regenerate it");
        Assert.Equal("not a cache", File.ReadAllText(path));

        // a complete cache of other settings (another preset's file renamed): the same advice
        using var other = new TempDir();
        new SyntheticClickLogCache(other.Path).Prepare(Presets.Tiny, null, CancellationToken.None);
        File.Copy(CriteoDlrmWorkloads.CachePath(Presets.Tiny, other.Path), Path.Combine(other.Path, "x.bin"));
        File.Move(Path.Combine(other.Path, "x.bin"), CriteoDlrmWorkloads.CachePath(Presets.Quick, other.Path));
        e = Assert.Throws<InvalidDataException>(() => new SyntheticClickLogCache(other.Path).Pending(Presets.Quick));
        AssertOneLine(e, "written with other settings", "delete it to regenerate it");
    }

    [Fact]
    public void ACancelledPreparationLeavesNoFile()
    {
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new SyntheticClickLogCache(dir.Path).Prepare(Presets.Tiny, null, cts.Token));
        Assert.Empty(Directory.GetFiles(dir.Path));
        Assert.NotNull(new SyntheticClickLogCache(dir.Path).Pending(Presets.Tiny));
    }

    [Fact]
    public void AFolderThatCannotBeCreatedIsAOneLineErrorSayingWhatToDo()
    {
        // a path under a regular file cannot be a folder, even for root
        using var dir = new TempDir();
        File.WriteAllText(dir.File("file"), "x");
        string target = Path.Combine(dir.File("file"), "criteo_synthetic");
        var e = Assert.Throws<DataNotWritableException>(() => new SyntheticClickLogCache(target).Prepare(Presets.Tiny, null, CancellationToken.None));
        AssertOneLine(e, $"cannot write the synthetic click-log cache of preset tiny to {target}", "set ALGOPERF_DATA to a writable folder");
        Assert.Equal(["file"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TooLittleFreeSpaceIsAOneLineErrorWithBothSizes()
    {
        using var dir = new TempDir();
        long free = Assert.IsType<long>(DataFolders.FreeBytes(dir.Path)); // statvfs answers for any folder on Linux
        Assert.True(free > 0);
        var e = Assert.Throws<DataNotWritableException>(() => DataFolders.EnsureWritable(dir.Path, free + 1_000_000_000_000, "a test cache"));
        AssertOneLine(e, "a test cache needs ", $"in {dir.Path}, whose file system has ", "MB free");
        DataFolders.EnsureWritable(dir.Path, 1, "a test cache"); // room for one byte
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path)); // the probe is gone
    }

    [NonRootFact]
    public void AFolderWithoutWritePermissionIsAOneLineErrorAndNothingIsWritten()
    {
        if (!OperatingSystem.IsLinux()) return; // the attribute skips it there too
        using var dir = new TempDir();
        string ro = Directory.CreateDirectory(dir.File("ro")).FullName;
        File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var e = Assert.Throws<DataNotWritableException>(() => new SyntheticClickLogCache(ro).Prepare(Presets.Tiny, null, CancellationToken.None));
            AssertOneLine(e, $"to {ro} (permission denied)", "make it writable");
            Assert.Empty(Directory.GetFileSystemEntries(ro));
        }
        finally
        {
            File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
