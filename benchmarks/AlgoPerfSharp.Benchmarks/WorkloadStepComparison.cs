using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Harness.Hosting;
using AlgoPerfSharp.Workloads;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>One step's phases, in ms.</summary>
/// <param name="Total">Forward + backward + update.</param>
/// <param name="Forward">Taking the batch, zeroing the gradients, the forward pass and the loss.</param>
/// <param name="Backward">The backward pass.</param>
/// <param name="Update">The AdamW update (and reading the loss).</param>
/// <param name="Faults">Minor page faults of the process during the step (fresh pages the kernel had to zero).</param>
public readonly record struct StepPhases(double Total, double Forward, double Backward, double Update, double Faults);

/// <summary>
/// <c>--compare-pytorch-workloads</c>: a full training step (forward, backward, AdamW) of each workload's model at its
/// reference batch against the same model in PyTorch eager (<c>workloads/bench/pytorch_step.py</c> in its paired
/// <c>--serve</c> mode, Debian's python3-torch: the same libtorch and OpenBLAS, the same thread count). Both sides stay
/// alive for the whole session and take turns: each round runs a burst of steps here, then the same burst in Python,
/// so slow drift of a shared VM hits both alike; the idle side waits on a pipe and uses no CPU. Our side is the
/// harness's own path — <c>IWorkload.Loss</c>, <c>Backward</c>, the built-in <c>adamw</c> algorithm's
/// <see cref="ITrainingRun.Update"/> — each step inside a <see cref="DisposeScope"/>. The report gives, per workload,
/// each side's median step over all timed steps, its phase medians, and the median over rounds of the per-round ratio
/// C# / PyTorch (the figure the ≤ 1.0× target is judged on).
/// </summary>
public static class WorkloadStepComparison
{
    /// <summary>The workloads compared by default (the Python script builds the same architectures).</summary>
    public static readonly IReadOnlyList<string> Workloads = ["fashion_mnist_resnet", "fashion_mnist_vit", "sotu_llama"];

    /// <summary>
    /// Every workload the Python script builds: the defaults plus the synthetic click-log DLRMs (cpu preset sizes), which
    /// run only when named with <c>--workloads</c> (their first use writes the 359 MB cpu click-log cache, untimed).
    /// </summary>
    public static readonly IReadOnlyList<string> Known = [.. Workloads, CriteoDlrmWorkloads.Dlrm, CriteoDlrmWorkloads.DlrmQr];

    /// <summary>Runs the comparison; returns a process exit code.</summary>
    /// <param name="workloads">Workload names (of <see cref="Workloads"/>).</param>
    /// <param name="rounds">Alternating rounds.</param>
    /// <param name="burst">Steps per side per round.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="profileDir">When set, afterwards profiles <paramref name="burst"/> more steps per side with libtorch's
    /// op profiler, writes both chrome traces there and prints the op-by-op comparison.</param>
    /// <param name="torchChannelsLast">Give PyTorch's ResNet our channels-last activations too (its default is NCHW).</param>
    public static int Run(IReadOnlyList<string> workloads, int rounds, int burst, TextWriter output, string? profileDir = null, bool torchChannelsLast = false)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(output);
        if (rounds < 1) throw new ArgumentException("--rounds must be ≥ 1");
        if (burst < 1) throw new ArgumentException("--steps must be ≥ 1");
        foreach (var w in workloads)
        {
            if (!Known.Contains(w)) throw new ArgumentException($"unknown workload '{w}' (known: {string.Join(", ", Known)})");
        }

