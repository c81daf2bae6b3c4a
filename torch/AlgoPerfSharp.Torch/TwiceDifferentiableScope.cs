using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// Restores this thread's previous twice-differentiable setting when disposed. Created by
/// <see cref="Autograd.TwiceDifferentiable"/>; dispose it on the thread that created it.
/// </summary>
public readonly struct TwiceDifferentiableScope : IDisposable
{
    private readonly bool _previous;

    internal TwiceDifferentiableScope(bool on)
    {
        TorchRuntime.EnsureInitialized();
        Check(ats_set_twice_differentiable(on, out _previous));
    }

    /// <summary>Restores the setting that was active when the scope was created.</summary>
    public void Dispose() => Check(ats_set_twice_differentiable(_previous, out _));
}
