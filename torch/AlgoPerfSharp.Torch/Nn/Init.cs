using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Weight initialisers (PyTorch's <c>torch.nn.init</c>). Each fills the tensor in place without recording autograd
/// (so it works on parameters that require grad) and returns it. Random ones draw from <c>generator</c> (libtorch's
/// default generator when null) with the same calls as PyTorch 1.13, so a tensor initialised here from
/// <c>new Generator(s)</c> equals the PyTorch tensor initialised with <c>torch.Generator().manual_seed(s)</c> passed to
/// <c>tensor.uniform_/normal_</c> in the same order.
/// </summary>
/// <remarks>
/// Fans: for a weight of shape (out, in, k...), fan_in = in·∏k and fan_out = out·∏k. Thread-safety: calls on
/// different tensors may run concurrently, but a <see cref="Generator"/> must not be shared between threads.
/// </remarks>
public static class Init
{
    /// <summary>Fills with samples of U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Uniform(Tensor tensor, double low = 0, double high = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var g = new OptionalHandle(generator);
        Check(ats_nn_init_uniform_(tensor.Handle, low, high, g.Ptr));
        return tensor;
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var g = new OptionalHandle(generator);
        Check(ats_nn_init_normal_(tensor.Handle, mean, std, g.Ptr));
        return tensor;
    }

    /// <summary>
    /// Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²) truncated to [<paramref name="a"/>,
    /// <paramref name="b"/>], by PyTorch's inverse-CDF algorithm: u ~ U(2Φ(α) − 1, 2Φ(β) − 1) with α, β the
    /// standardised bounds, x = mean + std·√2·erfinv(u), clamped to [a, b]. No rejection, one draw per element.
    /// </summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor TruncatedNormal(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var g = new OptionalHandle(generator);
        Check(ats_nn_init_trunc_normal_(tensor.Handle, mean, std, a, b, g.Ptr));
        return tensor;
    }

    /// <summary>Fills with zeros.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0.0);

    /// <summary>Fills with ones.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1.0);

    /// <summary>Fills with <paramref name="value"/>.</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor Constant(Tensor tensor, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) tensor.FillInPlace(value);
        return tensor;
    }

    /// <summary>
    /// He/Kaiming uniform: U(−bound, bound) with bound = gain·√(3 / fan), gain = <see cref="CalculateGain"/>(nonlinearity, a).
    /// PyTorch's Linear and Conv2d weights use a = √5 (bound = 1/√fan_in).
    /// </summary>
    /// <param name="tensor">At least 2-D: (out, in, k...).</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (used only with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Fan to normalise by.</param>
    /// <param name="nonlinearity">The activation that follows.</param>
    /// <param name="generator">Random source, or null for libtorch's default.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.NumElements == 0) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain / √fan.</summary>
    /// <param name="tensor">At least 2-D: (out, in, k...).</param>
    /// <param name="a">Negative slope of the leaky ReLU that follows (used only with <see cref="Nonlinearity.LeakyRelu"/>).</param>
    /// <param name="mode">Fan to normalise by.</param>
    /// <param name="nonlinearity">The activation that follows.</param>
    /// <param name="generator">Random source, or null for libtorch's default.</param>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.NumElements == 0) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal(tensor, 0, std, generator);
    }

    /// <summary>Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    /// <returns><paramref name="tensor"/>.</returns>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal(tensor, 0, std, generator);
    }

    /// <summary>
    /// The recommended gain for an activation: 1 (linear, sigmoid), 5/3 (tanh), √2 (ReLU), √(2 / (1 + slope²)) (leaky
    /// ReLU; slope = <paramref name="param"/>, default 0.01), 3/4 (SELU).
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "unknown nonlinearity"),
    };

    /// <summary>Fan-in and fan-out of a weight shaped (out, in, k...): in·∏k and out·∏k.</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"fan in and fan out need a tensor with at least 2 dims, got shape [{string.Join(", ", shape)}]", nameof(tensor));
        }

        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    private static long Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }
}