        string script = PyTorchComparison.ReferenceScript("pytorch_step.py");
        int threads = TorchRuntime.NumThreads;
        using var python = new PythonServer(script, threads, torchChannelsLast);
        var sides = new List<OurSide>();
        try
        {
            foreach (var w in workloads) sides.Add(new OurSide(w));
            var ours = workloads.ToDictionary(w => w, _ => new List<StepPhases>());
            var theirs = workloads.ToDictionary(w => w, _ => new List<StepPhases>());
            var ratios = workloads.ToDictionary(w => w, _ => new List<double>());
            var parameters = new Dictionary<string, long>();
            foreach (var side in sides)
            {
                side.Steps(2); // warm-up (JIT, allocator, OpenBLAS buffers)
                parameters[side.Name] = python.Steps(side.Name, 0).Parameters;
            }

            for (int r = 0; r < rounds; r++)
            {
                var line = new List<string>();
                foreach (var side in sides)
                {
                    var a = side.Steps(burst);
                    var b = python.Steps(side.Name, burst).Steps;
                    ours[side.Name].AddRange(a);
                    theirs[side.Name].AddRange(b);
                    double ma = Stats.Median(a.Select(p => p.Total).ToList()), mb = Stats.Median(b.Select(p => p.Total).ToList());
                    ratios[side.Name].Add(ma / mb);
                    line.Add($"{side.Name} {ma:F0}/{mb:F0} ms");
                }

                output.WriteLine($"round {r + 1}/{rounds} (C#/PyTorch): {string.Join("; ", line)}");
            }

            output.WriteLine();
            output.WriteLine($"training step (forward + backward + AdamW), C# vs PyTorch {python.Version} eager{(torchChannelsLast ? " (ResNet channels-last)" : string.Empty)}, {threads} threads, {rounds} rounds × {burst} steps each side, alternating");
            output.WriteLine($"{"workload",-22} {"params",10} {"C# ms",8} {"fwd/bwd/upd",14} {"faults",7} {"torch ms",9} {"fwd/bwd/upd",14} {"faults",7} {"C#/torch",9}");
            bool met = true;
            foreach (var side in sides)
            {
                double ratio = Stats.Median(ratios[side.Name]);
                met &= ratio <= 1.0;
                output.WriteLine($"{side.Name,-22} {parameters[side.Name],10} {Median(ours[side.Name], p => p.Total),8:F0} {Phases(ours[side.Name]),14} {Median(ours[side.Name], p => p.Faults),7:F0} " +
                    $"{Median(theirs[side.Name], p => p.Total),9:F0} {Phases(theirs[side.Name]),14} {Median(theirs[side.Name], p => p.Faults),7:F0} {ratio,9:F3}");
            }

            output.WriteLine($"C#/torch = median over rounds of (C# median / PyTorch median); faults = median minor page faults per step; target each ≤ 1.0×: {(met ? "MET" : "MISSED")}");
            if (profileDir is not null) Profile(sides, python, burst, profileDir, output);
            return 0;
        }
        finally
        {
            foreach (var side in sides) side.Dispose();
        }
    }

    private static void Profile(List<OurSide> sides, PythonServer python, int burst, string dir, TextWriter output)
    {
        Directory.CreateDirectory(dir);
        string compare = PyTorchComparison.ReferenceScript("compare_traces.py");
        foreach (var side in sides)
        {
            string ours = Path.GetFullPath(Path.Combine(dir, side.Name + ".cs.json"));
            string theirs = Path.GetFullPath(Path.Combine(dir, side.Name + ".torch.json"));
            using (OpProfiler.Record(ours)) side.Steps(burst);
            python.Steps(side.Name, burst, theirs);
            output.WriteLine();
            output.WriteLine($"{side.Name}: op profile of {burst} steps (traces {ours}, {theirs})");
            using var proc = PyTorchComparison.StartPython(compare, [ours, theirs, burst.ToString(CultureInfo.InvariantCulture)]);
            var errors = proc.StandardError.ReadToEndAsync();
            output.Write(proc.StandardOutput.ReadToEnd());
            output.Write(errors.Result);
            proc.WaitForExit();
        }
    }

    private static double Median(List<StepPhases> xs, Func<StepPhases, double> f) => Stats.Median(xs.Select(f).ToList());

    private static string Phases(List<StepPhases> xs) => $"{Median(xs, p => p.Forward):F0}/{Median(xs, p => p.Backward):F0}/{Median(xs, p => p.Update):F0}";

    /// <summary>One workload on our side: model (seed 1), batches (seed 2) and the built-in adamw with its defaults.</summary>
    private sealed class OurSide : IDisposable
    {
        private readonly IWorkload _workload;
        private readonly WorkloadModel _model;
        private readonly IBatchStream _batches;
        private readonly List<ModelParameter> _parameters;
        private readonly WorkloadInfo _info;
        private readonly ITrainingRun _run;
        private long _step;

