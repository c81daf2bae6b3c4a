using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Sweep;

/// <summary>
/// The right to run one trial of one results database: an exclusive <c>flock(2)</c> on
/// <c>&lt;db&gt;.leases/trial-&lt;id&gt;.lock</c>. The kernel drops the lock when the last process holding its descriptor
/// exits — the sweep and, once started through <see cref="Start{T}"/>, the trial's worker — so a lease never goes
/// stale after a crash or <c>kill -9</c>, and a re-run reclaims a trial only after its previous worker is gone. The
/// file holds the holders' PIDs for the refusal message; lock files are left in place (deleting one would let two
/// processes lock two different files of the same name). Not thread-safe.
/// </summary>
public sealed class TrialLease : IDisposable
{
    private const int TextBytes = 128;
    private readonly SafeFileHandle _handle;

    private TrialLease(SafeFileHandle handle) => _handle = handle;

    /// <summary>The lock file of trial <paramref name="trialId"/> of <paramref name="database"/>.</summary>
    public static string PathFor(string database, long trialId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return Path.Combine(Path.GetFullPath(database) + ".leases", string.Create(CultureInfo.InvariantCulture, $"trial-{trialId}.lock"));
    }

    /// <summary>
    /// Takes the lease in <paramref name="path"/> without waiting; null when another process (or another lease object
    /// of this one) holds it, with <paramref name="holder"/> naming it (e.g. <c>process 123 (worker 456)</c>).
    /// </summary>
    public static TrialLease? TryAcquire(string path, out string holder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SafeFileHandle handle;
        if (OperatingSystem.IsWindows())
        {
            // Windows share modes are mandatory and die with their process: the same guarantee without flock.
            try
            {
                handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                holder = "another process";
                return null;
            }
        }
        else
        {
            int fd = Libc.Open(path, Libc.OpenOrCreateFlags, Convert.ToInt32("644", 8));
            if (fd < 0) throw new IOException($"cannot open the lease file {path} (errno {Marshal.GetLastPInvokeError()}); check the folder's permissions");
            handle = new SafeFileHandle(fd, ownsHandle: true);
            if (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
            {
                holder = ReadText(handle);
                handle.Dispose();
                return null;
            }
        }

        var lease = new TrialLease(handle);
        lease.Describe(string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId}"));
        holder = string.Empty;
        return lease;
    }

    /// <summary>Replaces the holder text other processes see when refused (one line, at most 128 bytes).</summary>
    public void Describe(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var bytes = new byte[TextBytes];
        bytes.AsSpan().Fill((byte)' ');
        int n = Encoding.UTF8.GetBytes(holder.Length > TextBytes / 2 ? holder[..(TextBytes / 2)] : holder, bytes);
        bytes[Math.Min(n, TextBytes - 1)] = (byte)'\n';
        RandomAccess.Write(_handle, bytes, 0);
    }

    /// <summary>
    /// Runs <paramref name="start"/> (which starts a child process) with the lease's descriptor inheritable, so that the
    /// child holds the lease too and it stays taken until both have exited. Other children never inherit it.
    /// </summary>
    public T Start<T>(Func<T> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (OperatingSystem.IsWindows()) return start();
        int fd = (int)_handle.DangerousGetHandle();
        Libc.Fcntl(fd, Libc.SetDescriptorFlags, 0);
        try
        {
            return start();
        }
        finally
        {
            Libc.Fcntl(fd, Libc.SetDescriptorFlags, Libc.CloseOnExec);
        }
    }

    /// <summary>Releases this process's hold (a child started through <see cref="Start{T}"/> keeps its own until it exits).</summary>
    public void Dispose() => _handle.Dispose();

    private static string ReadText(SafeFileHandle handle)
    {
        var bytes = new byte[TextBytes];
        int n = RandomAccess.Read(handle, bytes, 0);
        string text = Encoding.UTF8.GetString(bytes, 0, n).Trim();
        return text.Length > 0 ? text : "another process";
    }
}
