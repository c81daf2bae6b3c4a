using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>Everything a hosted command runs with.</summary>
/// <param name="Options">The validated settings.</param>
/// <param name="Services">The host's services.</param>
/// <param name="Logger">Logs to the run's log file.</param>
/// <param name="Log">The log file.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Cancellation">Cancelled at the first Ctrl+C / SIGTERM.</param>
public sealed record HarnessContext(
    HarnessOptions Options, IServiceProvider Services, ILogger Logger, FileLog Log, TextWriter Output, TextWriter Error, CancellationToken Cancellation)
{
    /// <summary>The registries.</summary>
    public Registries Registries => Services.GetRequiredService<Registries>();
}

/// <summary>
/// Runs a parsed command inside a Microsoft.Extensions.Hosting host: configuration from the optional <c>--config</c>
/// JSON then the command line, options validated at start (messages name the setting), logging to a file, the
/// registries in DI, and the one Ctrl+C owner (<see cref="InterruptSource"/>). The host is built, not started: the
/// command runs on the calling thread and returns its exit code.
/// </summary>
public static class HarnessHost
{
    /// <summary>
    /// Builds the host with <paramref name="registries"/> as a service, validates the options, runs <paramref name="body"/>;
    /// bad settings print one message and return <see cref="ExitCodes.BadInput"/>.
    /// </summary>
    public static int Run(
        Registries registries, string? configFile, Action<HarnessOptions> commandLine, TextWriter output, TextWriter error, Func<HarnessContext, int> body)
    {
        ArgumentNullException.ThrowIfNull(registries);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(body);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                error.WriteLine($"error: --config {configFile} does not exist");
                return ExitCodes.BadInput;
            }

            try
            {
                builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException e)
            {
                error.WriteLine($"error: --config {configFile} is not valid JSON: {e.InnerException?.Message ?? e.Message}");
                return ExitCodes.BadInput;
            }
        }

        using var log = new FileLog();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(registries);
        builder.Services.AddSingleton<IValidateOptions<HarnessOptions>, HarnessOptionsValidator>();
        builder.Services.AddOptions<HarnessOptions>()
            .Bind(builder.Configuration, b => b.ErrorOnUnknownConfiguration = true)
            .PostConfigure(commandLine)
            .PostConfigure<Registries>(SweepPlans.Apply);
        using var host = builder.Build();

        HarnessOptions options;
        try
        {
            options = host.Services.GetRequiredService<IOptions<HarnessOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            // one problem is one line; several are listed under one heading
            var failures = e.Failures.ToList();
            if (failures.Count == 1)
            {
                error.WriteLine("error: invalid settings: " + failures[0]);
                return ExitCodes.BadInput;
            }

            error.WriteLine("error: invalid settings:");
            foreach (string f in failures) error.WriteLine("  - " + f);
            return ExitCodes.BadInput;
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine($"error: --config {configFile}: {e.Message} (settings are the properties of HarnessOptions: Db, Label, Seed, Plan, Preset, Device, Workloads, Algorithms, Ruleset, Studies, Trials, SearchSpace, Shard, MaxRuntime, EvalPeriod, MaxSteps, EvalEverySteps, InProcess, MaxMemory, TrialTimeout, Checkpoints, ExportCsv, NoStopAtTarget, NoTestEval, AllowFailures, Seeds, Output, LogFile)");
            return ExitCodes.BadInput;
        }

        log.Open(options.EffectiveLogFile);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("algoperf");
        var (device, deviceWarning) = DeviceSetting.Resolve(options.Device, options.Preset, static () => TorchRuntime.CudaDeviceCount);
        options.Device = device.ToString();
        if (deviceWarning is not null)
        {
            error.WriteLine("warning: " + deviceWarning);
            logger.LogWarning("{Warning}", deviceWarning);
        }
        using var interrupts = new InterruptSource();
        try
        {
            int code = body(new HarnessContext(options, host.Services, logger, log, output, error, interrupts.Token));
            if (log.Failure is { } failure) error.WriteLine("warning: " + failure);
            return code;
        }
        catch (OperationCanceledException) when (interrupts.Token.IsCancellationRequested)
        {
            // Ctrl+C / SIGTERM while preparing (a plugin probe, planning): no trial was running, so nothing to checkpoint
            logger.LogWarning("interrupted");
            output.WriteLine("interrupted; re-run the same command to continue");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is ArgumentException or SearchSpaceException)
        {
            logger.LogError(e, "bad input");
            error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException or AlgoPerfSharp.Workloads.Data.DataNotWritableException)
        {
            // a workload's data are missing, corrupt or cannot be written: the messages name the file and what to do
            logger.LogError(e, "data");
            error.WriteLine("error: " + e.Message);
            return ExitCodes.BadInput;
        }
    }
}
