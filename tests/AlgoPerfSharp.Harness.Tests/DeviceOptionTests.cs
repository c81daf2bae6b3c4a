using System.Text.Json;
using AlgoPerfSharp.Scoring;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// <c>--device auto|cpu|cuda|cuda:N</c>: parsing, what <c>auto</c> means, the refusal of a CUDA device this libtorch does
/// not report (exit 2, one line, nothing written), the warning when the gpu preset falls back to the CPU, and where the
/// device is carried (trial options, the worker request) and recorded (the run's environment JSON, bench's result).
/// The CUDA path itself is untested here: no GPU is reachable.
/// </summary>
public sealed class DeviceOptionTests : ScratchFolder
{
    private static int NotAsked() => throw new InvalidOperationException("libtorch's CUDA device count must not be asked here");

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("AUTO")]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void AutoAndCpuAreValidWithoutAskingLibtorch(string? text) => Assert.Null(DeviceSetting.Problem(text, NotAsked));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void UnknownTextIsRefusedNamingTheChoices(string text) =>
        Assert.Equal($"Device (--device) '{text}' is unknown; use auto, cpu, cuda or cuda:N", DeviceSetting.Problem(text, NotAsked));

    [Theory]
    [InlineData("cuda", 0, "Device (--device) 'cuda' needs a CUDA device, but this libtorch reports none (a CPU-only build, or no GPU visible); use --device cpu (or auto), or run on a GPU node with a CUDA build of libtorch")]
    [InlineData("cuda:1", 0, "Device (--device) 'cuda:1' needs a CUDA device, but this libtorch reports none (a CPU-only build, or no GPU visible); use --device cpu (or auto), or run on a GPU node with a CUDA build of libtorch")]
    [InlineData("cuda:2", 2, "Device (--device) 'cuda:2' does not exist: this libtorch reports 2 CUDA device(s), cuda:0 to cuda:1")]
    [InlineData("cuda", 1, null)]
    [InlineData("cuda:1", 2, null)]
    public void CudaDevicesAreCheckedAgainstWhatLibtorchReports(string text, int devices, string? problem) =>
        Assert.Equal(problem, DeviceSetting.Problem(text, () => devices));

    [Theory]
    [InlineData(null, "gpu", 1, "cuda:0", false)]   // auto + gpu preset + a GPU → the first GPU
    [InlineData("auto", "gpu", 0, "cpu", true)]     // auto + gpu preset, no GPU → the CPU, with a warning
    [InlineData(null, "cpu", -1, "cpu", false)]     // -1: libtorch is not asked
    [InlineData(null, null, -1, "cpu", false)]
    [InlineData("auto", "quick", -1, "cpu", false)]
    [InlineData("cpu", "gpu", -1, "cpu", false)]    // an explicit choice: no warning
    [InlineData("cuda:1", "quick", -1, "cuda:1", false)]
    public void AutoMeansTheFirstGpuOnlyWithTheGpuPresetAndAGpu(string? text, string? preset, int devices, string device, bool warns)
    {
        var (chosen, warning) = DeviceSetting.Resolve(text, preset, devices < 0 ? NotAsked : () => devices);
        Assert.Equal(device, chosen.ToString());
        Assert.Equal(warns, warning is not null);
        if (warning is not null)
        {
            Assert.Equal("--preset gpu, but this libtorch reports no CUDA device: the trials run on the CPU (--device auto); pass --device cpu to choose that explicitly", warning);
        }
    }

    [Fact]
    public void TheDeviceTravelsInTheTrialOptionsAndTheWorkerRequest()
    {
        Assert.Equal("cpu", SweepJob.TrialOptions(new HarnessOptions()).Device);
        Assert.Equal("cuda:1", SweepJob.TrialOptions(new HarnessOptions { Device = "cuda:1" }).Device);
        using var store = ResultsStore.Open(P("w.db"));
        var run = store.CreateRun("w", "test", 1, "{}");
        var trial = store.EnsureTrial(run.Id, new TrialSpec("tiny_regression", "adamw", TuningRuleset.SelfTuning, 0, 0, new AdamW().Defaults, 1, 2, 3, 1.5));
        new WorkerRequest(trial, "gpu", new TrialRunnerOptions { Device = "cuda:1" }, false, []).Save(P("request.json"));
        Assert.Equal("cuda:1", WorkerRequest.Load(P("request.json")).Options.Device);
    }

    [Theory]
    [InlineData("cuda:0", "cannot train on device 'cuda:0': workload tiny_regression runs only on the CPU (it does not implement IWorkload.Device), not on cuda:0")]
    [InlineData("tpu", "cannot train on device 'tpu': unknown device 'tpu': expected cpu, cuda or cuda:N (Parameter 'text')")]
    public void ATrialOnADeviceItsWorkloadCannotUseFailsWithOneLine(string device, string error)
    {
        using var store = ResultsStore.Open(P("t.db"));
        var run = store.CreateRun("t", "test", 1, "{}");
        var spec = new TrialSpec("tiny_regression", "adamw", TuningRuleset.SelfTuning, 0, 0, new AdamW().Defaults, 1, 2, 3, 1.5);
        long id = store.EnsureTrial(run.Id, spec).Id;
        var outcome = new TrialRunner(store).Run(id, spec, new TinyWorkload(), new AdamW(), new TrialRunnerOptions { MaxSteps = 2, Device = device });
        Assert.Equal(TrialState.Failed, outcome.State);
        Assert.Equal(error, outcome.Error);
        Assert.Equal(0, outcome.Steps);
    }

    [CpuOnlyLibtorchTheory]
    [InlineData("run", "cuda")]
    [InlineData("sweep", "cuda:0")]
    [InlineData("calibrate", "cuda")]
    [InlineData("bench", "cuda:1")]
    public void ACudaDeviceThisLibtorchDoesNotReportIsOneLineExitTwoAndNothingWritten(string command, string device)
    {
        string db = P(command + ".db");
        string[] args = command == "calibrate"
            ? [command, "-w", "synthetic_regression", "--device", device, "--db", db]
            : [command, "-w", "synthetic_regression", "-a", "adamw", "--device", device, "--db", db];
        var (code, output, err) = HostedCli.Run(args);
        Assert.Equal(2, code);
        Assert.Equal(
            $"error: invalid settings: Device (--device) '{device}' needs a CUDA device, but this libtorch reports none (a CPU-only build, or no GPU visible); " +
            "use --device cpu (or auto), or run on a GPU node with a CUDA build of libtorch" + Environment.NewLine, err);
        Assert.Equal(string.Empty, output);
        Assert.False(File.Exists(db), "the database is not created");
        Assert.False(File.Exists(db + ".log"), "nor the log");
    }

    [Fact]
    public void AnUnknownDeviceIsOneLineExitTwo()
    {
        var (code, _, err) = HostedCli.Run("run", "-w", "synthetic_regression", "-a", "adamw", "--device", "tpu", "--db", P("u.db"));
        Assert.Equal(2, code);
        Assert.Equal("error: invalid settings: Device (--device) 'tpu' is unknown; use auto, cpu, cuda or cuda:N" + Environment.NewLine, err);
        Assert.False(File.Exists(P("u.db")));
    }

    /// <summary>synthetic_regression with a gpu preset as well (the built-in has tiny and cpu only): the same small problem.</summary>
    private static Registries WithGpuPreset() => new(TestRegistries.Algorithms, HarnessWorkloads.Registry(
        new WorkloadDescriptor(SyntheticRegression.Name, "synthetic regression, also at a gpu preset (test)", null, ["tiny", "gpu"], p => new SyntheticRegression(p))));

    [CpuOnlyLibtorchTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheGpuPresetWithoutAGpuWarnsOnceAndRecordsTheCpu(bool explicitCpu)
    {
        string db = P("gpu.db");
        string[] args = ["run", "-w", "synthetic_regression", "-a", "adamw", "--preset", "gpu", "--trials", "1", "--max-steps", "4",
            "--eval-every-steps", "2", "--db", db, "--in-process"];
        var (code, _, err) = HostedCli.RunWith(WithGpuPreset(), explicitCpu ? [.. args, "--device", "cpu"] : args);

        Assert.Equal(0, code);
        var warnings = err.Split(Environment.NewLine).Where(l => l.Contains("CUDA", StringComparison.Ordinal)).ToList();
        if (explicitCpu)
        {
            Assert.Empty(warnings);
        }
        else
        {
            Assert.Equal(["warning: --preset gpu, but this libtorch reports no CUDA device: the trials run on the CPU (--device auto); pass --device cpu to choose that explicitly"], warnings);
        }

        using var store = ResultsStore.Open(db, create: false);
        using var environment = JsonDocument.Parse(store.FindRun("run")!.EnvironmentJson);
        Assert.Equal("cpu", environment.RootElement.GetProperty("Device").GetString());
        Assert.Equal(2, store.Evals(store.Trials(store.FindRun("run")!.Id).Single().Id).Count);
    }

    [Fact]
    public void BenchSaysWhereItRan()
    {
        var (code, output, _) = HostedCli.Run("bench", "-w", "synthetic_regression", "-a", "adamw", "--max-steps", "3", "--json", "-", "--db", P("b.db"));
        Assert.Equal(0, code);
        using var result = JsonDocument.Parse(output);
        Assert.Equal("cpu", result.RootElement.GetProperty("Device").GetString());
    }

    [Fact]
    public void InfoLeavesTheDeviceOut() =>
        Assert.DoesNotContain("\"Device\"", Cli.EnvironmentInfo.Capture().ToJson(), StringComparison.Ordinal); // only a run has one
}

/// <summary>A theory about a libtorch that sees no CUDA device; skipped, with the reason shown, where one is visible.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CpuOnlyLibtorchTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory when libtorch reports a CUDA device.</summary>
    public CpuOnlyLibtorchTheoryAttribute()
    {
        if (TorchRuntime.CudaDeviceCount > 0) Skip = "checks what happens without a CUDA device, but this libtorch sees a GPU";
    }
}
