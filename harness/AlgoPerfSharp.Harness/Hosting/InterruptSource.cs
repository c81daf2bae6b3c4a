using System.Runtime.InteropServices;
using AlgoPerfSharp.Harness.Sweep;

namespace AlgoPerfSharp.Harness.Hosting;

/// <summary>
/// The process's one Ctrl+C owner. The first SIGINT or SIGTERM cancels <see cref="Token"/> and keeps the process
/// alive so the current step can finish and the trial be checkpointed; a second one terminates as usual. It can also
/// follow an outside token (tests) and be cancelled directly (how a worker obeys its parent's <c>stop</c>).
/// </summary>
public sealed class InterruptSource : IDisposable
{
    private static readonly AsyncLocal<CancellationToken> Ambient = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly List<IDisposable> _registrations = [];
    private int _signals;

    /// <summary>Starts listening for signals and <paramref name="outside"/>.</summary>
    public InterruptSource(CancellationToken outside = default)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGTERM is not catchable on every OS; Ctrl+C still is.
            }
        }

        var ambient = Ambient.Value;
        if (ambient.CanBeCanceled) _registrations.Add(ambient.Register(Cancel));
        if (outside.CanBeCanceled) _registrations.Add(outside.Register(Cancel));
    }

    /// <summary>Cancelled at the first interrupt.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>
    /// Makes every <see cref="InterruptSource"/> created in this async flow also follow <paramref name="token"/> (how
    /// tests press Ctrl+C on <c>CliApp.Run</c> without signalling the test process). Dispose to restore.
    /// </summary>
    public static IDisposable FollowInThisFlow(CancellationToken token)
    {
        var previous = Ambient.Value;
        Ambient.Value = token;
        return new Restore(previous);
    }

    /// <summary>Requests cancellation.</summary>
    public void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // a late signal after the command finished
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            context.Cancel = true;
            Cancel();
        }
    }

    private sealed class Restore(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
