using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// A seeded random-number generator (libtorch's Philox/MT CPU generator). Pass it to random ops for reproducible
/// results independent of other code. Not thread-safe for concurrent draws from several threads.
/// </summary>
public sealed class Generator : IDisposable
{
    /// <summary>Creates a generator with <paramref name="seed"/> on <paramref name="device"/>.</summary>
    public Generator(ulong seed, Device device = default)
    {
        TorchRuntime.EnsureInitialized();
        Check(ats_generator_new(seed, device.NativeCode, out var raw));
        Handle = new GeneratorHandle(raw);
        Seed = seed;
    }

    internal GeneratorHandle Handle { get; }

    /// <summary>The seed the generator was last (re)seeded with.</summary>
    public ulong Seed { get; private set; }

    /// <summary>Reseeds the generator.</summary>
    public void ManualSeed(ulong seed)
    {
        Check(ats_generator_set_seed(Handle, seed));
        Seed = seed;
    }

    /// <summary>The full state as a uint8 tensor (caller owns it), for checkpoints.</summary>
    public Tensor GetState() => Tensor.Wrap(ats_generator_get_state(Handle, out var r), r);

    /// <summary>Restores a state produced by <see cref="GetState"/>.</summary>
    public void SetState(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Check(ats_generator_set_state(Handle, state.Handle));
    }

    /// <summary>Releases the native generator.</summary>
    public void Dispose() => Handle.Dispose();
}
