using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

// In-place random fills (the primitives weight initialisers are built from) and Bernoulli sampling. A null generator
// means libtorch's default one (seeded by TorchRuntime.ManualSeed); pass a Generator for draws independent of other
// code. Each fill keeps the tensor's shape, dtype and device. Filling a leaf that requires grad must happen under
// Autograd.NoGrad(), as in PyTorch.
public sealed partial class Tensor
{
    /// <summary>Fills this tensor in place with samples of U[<paramref name="from"/>, <paramref name="to"/>) and returns it.</summary>
    /// <exception cref="TorchException"><paramref name="from"/> &gt; <paramref name="to"/>, or the dtype is not floating.</exception>
    public Tensor UniformInPlace(double from = 0, double to = 1, Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        Check(ats_uniform_(Handle, from, to, g.Ptr));
        return this;
    }

    /// <summary>Fills this tensor in place with samples of N(<paramref name="mean"/>, <paramref name="std"/>²) and returns it.</summary>
    /// <exception cref="TorchException"><paramref name="std"/> is negative, or the dtype is not floating.</exception>
    public Tensor NormalInPlace(double mean = 0, double std = 1, Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        Check(ats_normal_(Handle, mean, std, g.Ptr));
        return this;
    }

    /// <summary>Fills this tensor in place with Bernoulli(<paramref name="p"/>) samples (1 with probability p, else 0, in this dtype) and returns it.</summary>
    /// <exception cref="TorchException"><paramref name="p"/> is outside [0, 1].</exception>
    public Tensor BernoulliInPlace(double p, Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        Check(ats_bernoulli_(Handle, p, g.Ptr));
        return this;
    }

    /// <summary>
    /// A new tensor with this tensor's shape, dtype and device holding Bernoulli(<paramref name="p"/>) samples (0 or 1);
    /// this tensor's values are not read. The caller owns the result. Dropout masks are <c>x.Bernoulli(1 − rate)</c>.
    /// </summary>
    /// <exception cref="TorchException"><paramref name="p"/> is outside [0, 1].</exception>
    public Tensor Bernoulli(double p, Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        return Wrap(ats_bernoulli(Handle, true, p, g.Ptr, out var r), r);
    }

    /// <summary>
    /// A new tensor of samples where element i is 1 with probability <c>this[i]</c> (which must lie in [0, 1]), else 0;
    /// same shape and dtype. The caller owns the result.
    /// </summary>
    public Tensor Bernoulli(Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        return Wrap(ats_bernoulli(Handle, false, 0, g.Ptr, out var r), r);
    }

    /// <summary>Fills this tensor in place with samples of the exponential distribution with rate <paramref name="lambda"/> (mean 1/λ) and returns it.</summary>
    public Tensor ExponentialInPlace(double lambda = 1, Generator? generator = null)
    {
        using var g = new OptionalHandle(generator);
        Check(ats_exponential_(Handle, lambda, g.Ptr));
        return this;
    }
}