        public OurSide(string name)
        {
            Name = name;
            _workload = HarnessWorkloads.Registry().Create(name, "cpu");
            _model = _workload.CreateModel(1);
            _batches = _workload.TrainBatches(2, _workload.Spec.ReferenceBatchSize);
            _parameters = _model.Parameters.Select(p => p.ToModelParameter()).ToList();
            _info = _workload.Spec.Info(_workload.Spec.MaxRuntimeSeconds);
            var adamw = OptimizerStepRunner.Select(["adamw"])[0];
            _run = adamw.Init(new AlgorithmInitContext(_parameters, Hyperparameters.Empty, _info, 0));
            _model.Module.Train();
        }

        public string Name { get; }

        public List<StepPhases> Steps(int n)
        {
            var result = new List<StepPhases>(n);
            for (int i = 0; i < n; i++)
            {
                long f0 = MinorFaults();
                long t0 = Stopwatch.GetTimestamp(), t1 = 0, t2 = 0;
                using (var scope = new DisposeScope())
                {
                    var batch = _batches.Next(); // timed, as in the harness (the prefetcher has it ready)
                    var context = new StepContext(_step++, _parameters, _info, 0, [], () =>
                    {
                        foreach (var p in _model.Parameters) p.Parameter.Grad = null;
                        var loss = _workload.Loss(_model, batch);
                        t1 = Stopwatch.GetTimestamp();
                        loss.Backward();
                        foreach (var p in _model.Parameters)
                        {
                            if (p.Type == ParameterType.Embedding) p.Parameter.Data.DensifyGradInPlace(); // as the harness's StepOracle: adamw takes dense gradients
                        }

                        t2 = Stopwatch.GetTimestamp();
                        return loss.ToDouble();
                    });
                    _run.Update(context);
                }

                long t3 = Stopwatch.GetTimestamp();
                result.Add(new StepPhases(Ms(t0, t3), Ms(t0, t1), Ms(t1, t2), Ms(t2, t3), MinorFaults() - f0));
            }

            return result;
        }

        public void Dispose()
        {
            _run.Dispose();
            _batches.Dispose();
            _model.Dispose();
            _workload.Dispose();
        }

        private static double Ms(long a, long b) => (b - a) * 1000.0 / Stopwatch.Frequency;

        // Field 10 of /proc/self/stat (minflt); 0 where there is no procfs.
        private static long MinorFaults()
        {
            try
            {
                string stat = File.ReadAllText("/proc/self/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[7], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>The Python side: <c>pytorch_step.py --serve</c>, one request line and one JSON answer per burst.</summary>
    private sealed class PythonServer : IDisposable
    {
        private readonly Process _proc;
        private readonly Task<string> _stderr;

        public PythonServer(string script, int threads, bool channelsLast)
        {
            string[] args = channelsLast ? ["--serve", threads.ToString(CultureInfo.InvariantCulture), "--channels-last"] : ["--serve", threads.ToString(CultureInfo.InvariantCulture)];
            _proc = PyTorchComparison.StartPython(script, args, input: true);
            _stderr = _proc.StandardError.ReadToEndAsync();
        }

        public string Version { get; private set; } = "?";

        public (long Parameters, List<StepPhases> Steps) Steps(string name, int n, string? tracePath = null)
        {
            _proc.StandardInput.WriteLine(tracePath is null ? $"{name} {n}" : $"{name} {n} {tracePath}");
            _proc.StandardInput.Flush();
            string? line = _proc.StandardOutput.ReadLine();
            if (line is null)
            {
                _proc.WaitForExit();
                throw new InvalidOperationException($"{PyTorchComparison.Python} pytorch_step.py --serve stopped (exit {_proc.ExitCode}): {_stderr.Result.Trim()}\nIs python3-torch installed? apt-get install -y python3-torch");
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Version = root.GetProperty("torch").GetString() ?? "?";
            var steps = root.GetProperty("steps").EnumerateArray()
                .Select(s => new StepPhases(s[0].GetDouble(), s[1].GetDouble(), s[2].GetDouble(), s[3].GetDouble(), s[4].GetDouble())).ToList();
            return (root.GetProperty("params").GetInt64(), steps);
        }

        public void Dispose()
        {
            try
            {
                _proc.StandardInput.Close();
                if (!_proc.WaitForExit(10_000)) _proc.Kill();
            }
            finally
            {
                _proc.Dispose();
            }
        }
    }
}
