namespace AlgoPerfSharp.Harness.Cli;

/// <summary>Process exit codes of <c>algoperf</c> (the same numbers as <see cref="CliApp"/>'s constants, plus the rest).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = CliApp.Ok;

    /// <summary>
    /// A verdict or check failed: <c>compare</c> found a regression, or a <c>run</c>/<c>sweep</c> has trials that
    /// failed or timed out (<see cref="Sweep.SweepJob.FailureStates"/>; <c>--allow-failures</c> exits 0 instead).
    /// </summary>
    public const int Failed = 1;

    /// <summary>Bad usage or input.</summary>
    public const int BadInput = CliApp.BadInput;

    /// <summary>libtorch missing.</summary>
    public const int EngineMissing = CliApp.EngineMissing;

    /// <summary>Interrupted by Ctrl+C / SIGTERM; re-run the same command to resume.</summary>
    public const int Interrupted = 130;
}
