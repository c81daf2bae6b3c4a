using AlgoPerfSharp.Torch.Native;

namespace AlgoPerfSharp.Torch;

/// <summary>
/// A number passed to a tensor op, keeping PyTorch's type-promotion rules: an integral scalar leaves an integer tensor
/// integral, a floating scalar promotes it. Converts implicitly from <c>double</c>, <c>float</c>, <c>long</c>,
/// <c>int</c> and <c>bool</c>.
/// </summary>
public readonly struct Scalar
{
    private readonly NativeScalar _value;

    private Scalar(NativeScalar value) => _value = value;

    internal NativeScalar Native => _value;

    /// <summary>True when the scalar is integral (or boolean).</summary>
    public bool IsIntegral => _value.Kind != 0;

    /// <summary>The value as a double.</summary>
    public double ToDouble() => _value.Kind == 0 ? _value.F : _value.I;

    /// <summary>Floating scalar.</summary>
    public static implicit operator Scalar(double value) => new(new NativeScalar(0, value, 0));

    /// <summary>Floating scalar.</summary>
    public static implicit operator Scalar(float value) => new(new NativeScalar(0, value, 0));

    /// <summary>Integral scalar.</summary>
    public static implicit operator Scalar(long value) => new(new NativeScalar(1, 0, value));

    /// <summary>Integral scalar.</summary>
    public static implicit operator Scalar(int value) => new(new NativeScalar(1, 0, value));

    /// <summary>Boolean scalar.</summary>
    public static implicit operator Scalar(bool value) => new(new NativeScalar(2, 0, value ? 1 : 0));

    /// <inheritdoc/>
    public override string ToString() => _value.Kind switch
    {
        0 => _value.F.ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => _value.I.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => (_value.I != 0).ToString(),
    };
}
