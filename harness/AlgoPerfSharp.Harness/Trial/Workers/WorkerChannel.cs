using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlgoPerfSharp.Harness.Store;
using AlgoPerfSharp.Harness.Trial;
using AlgoPerfSharp.Harness.Sweep;
using AlgoPerfSharp.Harness.Hosting;

namespace AlgoPerfSharp.Harness.Trial.Workers;

/// <summary>
/// The worker's end of <see cref="WorkerMessages"/>: records the trial by sending it to the parent, reports progress
/// (every eval, otherwise at most ~10 lines a second), and listens on stdin. When stdin ends (the parent died) it
/// interrupts the trial and, should the trial not stop within <see cref="OrphanGraceSeconds"/>, kills this process.
/// </summary>
internal sealed class WorkerChannel : ITrialRecorder, IProgress<TrialProgress>
{
    /// <summary>Seconds an orphaned worker gets to checkpoint and exit before it kills itself.</summary>
    public const double OrphanGraceSeconds = 60;

    private readonly TextWriter _out;
    private readonly WorkerRequest _request;
    private readonly InterruptSource _interrupts;
    private readonly object _gate = new(); // Monitor.Wait needs a Monitor lock, not a System.Threading.Lock
    private int _acks;
    private volatile bool _parentGone;
    private long _lastTicks;
    private double _lastMetric = double.NaN;

    public WorkerChannel(WorkerRequest request, TextWriter protocol, TextReader fromParent, InterruptSource interrupts)
    {
        _request = request;
        _out = protocol;
        _interrupts = interrupts;
        new Thread(() => Listen(fromParent)) { IsBackground = true, Name = "parent listener" }.Start();
    }

    /// <summary>Whether the parent's end of stdin has closed.</summary>
    public bool ParentGone => _parentGone;

    public bool Start() => _request.StartedBefore;

    public StoredEval? Rewind(long step)
    {
        Send(WorkerMessages.Rewind + step.ToString(CultureInfo.InvariantCulture));
        return _request.Evals.LastOrDefault(e => e.Step <= step);
    }

    public void Append(StoredEval row)
    {
        Send(WorkerMessages.Eval + JsonSerializer.Serialize(row, WorkerMessages.Json));
        lock (_gate)
        {
            while (_acks == 0 && !_parentGone) Monitor.Wait(_gate);
            if (_acks > 0) _acks--;
        }

        if (_parentGone) throw new IOException("the parent process is gone; the row was not recorded");
    }

    public void Finish(TrialEnd end) => Send(WorkerMessages.Finish + JsonSerializer.Serialize(end, WorkerMessages.Json));

    public void Report(TrialProgress value)
    {
        long now = Environment.TickCount64;
        bool evaluated = !value.LastTargetMetric.Equals(_lastMetric);
        if (!evaluated && now - _lastTicks < 100) return;
        _lastTicks = now;
        _lastMetric = value.LastTargetMetric;
        Send(ProgressLine.Format(value));
    }

    private void Send(string line)
    {
        _out.WriteLine(line);
        _out.Flush();
    }

    private void Signal(Action change)
    {
        lock (_gate)
        {
            change();
            Monitor.PulseAll(_gate);
        }
    }

    private void Listen(TextReader fromParent)
    {
        try
        {
            while (fromParent.ReadLine() is { } line)
            {
                if (line == WorkerMessages.Ack) Signal(() => _acks++);
                else if (line == WorkerMessages.Stop) _interrupts.Cancel();
            }
        }
        catch (IOException)
        {
            // treated as the end of input
        }

        Signal(() => _parentGone = true);
        _interrupts.Cancel();
        Thread.Sleep(TimeSpan.FromSeconds(OrphanGraceSeconds));
        Process.GetCurrentProcess().Kill(); // a plugin that never finishes its step must not outlive its parent for long
    }
}
