using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>How to start this binary again as a worker: an executable and the arguments that come before <c>worker</c>.</summary>
/// <param name="FileName">The apphost (<c>algoperf</c>) or the <c>dotnet</c> muxer.</param>
/// <param name="PrefixArguments">E.g. <c>exec path/algoperf.dll</c> when started through the muxer.</param>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>
    /// The same <c>algoperf</c> that is running (or, inside a test host, the one its output folder holds): its apphost
    /// when present, otherwise <c>dotnet exec algoperf.dll</c>.
    /// </summary>
    public static WorkerLaunch Current()
    {
        string dll = typeof(CliApp).Assembly.Location;
        string apphost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(apphost)) return new WorkerLaunch(apphost, []);
        string muxer = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new WorkerLaunch(muxer, ["exec", dll]);
    }
}
