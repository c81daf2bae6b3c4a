using System.CommandLine;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Cli;

/// <summary>The <c>run</c>, <c>sweep</c> and <c>merge</c> commands.</summary>
internal static class SweepCommands
{
    public static Command Run(Registries registries)
    {
        var options = HarnessCommandOptions.ForSweep(single: true);
        var cmd = new Command("run", """
            Run one workload × one algorithm: the trials of a ruleset (external tuning: --trials points of the search
            space per study; self-tuning: one run per study with the defaults). Each trial runs in its own worker
            process (a crash, hang or memory blow-up costs only that trial); results go to the SQLite --db. Ctrl+C stops
            after the current step and checkpoints; re-running the same command resumes.
            Exit codes: 0 every trial completed or diverged (a NaN/∞ loss is a result); 1 a trial failed (crash, error,
            memory limit) or timed out — --allow-failures exits 0 then; 2 bad input; 130 interrupted (re-run to resume).
            Example: algoperf run -w fashion_mnist_resnet -a adamw --trials 2 --preset tiny --db runs.db
            """);
        options.AddTo(cmd);
        cmd.SetAction(parse => options.Host(parse, registries, context =>
        {
            if (context.Options.Workloads.Count != 1 || context.Options.Algorithms.Count != 1)
            {
                context.Error.WriteLine("error: run takes exactly one --workload and one --algorithm (use sweep for more)");
                return ExitCodes.BadInput;
            }

            return SweepJob.Execute(context, "run", CommandLine(parse));
        }));
        return cmd;
    }

    public static Command Sweep(Registries registries)
    {
        var options = HarnessCommandOptions.ForSweep(single: false);
        var cmd = new Command("sweep", """
            Run a ruleset over workloads × algorithms (studies × trials), in worker processes, recording every eval in
            --db. Idempotent: re-running the same command skips finished trials and resumes interrupted ones. --shard i/n
            runs a deterministic part, balanced by the trials' budgets (merge shard databases with `algoperf merge`;
            --dry-run prints every shard's trials and budget-seconds without running anything). Plans (--plan) fill what is not
            given: quick = self-tuning, 3 studies, the main job's eight algorithms × the base workloads at the quick preset,
            then the leaderboard with score intervals; extended = quick with every built-in (the newer algorithms too);
            smoke = quick's algorithms at the tiny preset in ~1 minute; full = external
            tuning, 3 studies × 5 trials; dlrm = quick on the synthetic click-log DLRMs (plain and QR tables; calibrated
            at the quick preset only: at another --preset a warning says their targets are placeholders). (--plan is the sweep's size; --preset is the
            workloads' size.) Data a workload writes on first use (the click-log caches) is written here, before the
            workers start; a data folder that cannot be written is a one-line error.
            Exit codes: 0 every trial of the run completed or diverged (a NaN/∞ loss is a result); 1 a trial failed
            (crash, error, memory limit) or timed out, now or in an earlier invocation — --allow-failures exits 0 then;
            2 bad input; 130 interrupted (re-run to resume).
            Example: algoperf sweep --plan quick --db quick.db
            Example: algoperf sweep -w sotu_llama -a adamw -a nadamw --trials 5 --studies 3 --shard 0/4 --db shard0.db
            """);
        options.AddTo(cmd);
        cmd.SetAction(parse => options.Host(parse, registries, context => SweepJob.Execute(context, "sweep", CommandLine(parse))));
        return cmd;
    }

    public static Command Merge()
    {
        var db = new Option<string>("--db") { Description = "The database to merge into (created if missing).", Required = true };
        var shards = new Argument<string[]>("shards") { Description = "Shard databases to merge.", Arity = ArgumentArity.OneOrMore };
        var partial = new Option<bool>("--allow-partial")
        {
            Description = "Merge even when shards of a sweep are missing or unfinished (a leaderboard from the result covers part of the plan).",
        };
        var cmd = new Command("merge", """
            Merge shard databases (from sweep --shard i/n) into one: runs with the same label are combined; a trial present
            in several keeps the copy that progressed furthest. The merged database equals an unsharded sweep's trials.
            Refused, with nothing written: shards of another plan or seed, one shard given twice, and (unless
            --allow-partial) a shard of the plan missing or with unfinished trials.
            Example: algoperf merge --db sweep.db shard0.db shard1.db shard2.db shard3.db
            """) { db, shards, partial };
        cmd.SetAction(parse =>
        {
            var sources = parse.GetValue(shards)!;
            var missing = sources.Where(s => !File.Exists(s)).ToList();
            if (missing.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: shard database(s) not found: {string.Join(", ", missing)}");
                return ExitCodes.BadInput;
            }

            string target = parse.GetValue(db)!;
            bool fresh = !File.Exists(target);
            using var store = ResultsStore.Open(target);
            try
            {
                ResultsMerge.Into(store, sources, parse.GetValue(partial));
            }
            catch (ResultsStoreException) when (fresh)
            {
                // a refused merge writes nothing: not even the empty database it had to create
                store.Dispose();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (string f in new[] { target, target + "-wal", target + "-shm" }) File.Delete(f);
                throw;
            }

            var o = parse.InvocationConfiguration.Output;
            foreach (var r in store.Runs()) o.WriteLine($"run '{Reports.SafeText.Terminal(r.Label)}': {store.Trials(r.Id).Count} trials");
            o.WriteLine($"merged {sources.Length} database(s) into {store.Path}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    public static Command Worker(Registries registries)
    {
        var request = new Option<string>("--request") { Description = "The worker request JSON the parent wrote.", Required = true };
        var cmd = new Command("worker", "Internal: run one trial for a parent algoperf process (process isolation).") { request };
        cmd.Hidden = true;
        cmd.SetAction(parse =>
        {
            int code = Trial.Workers.WorkerEntry.Run(Trial.Workers.WorkerRequest.Load(parse.GetValue(request)!), registries, parse.InvocationConfiguration.Output);
            Trial.Workers.WorkerEntry.ExitNow(code); // the trial is recorded: skip the runtime's and libtorch's teardown
            return code;
        });
        return cmd;
    }

    private static string CommandLine(ParseResult parse) => "algoperf " + string.Join(' ', parse.Tokens.Select(t => t.Value));
}
