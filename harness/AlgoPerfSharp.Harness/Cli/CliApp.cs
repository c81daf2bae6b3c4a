using System.CommandLine;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>
/// The <c>algoperf</c> command line. Exit codes: 0 success, 1 a verdict or check failed (a regression, or trials of a
/// run/sweep that failed or timed out), 2 bad usage or input,
/// 3 the engine (libtorch) is missing, 130 interrupted.
/// </summary>
public static class CliApp
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad usage or bad input (message printed).</summary>
    public const int BadInput = 2;

    /// <summary>libtorch or the shim could not be loaded.</summary>
    public const int EngineMissing = 3;

    /// <summary>Builds the command tree; every command that resolves algorithms or workloads uses <paramref name="registries"/>.</summary>
    public static RootCommand Build(Registries registries, TextWriter? output = null)
    {
        ArgumentNullException.ThrowIfNull(registries);
        var root = new RootCommand("""
            algoperf — an AlgoPerf-style benchmark for neural-network training algorithms (C#/.NET over libtorch).
            Measures how fast a training algorithm reaches a fixed validation target on fixed workloads, under a fixed
            tuning budget, and scores algorithms against each other.
            """);
        root.Subcommands.Add(InfoCommand());
        root.Subcommands.Add(DemoCommand());
        root.Subcommands.Add(ListCommand(registries));
        root.Subcommands.Add(LeaderboardCommand());
        root.Subcommands.Add(SweepCommands.Run(registries));
        root.Subcommands.Add(SweepCommands.Sweep(registries));
        root.Subcommands.Add(SweepCommands.Merge());
        root.Subcommands.Add(SweepCommands.Worker(registries));
        root.Subcommands.Add(ProbeCommand.Build(registries.AlgorithmRegistry));
        root.Subcommands.Add(BenchCommand.Build(registries));
        root.Subcommands.Add(CalibrateCommand.Build(registries));
        root.Subcommands.Add(ConformanceCommand.Build(registries.AlgorithmRegistry));
        root.Subcommands.Add(ScoringCommands.ReportCommand());
        root.Subcommands.Add(ScoringCommands.CompareCommand());
        root.Subcommands.Add(GateCommand.Build(registries));
        root.Subcommands.Add(ScoringCommands.AgreementCommand());
        root.Subcommands.Add(Transfer.TransferCommand.Build(registries));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/> with <paramref name="registries"/> (null = <see cref="Registries.Default"/>,
    /// built here once: this is the composition root), mapping known failures to exit codes with one clear message.
    /// </summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, Registries? registries = null)
    {
        var output = stdout ?? Console.Out;
        var error = stderr ?? Console.Error;
        try
        {
            var parse = Build(registries ?? Registries.Default(), output).Parse(args);
            int code = parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            return parse.Errors.Count > 0 ? BadInput : code;
        }
        catch (DllNotFoundException e)
        {
            error.WriteLine(e.Message);
            return EngineMissing;
        }
        catch (PluginException e)
        {
            error.WriteLine("error: " + e.Message);
            return BadInput;
        }
        catch (Store.ResultsStoreException e)
        {
            error.WriteLine("error: " + Reports.SafeText.Terminal(e.Message));
            return BadInput;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // a write that failed after the database was opened: disk full, folder made read-only, file damaged
            error.WriteLine("error: " + Store.ResultsStore.Describe("the results database", e));
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an output file (--out, --markdown, --json, --log, --export-csv) or the database's folder cannot be written
            string hint = e is DirectoryNotFoundException ? "create the folder first or pass another path"
                : e is UnauthorizedAccessException ? "pass a path you can write"
                : "check the path, its permissions and the free disk space";
            error.WriteLine($"error: {Reports.SafeText.Terminal(e.Message)} ({hint})");
            return BadInput;
        }
    }

    private static Command InfoCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var cmd = new Command("info", """
            Print what this machine runs: libtorch version, intra-op threads, the BLAS library libtorch actually loaded
            (it should be OpenBLAS's OpenMP build), CUDA devices, CPU, .NET, and whether the data sets are installed.
            Example: algoperf info --json
            """) { json };
        cmd.SetAction(parse =>
        {
            var env = EnvironmentInfo.Capture();
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                o.WriteLine(env.ToJson());
                return Ok;
            }

            o.WriteLine($"AlgoPerfSharp {env.Version} (commit {env.GitCommit})");
            o.WriteLine($"  CPU        {env.CpuModel}, {env.Cores} logical cores");
            o.WriteLine($"  libtorch   {env.TorchVersion}, {env.TorchThreads} intra-op threads, CUDA devices: {env.Cuda}");
            o.WriteLine($"  BLAS       {env.Blas}{(env.BlasIsOpenMp ? " (OpenMP build: good)" : " (NOT the OpenMP OpenBLAS: run ./scripts/setup.sh)")}");
            o.WriteLine($"  runtime    {env.DotNet} on {env.Os}");
            o.WriteLine($"  data       Fashion-MNIST: {(Directory.Exists(FashionMnist.DebianDirectory) ? FashionMnist.DebianDirectory : "missing (./scripts/setup.sh)")}" +
                (File.Exists(Path.Combine(DataPaths.FashionMnistDecompressed, "train-images-idx3-ubyte")) ? $", decompressed in {DataPaths.FashionMnistDecompressed}" : " (not decompressed: ./scripts/setup.sh)"));
            o.WriteLine($"             State of the Union: {(Directory.Exists(DataPaths.Sotu) ? DataPaths.Sotu : "missing (./scripts/setup.sh)")}");
            return Ok;
        });
        return cmd;
    }

    private static Command DemoCommand()
    {
        var cmd = new Command("demo", """
            Train a 1→64→1 tanh MLP on sin(3x) with plain SGD and print the loss falling: a 10-second check that the
            engine (libtorch, autograd, dispose scopes) works on this machine.
            Example: algoperf demo
            """);
        cmd.SetAction(parse => Demo.Run(parse.InvocationConfiguration.Output));
        return cmd;
    }

    private static Command ListCommand(Registries registries)
    {
        var algorithms = new Option<string[]>("--algorithm", "-a")
        {
            Description = "Also list the algorithms a plugin declares (a .dll path or a folder); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("list", """
            List the training algorithms (built-in and, with --algorithm, from plugins) with their hyperparameter
            search spaces and declared hyperparameters (name, allowed values, default, meaning; any of them may be set
            in a search space, e.g. lr_schedule=constant for a constant learning rate), and the workloads with their presets and held-out variants. A plugin is read by a short-lived
            probe process (its code does not run in this one); a plugin that fails there is a one-line error, exit 2.
            Example: algoperf list --algorithm examples/LionPlugin/bin/Release/net10.0/LionPlugin.dll
            """) { algorithms };
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine("Training algorithms:");
            foreach (var a in registries.AlgorithmRegistry.BuiltIns) Describe(o, AlgorithmMetadata.Of(a, "built-in"));
            foreach (string spec in parse.GetValue(algorithms) ?? [])
            {
                // read by a probe process: the plugin's code never runs in this one
                foreach (var m in PluginProbe.Describe(spec, registries.AlgorithmRegistry, all: true, CancellationToken.None)) Describe(o, m);
            }

            o.WriteLine("Workloads (presets; the first is the default):");
            foreach (var w in registries.WorkloadRegistry.All)
            {
                o.WriteLine($"  {w.Name,-28} [{string.Join(", ", w.Presets)}]{(w.VariantOf is null ? string.Empty : $" variant of {w.VariantOf}")}");
                o.WriteLine($"      {w.Description}");
            }

            return Ok;
        });
        return cmd;
    }

    /// <summary>Default results database (in the working directory).</summary>
    public const string DefaultDatabase = "algoperf.db";

    private static Option<string> DbOption() => new("--db")
    {
        Description = $"Results database (SQLite). Default: {DefaultDatabase} in the working directory.",
        DefaultValueFactory = _ => DefaultDatabase,
    };

    private static Command LeaderboardCommand()
    {
        var db = DbOption();
        var runs = new Option<string[]>("--run") { Description = "Score only these run labels (repeatable). Default: every run in the database." };
        var ruleset = ScoringCommands.RulesetOption();
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as markdown to this file." };
        var json = new Option<string?>("--json") { Description = "Also write the leaderboard as JSON to this file." };
        var cmd = new Command("leaderboard", """
            Score every algorithm in a results database with AlgoPerf's rules (time-to-target per workload, performance
            profiles with the 4× cut, benchmark score) and print the table: score, per-workload time- and steps-to-target,
            ratio to the fastest and trials reaching the target, and median step time. With ≥ 2 studies per algorithm and
            workload: each score's 95 % bootstrap interval over studies, a rank interval, and which differences are
            significant (the markdown and JSON add the pairwise probability matrix; method in docs/scoring.md). The footer
            gives each workload's resolution (eval period ÷ median time-to-target). Scores are relative to the
            algorithms scored together.
            Example: algoperf leaderboard --db algoperf.db --markdown leaderboard.md --json leaderboard.json
            """) { db, runs, ruleset, markdown, json };
        cmd.SetAction(parse =>
        {
            using var store = Store.ResultsStore.OpenReadOnly(parse.GetValue(db)!);
            var labels = parse.GetValue(runs) ?? [];
            var selected = labels.Length == 0
                ? store.Runs()
                : labels.Select(l => store.FindRun(l) ?? throw new Store.ResultsStoreException(
                    $"{store.Path} has no run labelled '{l}' (it has: {string.Join(", ", store.Runs().Select(r => r.Label))})")).ToList();
            var board = Reports.LeaderboardResult.Compute(store, selected, ScoringCommands.Tuning(parse.GetValue(ruleset)));
            var o = parse.InvocationConfiguration.Output;
            o.Write(board.ToText());
            if (parse.GetValue(markdown) is { } md) File.WriteAllText(md, board.ToMarkdown());
            if (parse.GetValue(json) is { } js) File.WriteAllText(js, board.ToJson());
            return Ok;
        });
        return cmd;
    }

    private static string G4(double v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture).ToLowerInvariant();

    private static void Describe(TextWriter o, AlgorithmMetadata a)
    {
        o.WriteLine($"  {a.Name,-20} ({a.Source})");
        var space = a.SearchSpace;
        if (space.IsFixedList)
        {
            o.WriteLine($"      search space: {space.FixedPoints!.Count} fixed points");
        }

        else
        {
            foreach (var d in space.Dimensions)
            {
                string range = d.IsDiscrete
                    ? "{" + string.Join(", ", d.FeasiblePoints!.Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture))) + "}"
                    : $"[{G4(d.Min)}, {G4(d.Max)}] {d.Scaling.ToString().ToLowerInvariant()}";
                o.WriteLine($"      {d.Name,-18} {range}");
            }
        }

        o.WriteLine("      hyperparameters (name, allowed values, default, meaning):");
        foreach (var d in a.Declared)
        {
            o.WriteLine($"        {d.Name,-26} {d.Range,-24} {HyperparameterDeclaration.Format(d.Default),-10} {d.Meaning}".TrimEnd());
        }
    }
}
