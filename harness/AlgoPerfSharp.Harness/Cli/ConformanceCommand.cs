using System.CommandLine;
using AlgoPerfSharp.Harness.Conformance;
using AlgoPerfSharp.Harness.Plugins;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Schedules;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>conformance</c> command: an algorithm against a reference optimizer's recorded trajectory.</summary>
internal static class ConformanceCommand
{
    public static Command Build(AlgorithmRegistry registry)
    {
        var algorithm = new Option<string>("--algorithm", "-a")
        {
            Description = "The algorithm: a built-in name or a plugin .dll (optionally :name). It runs in this process.",
            Required = true,
        };
        var trajectory = new Option<string>("--trajectory", "-t")
        {
            Description = "A folder recorded by optimizers/conformance/record_trajectory.py (trajectory.json + two .safetensors).",
            Required = true,
        };
        var set = new Option<string[]>("--set")
        {
            Description = "A hyperparameter of the algorithm, key=value (repeatable), matching the reference's settings. " +
                          "lr_schedule=constant is implied unless given.",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<string?>("--json") { Description = "Also write every per-step error and tolerance as JSON to this file." };
        var cmd = new Command("conformance", """
            Replay a reference optimizer's recorded trajectory through an algorithm and report, per parameter and step,
            the relative error against the reference's float64 twin, in a float32 and a float64 replay. Tolerances are
            10× the reference's own float32 rounding error (scaled to float64's roundoff for the float64 replay), so the
            same arithmetic in another order passes and a different formula fails. Exit 0 pass, 1 fail, 2 bad input.
            Record a trajectory with Debian's PyTorch:
              /usr/bin/python3 optimizers/conformance/record_trajectory.py --optimizer torch.optim.AdamW \
                --kwargs '{"lr": 0.01, "weight_decay": 0.01}' --steps 40 --out my-adamw
            Example: algoperf conformance -a adamw -t optimizers/conformance/trajectories/adamw \
              --set learning_rate=0.01 --set one_minus_beta1=0.1 --set beta2=0.999 --set epsilon=1e-8 --set weight_decay=0.01
            """) { algorithm, trajectory, set, json };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Trajectory recorded;
            Hyperparameters hyperparameters;
            try
            {
                recorded = Trajectory.Load(parse.GetValue(trajectory)!);
                hyperparameters = ParseAssignments(parse.GetValue(set) ?? []);
            }
            catch (FormatException e)
            {
                error.WriteLine("error: " + e.Message);
                return ExitCodes.BadInput;
            }

            var algo = registry.Resolve(parse.GetValue(algorithm)!);
            ConformanceResult result;
            try
            {
                // every key given must be declared (the implied lr_schedule=constant only if the algorithm declares lr_schedule)
                var given = hyperparameters.Values.Where(kv => kv.Key != LearningRateSchedule.Key || algo.Declared.Any(d => d.Name == kv.Key));
                HyperparameterDeclarations.Validate(new Hyperparameters(given.ToDictionary()), algo.Declared, algo.Name);
                result = ConformanceCheck.Run(algo, hyperparameters, recorded);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
            {
                error.WriteLine($"error: {algo.Name} refused the hyperparameters: {e.Message} (set them with --set key=value)");
                return ExitCodes.BadInput;
            }
            catch (InvalidOperationException e)
            {
                error.WriteLine("FAIL: " + e.Message);
                return ExitCodes.Failed;
            }

            output.Write(result.ToText());
            if (parse.GetValue(json) is { } file) File.WriteAllText(file, result.ToJson());
            return result.Passed ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return cmd;
    }

    /// <summary>Parses <c>key=value</c> pairs (<see cref="HyperparameterAssignments.Parse"/>), with <c>lr_schedule=constant</c> unless given.</summary>
    internal static Hyperparameters ParseAssignments(IEnumerable<string> assignments)
    {
        var given = HyperparameterAssignments.Parse(assignments);
        return given.Contains(LearningRateSchedule.Key) ? given : given.With(LearningRateSchedule.Key, "constant");
    }
}
