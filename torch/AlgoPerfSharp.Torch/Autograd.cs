using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Autograd switches. Grad mode is per thread, as in PyTorch.</summary>
public static class Autograd
{
    /// <summary>Whether ops on this thread are recorded for backward.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            TorchRuntime.EnsureInitialized();
            Check(ats_grad_enabled(out bool v));
            return v;
        }
    }

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(true);
}
