using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>
/// Reads a plugin's metadata (<see cref="AlgorithmMetadata"/>) in a short-lived child process — the same binary's
/// hidden <c>algoperf probe SPEC [--all]</c> — so that no plugin code (constructor, <c>Name</c>, <c>SearchSpace</c>,
/// <c>Defaults</c>, static initialisers) ever runs in the parent of a sweep or of <c>list</c>. Whatever the plugin does
/// there — throws, calls <c>Environment.Exit</c>, crashes, hangs, prints — the parent gets a
/// <see cref="PluginException"/> with one line naming the plugin: never a crash, never a silent exit.
/// The child answers with one JSON document on stdout (the plugin's own console output is sent to stderr), at most
/// <see cref="MaxReportBytes"/>; of its stderr the parent keeps the last <see cref="MaxErrorBytes"/> (a <see cref="BoundedTail"/>, as for workers:
/// the error line comes last); after
/// <see cref="TimeoutSeconds"/> it is killed. The child exits when its stdin closes, so it dies with its parent.
/// Built-in algorithms are read in-process (they are part of the harness).
/// </summary>
public static class PluginProbe
{
    /// <summary>Seconds a probe may take (loading the plugin and the runtime, on a busy machine) before it is killed.</summary>
    public const double TimeoutSeconds = 120;

    /// <summary>Most bytes of JSON a probe may print: a search space is kilobytes.</summary>
    public const int MaxReportBytes = 1 << 20;

    /// <summary>Most bytes of a probe's stderr kept for the error message (the last ones; earlier ones are read and dropped).</summary>
    public const int MaxErrorBytes = 64 << 10;

    /// <summary>The prefix of the one line a failing probe writes on stderr.</summary>
    public const string ErrorPrefix = "probe-error: ";

