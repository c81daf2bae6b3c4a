using System.Diagnostics;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// calibration/calibrate-dlrm.sh with a stand-in algoperf that records its arguments and answers bench with a chosen
/// median step: the wall-time estimate it prints first, the step hint capped at one epoch, the commands it runs, and
/// one-line errors for bad arguments. Nothing is trained.
/// </summary>
public sealed class CalibrateDlrmScriptTests : ScratchFolder
{
    private static string Script => Path.Combine(PluginPaths.RepoRoot, "calibration", "calibrate-dlrm.sh");

    private (int Code, string Out, string Err, string[] Calls) Run(double medianStep, params string[] args)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the script runs on Linux");
        string fake = P("algoperf");
        string calls = P("calls");
        string step = medianStep.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(fake, "#!/bin/sh\n" +
            $"echo \"$*\" >> {calls}\n" +
            "if [ \"$1\" = bench ]; then\n" +
            "  while [ $# -gt 0 ]; do\n" +
            $"    if [ \"$1\" = --json ]; then printf '{{\\n  \"Workload\": \"w\",\\n  \"MedianStepSeconds\": {step},\\n  \"Steps\": 200\\n}}\\n' > \"$2\"; fi\n" +
            "    shift\n" +
            "  done\n" +
            "fi\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo("bash", [Script, .. args]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ALGOPERF"] = fake;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr, File.Exists(calls) ? File.ReadAllLines(calls) : []);
    }

    [Fact]
    public void TheDryRunPrintsTheEstimateAndRunsNothing()
    {
        var (code, output, err, calls) = Run(0.01, "--dry-run", "--out", P("out"));
        Assert.True(code == 0, output + err);
        Assert.Empty(calls);
        Assert.False(Directory.Exists(P("out")));
        // per workload: 60 s bench + (2 × 10 + 5) trials × (15 + 11) s + 16/3 × 15 + 11 s = 801 s; two workloads 1,602 s
        Assert.Contains("preset quick, 2 workload(s) (criteo_dlrm_synthetic criteo_dlrm_synthetic_qr), N = 10 tuning trials per baseline (adamw, nadamw), K = 5 seeds, tuning budget T = 15 s", output, StringComparison.Ordinal);
        Assert.Contains("bench 60 s + 25 trials × (15 + 11) s + long run ≤ 16/3 × 15 + 11 s = 801 s; all: 1602 s ≈ 27 min", output, StringComparison.Ordinal);

        (code, output, err, _) = Run(0.01, "--dry-run", "--preset", "cpu", "-n", "2", "-k", "3", "criteo_dlrm_synthetic_qr");
        Assert.True(code == 0, output + err);
        // 60 + 7 × (60 + 11) + 320 + 11 = 888 s
        Assert.Contains("preset cpu, 1 workload(s) (criteo_dlrm_synthetic_qr)", output, StringComparison.Ordinal);
        Assert.Contains("= 888 s; all: 888 s ≈ 15 min", output, StringComparison.Ordinal);
        Assert.Contains("359 MB click-log cache", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EachWorkloadIsBenchedThenCalibratedWithTheStepHintCappedAtOneEpoch()
    {
        string out_ = P("out");
        // 5 ms a step: 15 s would be 3,000 steps, more than the quick preset's epoch of 524,288 / 256 = 2,048 steps, so
        // T drops to 2,048 × 5 ms = 10.24 s (printed 10.2), the hint to round(10.2 / 0.005) = 2,040, the eval period to T / 25
        var (code, output, err, calls) = Run(0.005, "--out", out_, "criteo_dlrm_synthetic");
        Assert.True(code == 0, output + err);
        Assert.Equal(
        [
            $"bench -w criteo_dlrm_synthetic -a adamw --preset quick --max-steps 200 --json {out_}/logs/dlrm-quick-bench-criteo_dlrm_synthetic.json",
            $"calibrate -w criteo_dlrm_synthetic --preset quick -n 10 -k 5 --max-runtime 10.2 --eval-period 0.41 --step-hint 2040 --no-test-eval --db {out_}/dlrm-quick.db --json {out_}/calibration-criteo_dlrm_synthetic-quick.json",
        ], calls);
        Assert.Contains("criteo_dlrm_synthetic: median AdamW step 0.005 s; tuning budget 10.2 s, step hint 2040 (one epoch: 2048 steps), eval every 0.41 s", output, StringComparison.Ordinal);

        // 8 ms a step: 15 s is 1,875 steps, within the epoch; an explicit --seconds and --eval-period are kept as given
        File.Delete(P("calls"));
        (code, output, err, calls) = Run(0.008, "--out", out_, "--seconds", "40", "--eval-period", "1.5", "criteo_dlrm_synthetic_qr");
        Assert.True(code == 0, output + err);
        Assert.Equal($"calibrate -w criteo_dlrm_synthetic_qr --preset quick -n 10 -k 5 --max-runtime 40 --eval-period 1.5 --step-hint 2048 --no-test-eval --db {out_}/dlrm-quick.db --json {out_}/calibration-criteo_dlrm_synthetic_qr-quick.json", calls[1]);
    }

    [Theory]
    [InlineData("--preset gpu", "--preset must be quick, cpu or tiny (got 'gpu'")]
    [InlineData("--trials 0", "--trials must be a positive integer (got '0')")]
    [InlineData("--seeds x", "--seeds must be a positive integer (got 'x')")]
    [InlineData("--seconds -1", "--seconds must be a positive number of seconds (got '-1')")]
    [InlineData("--trials", "--trials needs a value")]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("sotu_llama", "'sotu_llama' is not a workload this script calibrates")]
    public void BadArgumentsAreAOneLineErrorAndRunNothing(string args, string message)
    {
        var (code, output, err, calls) = Run(0.01, args.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("calibrate-dlrm.sh: " + message, err, StringComparison.Ordinal);
        Assert.Empty(calls);
    }
}
