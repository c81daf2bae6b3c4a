using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Restores the previous grad mode of this thread when disposed. Created by <see cref="Autograd.NoGrad"/>.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool _previous;

    internal GradModeScope(bool enabled)
    {
        TorchRuntime.EnsureInitialized();
        Check(ats_set_grad_enabled(enabled, out _previous));
    }

    /// <summary>Restores the grad mode that was active when the scope was created.</summary>
    public void Dispose() => Check(ats_set_grad_enabled(_previous, out _));
}
