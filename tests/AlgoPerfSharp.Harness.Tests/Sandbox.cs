using System.Diagnostics;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// Runs a shell script inside bubblewrap with the whole file system writable except the folders bound read-only or
/// replaced by a small tmpfs: how the tests get a read-only folder or a full disk even as root. <c>$ALGOPERF</c> in the
/// script starts this build's <c>algoperf</c>.
/// </summary>
internal static class Sandbox
{
    public static (int Code, string Out, string Err) Run(string script, IEnumerable<string>? readOnly = null, (string Path, long Bytes)? tmpfs = null)
    {
        var launch = WorkerLaunch.Current();
        var psi = new ProcessStartInfo("bwrap") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--dev-bind", "/", "/" }) psi.ArgumentList.Add(a);
        foreach (string dir in readOnly ?? [])
        {
            psi.ArgumentList.Add("--ro-bind");
            psi.ArgumentList.Add(dir);
            psi.ArgumentList.Add(dir);
        }

        if (tmpfs is { } t)
        {
            psi.ArgumentList.Add("--size");
            psi.ArgumentList.Add(t.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("--tmpfs");
            psi.ArgumentList.Add(t.Path);
        }

        foreach (string a in new[] { "sh", "-c", script }) psi.ArgumentList.Add(a);
        psi.Environment["ALGOPERF"] = string.Join(' ', new[] { launch.FileName }.Concat(launch.PrefixArguments)); // word-split by sh: no spaces in these paths
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("bwrap did not start (install bubblewrap: ./scripts/setup.sh)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }
}
