using System.Runtime.InteropServices;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// The few libc calls the trial lifecycle needs on Linux and macOS: advisory file locks that the kernel drops when the
/// last process holding the descriptor exits, descriptor inheritance, standard-stream redirection and the parent-death
/// signal, and the immediate exit of a worker whose trial is recorded. Every call returns -1 on failure (errno in <see cref="Marshal.GetLastPInvokeError"/>).
/// </summary>
internal static partial class Libc
{
    public const int LockExclusive = 2;     // LOCK_EX
    public const int LockNonBlocking = 4;   // LOCK_NB
    public const int GetDescriptorFlags = 1; // F_GETFD
    public const int SetDescriptorFlags = 2; // F_SETFD
    public const int CloseOnExec = 1;       // FD_CLOEXEC
    public const int SetParentDeathSignal = 1; // PR_SET_PDEATHSIG (Linux)
    public const int SigTerm = 15;

    private const int ReadWrite = 2; // O_RDWR

    /// <summary>O_RDWR | O_CREAT | O_CLOEXEC for this OS.</summary>
    public static int OpenOrCreateFlags => ReadWrite | (OperatingSystem.IsMacOS() ? 0x200 | 0x1000000 : 0x40 | 0x80000);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nint argument2, nint argument3, nint argument4, nint argument5);

    /// <summary>Ends the process at once (<c>_exit</c>): no atexit handlers, static destructors or stdio flush.</summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    public static partial void Exit(int status);
}