    /// <summary>
    /// The algorithm <paramref name="spec"/> names, for planning: a built-in itself; for a plugin, a stand-in carrying
    /// the probe's name, search space and defaults, whose <see cref="ITrainingAlgorithm.Init"/> refuses (its training
    /// code runs only in worker processes). Throws <see cref="PluginException"/> (one line) when the probe fails and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> fires (the probe is killed).
    /// </summary>
    public static ITrainingAlgorithm ForPlanning(string spec, AlgorithmRegistry registry, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.BuiltIn(spec) is { } builtIn) return builtIn;
        var report = Describe(spec, registry, all: false, cancellation);
        return report.Count == 1 ? new ProbedAlgorithm(report[0]) : throw Failure(spec, $"reported {report.Count} algorithms for one");
    }

    /// <summary>
    /// Runs a probe of <paramref name="spec"/> (a plugin path, folder or <c>path:name</c>): one algorithm, or with
    /// <paramref name="all"/> and no <c>:name</c> every algorithm the plugin declares. Built-in names are answered
    /// in-process from <paramref name="registry"/>. <paramref name="launch"/> and <paramref name="timeout"/> default to this binary and
    /// <see cref="TimeoutSeconds"/>.
    /// </summary>
    public static IReadOnlyList<AlgorithmMetadata> Describe(
        string spec, AlgorithmRegistry registry, bool all, CancellationToken cancellation, WorkerLaunch? launch = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.BuiltIn(spec) is { } builtIn) return [AlgorithmMetadata.Of(builtIn, "built-in")];
        string path = AlgorithmRegistry.SplitSpec(spec).Path;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            // nothing to probe: the registry's own message (no such plugin / neither a built-in nor a file), which
            // these calls throw before loading anything
            if (all) AlgorithmRegistry.LoadPlugin(path);
            registry.Resolve(spec);
        }

        launch ??= WorkerLaunch.Current();
        var limit = timeout ?? TimeSpan.FromSeconds(TimeoutSeconds);
        var start = new ProcessStartInfo(launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in launch.PrefixArguments) start.ArgumentList.Add(a);
        start.ArgumentList.Add("probe");
        start.ArgumentList.Add(spec);
        if (all) start.ArgumentList.Add("--all");

        using var child = Process.Start(start) ?? throw new PluginException($"{spec}: could not start the plugin probe ({launch.FileName})");
        var report = new BoundedReader(child.StandardOutput.BaseStream, MaxReportBytes);
        var errors = new BoundedTail(MaxErrorBytes);
        var errorsDrained = Task.Factory.StartNew(() => Drain(errors, child.StandardError.BaseStream), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var clock = Stopwatch.StartNew();
        string? killedBecause = null;
        while (!child.WaitForExit(50))
        {
            if (cancellation.IsCancellationRequested)
            {
                Kill(child);
                cancellation.ThrowIfCancellationRequested();
            }

            killedBecause = clock.Elapsed > limit ? string.Create(CultureInfo.InvariantCulture, $"did not finish within {limit.TotalSeconds:G4} s (a constructor, Name, SearchSpace or Defaults that hangs?) and was killed")
                : report.Overflowed ? $"printed more than {MaxReportBytes} bytes on stdout and was killed"
                : null;
            if (killedBecause is not null)
            {
                Kill(child);
                break;
            }
        }

        child.WaitForExit();
        report.Wait();
        errorsDrained.Wait(TimeSpan.FromSeconds(5)); // a grandchild may hold the pipe open
        child.StandardInput.Close(); // the probe watches its stdin: closed = parent gone

        if (killedBecause is not null) throw Failure(spec, killedBecause);
        if (child.ExitCode != 0)
        {
            string stderr = errors.ToString();
            string? line = stderr.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(ErrorPrefix, StringComparison.Ordinal));
            throw line is not null
                ? new PluginException(OneLine(line[ErrorPrefix.Length..]))
                : Failure(spec, $"exited with code {child.ExitCode}{Signal(child.ExitCode)}" +
                    (FirstLine(stderr) is { Length: > 0 } first ? ": " + first : string.Empty));
        }

        if (report.Overflowed) throw Failure(spec, $"printed more than {MaxReportBytes} bytes on stdout");
        string json = report.Text().Trim();
        if (json.Length == 0)
        {
            throw Failure(spec, "exited with code 0 without reporting the algorithm: does the plugin call Environment.Exit (in a constructor, Name, SearchSpace or Defaults)?");
        }

        try
        {
            return AlgorithmMetadata.FromJson(json);
        }
        catch (FormatException e)
        {
            throw Failure(spec, $"reported something that is not the probe's JSON ({OneLine(e.Message)}): does the plugin write to the process's stdout directly?");
        }
    }

    /// <summary>
    /// The child side (<c>algoperf probe</c>): describes <paramref name="spec"/> as JSON on <paramref name="stdout"/>
    /// and returns 0, or writes one <see cref="ErrorPrefix"/> line on <paramref name="stderr"/> and returns 2. The
    /// plugin's own console output goes to stderr; the process exits (130) when its stdin reaches end of file.
    /// </summary>
    public static int Run(string spec, bool all, AlgorithmRegistry registry, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ExitWhenParentCloses();
        Console.SetOut(stderr); // whatever the plugin prints must not mix with the report
        try
        {
            IReadOnlyList<AlgorithmMetadata> report = all && AlgorithmRegistry.SplitSpec(spec).Name is null
                ? AlgorithmRegistry.LoadPlugin(spec).Select(d => AlgorithmMetadata.Of(d.Create(), d.File)).ToList()
                : [AlgorithmMetadata.Of(registry.Resolve(spec), AlgorithmRegistry.SplitSpec(spec).Path)];
            string json = AlgorithmMetadata.ToJson(report);
            stdout.WriteLine(json);
            stdout.Flush();
            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            // the process boundary: anything the plugin throws (or a type that fails to load) becomes one line
            string message = e is PluginException ? e.Message : $"{spec}: {e.GetType().Name}: {e.Message}";
            stderr.WriteLine(ErrorPrefix + OneLine(message));
            stderr.Flush();
            return ExitCodes.BadInput;
        }
    }

    private static void ExitWhenParentCloses()
    {
        var watcher = new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[64];
            try
            {
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            Environment.Exit(ExitCodes.Interrupted);
        })
        {
            IsBackground = true,
            Name = "probe parent watch",
        };
        watcher.Start();
    }

    private static PluginException Failure(string spec, string what) => new($"plugin {spec}: its probe {what}");

    private static string Signal(int code) => code > 128 && code < 160 ? $" (signal {code - 128})" : string.Empty;

    private static string FirstLine(string text) => OneLine(text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty);

    /// <summary>One printable line of at most 500 characters.</summary>
    private static string OneLine(string text)
    {
        var b = new StringBuilder(Math.Min(text.Length, 500));
        foreach (char c in text)
        {
            if (b.Length == 500)
            {
                b.Append('…');
                break;
            }

            b.Append(char.IsControl(c) ? ' ' : c);
        }

        return b.ToString().Trim();
    }

    private static void Drain(BoundedTail tail, Stream stream)
    {
        try
        {
            tail.Drain(stream);
        }
        catch (IOException)
        {
            // the pipe broke (the probe was killed): keep what arrived
        }
    }

    private static void Kill(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    /// <summary>Drains a stream on its own thread, keeping at most a given number of bytes.</summary>
    private sealed class BoundedReader
    {
        private readonly List<byte> _kept = [];
        private readonly Task _drain;
        private readonly int _limit;
        private volatile bool _overflowed;

        public BoundedReader(Stream stream, int limit)
        {
            _limit = limit;
            _drain = Task.Factory.StartNew(() =>
            {
                var buffer = new byte[16 << 10];
                try
                {
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        lock (_kept)
                        {
                            int keep = Math.Min(n, _limit - _kept.Count);
                            if (keep > 0) _kept.AddRange(buffer.AsSpan(0, keep));
                            if (keep < n) _overflowed = true;
                        }
                    }
                }
                catch (IOException)
                {
                    // the pipe broke (the probe was killed): keep what arrived
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public bool Overflowed => _overflowed;

        /// <summary>Waits (a few seconds at most: a grandchild may hold the pipe open) for the stream to end.</summary>
        public void Wait() => _drain.Wait(TimeSpan.FromSeconds(5));

        public string Text()
        {
            lock (_kept)
            {
                return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_kept));
            }
        }
    }
}
