using System.Diagnostics;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// Runs workers under Debian's <c>bubblewrap</c> so that they cannot write the results database or its folder: the
/// whole file system is mounted read-only (<c>--ro-bind / /</c>), with fresh <c>/dev</c> and <c>/proc</c>, and only the
/// worker's scratch folder and the checkpoint folder writable; the worker gets its own session (no terminal input).
/// bwrap dies with the process that started it (<c>--die-with-parent</c>), and the worker with bwrap (its
/// parent-death signal, SIGTERM, set by <see cref="WorkerEntry"/>, lets it checkpoint first).
/// When <c>bwrap</c> is missing or cannot start here (e.g. user namespaces disabled), workers run unsandboxed and
/// <see cref="Warning"/> says so.
/// </summary>
public sealed class WorkerSandbox
{
    private WorkerSandbox(string? bwrap, string? warning)
    {
        Bwrap = bwrap;
        Warning = warning;
    }

    /// <summary>The bwrap executable in use, or null when workers run unsandboxed.</summary>
    public string? Bwrap { get; }

    /// <summary>Why workers run unsandboxed, or null.</summary>
    public string? Warning { get; }

    /// <summary>No sandbox, by request (in-process runs, tests).</summary>
    public static WorkerSandbox None { get; } = new(null, null);

    /// <summary>
    /// Checks that <paramref name="bwrap"/> (a path or a name on PATH) starts a sandbox here by running <c>true</c>
    /// in one; otherwise returns an unsandboxed instance with a warning.
    /// </summary>
    public static WorkerSandbox Probe(string bwrap = "bwrap")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bwrap);
        const string fallback = "; workers run WITHOUT a sandbox and could write the results database (install bubblewrap: apt-get install bubblewrap)";
        if (OperatingSystem.IsWindows()) return new WorkerSandbox(null, "warning: no worker sandbox on Windows" + fallback);
        string? problem;
        try
        {
            var psi = new ProcessStartInfo(bwrap) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in new[] { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--new-session", "--", "/bin/sh", "-c", "exit 0" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            problem = p.ExitCode == 0 ? null : $"{bwrap} failed to start a sandbox (exit {p.ExitCode}: {err.Trim().ReplaceLineEndings(" ")})";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            problem = $"{bwrap} cannot be started ({e.Message})";
        }

        return problem is null ? new WorkerSandbox(bwrap, null) : new WorkerSandbox(null, "warning: " + problem + fallback);
    }

    /// <summary>
    /// The start info of <paramref name="fileName"/> <paramref name="arguments"/>, inside the sandbox when there is one,
    /// with <paramref name="writable"/> folders (created if missing) the only writable places; <c>TMPDIR</c> is the
    /// first of them.
    /// </summary>
    public ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyList<string> writable)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(writable);
        foreach (string w in writable) Directory.CreateDirectory(w);
        ProcessStartInfo psi;
        if (Bwrap is null)
        {
            psi = new ProcessStartInfo(fileName);
        }
        else
        {
            psi = new ProcessStartInfo(Bwrap);
            foreach (string a in new[] { "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--new-session", "--die-with-parent" }) psi.ArgumentList.Add(a);
            foreach (string w in writable.Select(Path.GetFullPath))
            {
                psi.ArgumentList.Add("--bind");
                psi.ArgumentList.Add(w);
                psi.ArgumentList.Add(w);
            }

            // the runtime's diagnostics socket would go to the read-only /tmp
            psi.Environment["DOTNET_EnableDiagnostics"] = "0";
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(fileName);
        }

        foreach (string a in arguments) psi.ArgumentList.Add(a);
        if (writable.Count > 0) psi.Environment["TMPDIR"] = Path.GetFullPath(writable[0]);
        return psi;
    }
}
