using System.CommandLine;
using AlgoPerfSharp.Harness.Bench;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>bench</c> command.</summary>
internal static class BenchCommand
{
    /// <summary>Default number of timed steps.</summary>
    public const int DefaultSteps = 40;

    public static Command Build(Registries registries)
    {
        var options = HarnessCommandOptions.ForBench();
        var cmd = new Command("bench", $"""
            Measure one workload × algorithm on this machine: median step time, examples/s, the optimizer's share of the
            step, the harness's overhead (everything but the update and forward/backward; target ≤ 2%), and achieved
            FLOP/s (the workload's layer-by-layer model FLOPs, 3 × forward per step) against a measured float32 GEMM peak, and
            memory: this process's peak resident set (VmHWM after the timed steps; the whole process: .NET runtime, libtorch, data,
            model, optimizer state), its resident set before the algorithm's Init and after the steps, and the optimizer state's
            bytes (the algorithm's checkpoint state) against the algorithm's theoretical size. Runs in this process (no worker),
            --max-steps steps (default {DefaultSteps}).
            Example: algoperf bench -w sotu_llama -a adamw --preset cpu --json bench.json
            """);
        options.AddTo(cmd);
        cmd.SetAction(parse => options.Host(parse, registries, context =>
        {
            var o = context.Options;
            if (o.Workloads.Count != 1 || o.Algorithms.Count != 1)
            {
                context.Error.WriteLine("error: bench takes one --workload and one --algorithm");
                return ExitCodes.BadInput;
            }

            // bench runs the algorithm in this process by design; a plugin is probed first, so that one misbehaving
            // while described (Name, SearchSpace, Defaults, constructor) is a one-line error rather than a crash
            Plugins.PluginProbe.ForPlanning(o.Algorithms[0], context.Registries.AlgorithmRegistry, context.Cancellation);
            // a cache written on first use is written here with progress lines (to stderr when stdout is the JSON)
            DataPreparation.Run(context.Registries.WorkloadRegistry, o.Workloads, o.Preset, o.Output == "-" ? context.Error : context.Output, context.Cancellation);
            using var workload = context.Registries.Workloads(o.Workloads[0], o.Preset);
            workload.Device = Torch.Device.Parse(o.Device ?? "cpu"); // the host has resolved auto
            var result = BenchRunner.Run(workload, context.Registries.Algorithms(o.Algorithms[0]), (int)(o.MaxSteps ?? DefaultSteps));
            if (o.Output == "-")
            {
                context.Output.WriteLine(result.ToJson());
                return ExitCodes.Ok;
            }

            context.Output.Write(result.ToText());
            if (o.Output is { } file) File.WriteAllText(file, result.ToJson());
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
