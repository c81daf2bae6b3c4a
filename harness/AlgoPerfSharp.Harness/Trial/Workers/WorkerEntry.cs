using System.Text;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using Microsoft.Win32.SafeHandles;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// The worker side of process isolation (the hidden <c>algoperf worker --request file</c>): runs one trial with
/// <see cref="TrialRunner"/> and sends its record and progress to the parent (<see cref="WorkerMessages"/>); it never
/// opens the results database. The protocol goes to the original stdout, whose descriptor is then pointed at stderr so
/// that a plugin's own prints cannot pass for protocol lines. SIGINT/SIGTERM, <c>stop</c> on stdin or the end of stdin
/// (the parent died; on Linux also the parent-death signal) stop it after the current step with a checkpoint (exit 130).
/// </summary>
public static class WorkerEntry
{
    /// <summary>Runs the request; returns the process exit code. <paramref name="stdout"/> carries the protocol where stdout cannot be redirected (Windows).</summary>
    public static int Run(WorkerRequest request, Registries registries, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registries);
        ArgumentNullException.ThrowIfNull(stdout);
        using var interrupts = new InterruptSource();
        // SIGTERM when the parent dies (unless sandboxed, where the parent is bwrap): the trial checkpoints and stops.
        if (OperatingSystem.IsLinux()) Libc.Prctl(Libc.SetParentDeathSignal, Libc.SigTerm, 0, 0, 0);
        using var protocol = ProtocolWriter() ?? stdout;
        var channel = new WorkerChannel(request, protocol, Console.In, interrupts);
        try
        {
            _ = TorchRuntime.PreloadAsync(); // libtorch loads on the other core while the workload reads its data (Program starts it even earlier for the worker command)
            var spec = StoredTrials.ToSpec(request.Trial);
            var algorithm = registries.Algorithms(spec.Algorithm);
            using var workload = registries.Workloads(spec.Workload, request.Preset);
            var outcome = new TrialRunner(progress: channel).Run(channel, spec, workload, algorithm, request.Options, interrupts.Token);
            return outcome.State == TrialState.Interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
        }
        catch (IOException) when (channel.ParentGone)
        {
            return ExitCodes.Interrupted; // nobody is listening any more; the last checkpoint stands
        }
    }

    /// <summary>
    /// Ends this worker process at once with <paramref name="code"/>, after <see cref="Run"/> has returned: the standard
    /// streams are flushed, then libc's <c>_exit</c> skips the runtime's shutdown and libtorch's static destructors and
    /// thread-pool joins, which do nothing the parent uses (the trial's end, its checkpoint and the protocol channel were
    /// written and closed before): on a 2-core machine under load (load average ~30) the time from the trial's end to the
    /// worker's exit fell from a median 0.56 s to 0.21 s. Returns only on Windows.
    /// </summary>
    public static void ExitNow(int code)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) Libc.Exit(code);
    }

    // The original stdout as the protocol channel, and descriptor 1 pointed at stderr for everything else.
    private static StreamWriter? ProtocolWriter()
    {
        if (OperatingSystem.IsWindows()) return null;
        Console.Out.Flush();
        int fd = Libc.Dup(1);
        if (fd < 0 || Libc.Dup2(2, 1) < 0) return null;
        Libc.Fcntl(fd, Libc.SetDescriptorFlags, Libc.CloseOnExec);
        // Console.Out holds its own duplicate of the old descriptor 1: rebuild it on the new one
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
        return new StreamWriter(new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write), new UTF8Encoding(false));
    }
}
