using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch;

/// <summary>Unary op codes of <c>ats_unary</c> (mirror of <c>enum ats_unary_op</c>).</summary>
internal enum UnaryOp
{
    Neg = 0, Abs = 1, Sign = 2, Sqrt = 3, Rsqrt = 4, Exp = 5, Log = 6, Reciprocal = 7, Relu = 8, Sigmoid = 9,
    Tanh = 10, Silu = 11, Gelu = 12, GeluTanh = 13, Sin = 14, Cos = 15, Square = 16, Floor = 17, Ceil = 18,
    Round = 19, LogicalNot = 20, IsNan = 21, IsFinite = 22, Log1p = 23, Expm1 = 24, Erf = 25, Zero = 26, IsInf = 27,
}

/// <summary>Binary op codes of <c>ats_binary</c> (mirror of <c>enum ats_binary_op</c>).</summary>
internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6, Eq = 7, Ne = 8, Lt = 9, Le = 10, Gt = 11,
    Ge = 12, LogicalAnd = 13, LogicalOr = 14, Remainder = 15, Atan2 = 16, RSub = 17, FloorDivide = 18,
}

public sealed partial class Tensor
{
    private static readonly NativeScalar One = ((Scalar)1L).Native;

    internal Tensor Unary(UnaryOp op) => Wrap(ats_unary((int)op, Handle, out var r), r);

    internal Tensor UnaryInPlace(UnaryOp op)
    {
        Check(ats_unary_((int)op, Handle));
        return this;
    }

    internal Tensor Binary(BinaryOp op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_binary((int)op, Handle, other.Handle, One, out var r), r);
    }

    internal Tensor BinaryInPlace(BinaryOp op, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Check(ats_binary_((int)op, Handle, other.Handle, One));
        return this;
    }

    internal Tensor Binary(BinaryOp op, Scalar other) => Wrap(ats_binary_scalar((int)op, Handle, other.Native, One, out var r), r);

    internal Tensor BinaryInPlace(BinaryOp op, Scalar other)
    {
        Check(ats_binary_scalar_((int)op, Handle, other.Native, One));
        return this;
    }

    // ---- arithmetic ------------------------------------------------------------------------------------------

    /// <summary>this + alpha·other (broadcasting).</summary>
    public Tensor Add(Tensor other, Scalar alpha)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_binary((int)BinaryOp.Add, Handle, other.Handle, alpha.Native, out var r), r);
    }

    /// <summary>this + other.</summary>
    public Tensor Add(Tensor other) => Binary(BinaryOp.Add, other);

    /// <summary>this + value.</summary>
    public Tensor Add(Scalar value) => Binary(BinaryOp.Add, value);

    /// <summary>this += alpha·other.</summary>
    public Tensor AddInPlace(Tensor other, Scalar alpha)
    {
        ArgumentNullException.ThrowIfNull(other);
        Check(ats_binary_((int)BinaryOp.Add, Handle, other.Handle, alpha.Native));
        return this;
    }

    /// <summary>this += other.</summary>
    public Tensor AddInPlace(Tensor other) => BinaryInPlace(BinaryOp.Add, other);

    /// <summary>this += value.</summary>
    public Tensor AddInPlace(Scalar value) => BinaryInPlace(BinaryOp.Add, value);

    /// <summary>this − alpha·other.</summary>
    public Tensor Sub(Tensor other, Scalar alpha)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_binary((int)BinaryOp.Sub, Handle, other.Handle, alpha.Native, out var r), r);
    }

    /// <summary>this − other.</summary>
    public Tensor Sub(Tensor other) => Binary(BinaryOp.Sub, other);

    /// <summary>this − value.</summary>
    public Tensor Sub(Scalar value) => Binary(BinaryOp.Sub, value);

    /// <summary>this −= other.</summary>
    public Tensor SubInPlace(Tensor other) => BinaryInPlace(BinaryOp.Sub, other);

    /// <summary>this −= value.</summary>
    public Tensor SubInPlace(Scalar value) => BinaryInPlace(BinaryOp.Sub, value);

    /// <summary>Elementwise product.</summary>
    public Tensor Mul(Tensor other) => Binary(BinaryOp.Mul, other);

    /// <summary>this · value.</summary>
    public Tensor Mul(Scalar value) => Binary(BinaryOp.Mul, value);

    /// <summary>this ·= other.</summary>
    public Tensor MulInPlace(Tensor other) => BinaryInPlace(BinaryOp.Mul, other);

    /// <summary>this ·= value.</summary>
    public Tensor MulInPlace(Scalar value) => BinaryInPlace(BinaryOp.Mul, value);

    /// <summary>Elementwise true division (integers promote to float).</summary>
    public Tensor Div(Tensor other) => Binary(BinaryOp.Div, other);

    /// <summary>this / value.</summary>
    public Tensor Div(Scalar value) => Binary(BinaryOp.Div, value);

    /// <summary>this /= other.</summary>
    public Tensor DivInPlace(Tensor other) => BinaryInPlace(BinaryOp.Div, other);

    /// <summary>this /= value.</summary>
    public Tensor DivInPlace(Scalar value) => BinaryInPlace(BinaryOp.Div, value);

    /// <summary>Floor division.</summary>
    public Tensor FloorDivide(Tensor other) => Binary(BinaryOp.FloorDivide, other);

    /// <summary>Python-style remainder.</summary>
    public Tensor Remainder(Scalar value) => Binary(BinaryOp.Remainder, value);

    /// <summary>this ** exponent.</summary>
    public Tensor Pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);

    /// <summary>this ** exponent.</summary>
    public Tensor Pow(Scalar exponent) => Binary(BinaryOp.Pow, exponent);

    /// <summary>this **= exponent.</summary>
    public Tensor PowInPlace(Scalar exponent) => BinaryInPlace(BinaryOp.Pow, exponent);

    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);

    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    /// <summary>Elementwise atan2(this, other).</summary>
    public Tensor Atan2(Tensor other) => Binary(BinaryOp.Atan2, other);

    /// <summary>this + value·t1·t2.</summary>
    public Tensor AddCMul(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        return Wrap(ats_addcmul(Handle, t1.Handle, t2.Handle, value.Native, false, out var r), r);
    }

    /// <summary>this += value·t1·t2.</summary>
    public Tensor AddCMulInPlace(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        Check(ats_addcmul_(Handle, t1.Handle, t2.Handle, value.Native, false));
        return this;
    }

    /// <summary>this + value·t1/t2.</summary>
    public Tensor AddCDiv(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        return Wrap(ats_addcmul(Handle, t1.Handle, t2.Handle, value.Native, true, out var r), r);
    }

    /// <summary>this += value·t1/t2.</summary>
    public Tensor AddCDivInPlace(Tensor t1, Tensor t2, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(t1);
        ArgumentNullException.ThrowIfNull(t2);
        Check(ats_addcmul_(Handle, t1.Handle, t2.Handle, value.Native, true));
        return this;
    }

    /// <summary>this + weight·(end − this).</summary>
    public Tensor Lerp(Tensor end, Scalar weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        return Wrap(ats_lerp(Handle, end.Handle, IntPtr.Zero, weight.Native, out var r), r);
    }

    /// <summary>this + weight·(end − this) with an elementwise weight.</summary>
    public Tensor Lerp(Tensor end, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        using var w = new OptionalHandle(weight ?? throw new ArgumentNullException(nameof(weight)));
        return Wrap(ats_lerp(Handle, end.Handle, w.Ptr, One, out var r), r);
    }

    /// <summary>this += weight·(end − this).</summary>
    public Tensor LerpInPlace(Tensor end, Scalar weight)
    {
        ArgumentNullException.ThrowIfNull(end);
        Check(ats_lerp_(Handle, end.Handle, IntPtr.Zero, weight.Native));
        return this;
    }

    /// <summary>Clamps to [min, max]; a null bound is open.</summary>
    public Tensor Clamp(Scalar? min = null, Scalar? max = null) =>
        Wrap(ats_clamp(Handle, min.HasValue, (min ?? 0L).Native, max.HasValue, (max ?? 0L).Native, out var r), r);

    /// <summary>Clamps in place.</summary>
    public Tensor ClampInPlace(Scalar? min = null, Scalar? max = null)
    {
        Check(ats_clamp_(Handle, min.HasValue, (min ?? 0L).Native, max.HasValue, (max ?? 0L).Native));
        return this;
    }

    /// <summary>Elementwise <paramref name="condition"/> ? a : b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Wrap(ats_where(condition.Handle, a.Handle, b.Handle, out var r), r);
    }

    /// <summary>Copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Wrap(ats_masked_fill(Handle, mask.Handle, value.Native, out var r), r);
    }

    /// <summary>Writes <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFillInPlace(Tensor mask, Scalar value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Check(ats_masked_fill_(Handle, mask.Handle, value.Native));
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor FillInPlace(Scalar value)
    {
        Check(ats_fill_(Handle, value.Native));
        return this;
    }

    /// <summary>Sets every element to zero.</summary>
    public Tensor ZeroInPlace() => UnaryInPlace(UnaryOp.Zero);

    /// <summary>Copies <paramref name="source"/> into this tensor (broadcasting, converting dtype/device).</summary>
    public Tensor CopyInPlace(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Check(ats_copy_(Handle, source.Handle));
        return this;
    }

    /// <summary>Lower triangle (elements above diagonal <paramref name="diagonal"/> zeroed).</summary>
    public Tensor Tril(long diagonal = 0) => Wrap(ats_tril(Handle, diagonal, false, out var r), r);

    /// <summary>Upper triangle.</summary>
    public Tensor Triu(long diagonal = 0) => Wrap(ats_tril(Handle, diagonal, true, out var r), r);

    // ---- unary -----------------------------------------------------------------------------------------------

    /// <summary>−this.</summary>
    public Tensor Neg() => Unary(UnaryOp.Neg);

    /// <summary>|this|.</summary>
    public Tensor Abs() => Unary(UnaryOp.Abs);

    /// <summary>Sign (−1, 0, 1).</summary>
    public Tensor Sign() => Unary(UnaryOp.Sign);

    /// <summary>√this.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);

    /// <summary>√this in place.</summary>
    public Tensor SqrtInPlace() => UnaryInPlace(UnaryOp.Sqrt);

    /// <summary>1/√this.</summary>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);

    /// <summary>eˣ.</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp);

    /// <summary>Natural log.</summary>
    public Tensor Log() => Unary(UnaryOp.Log);

    /// <summary>log(1+x).</summary>
    public Tensor Log1p() => Unary(UnaryOp.Log1p);

    /// <summary>eˣ−1.</summary>
    public Tensor Expm1() => Unary(UnaryOp.Expm1);

    /// <summary>1/this.</summary>
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);

    /// <summary>this².</summary>
    public Tensor Square() => Unary(UnaryOp.Square);

    /// <summary>sin.</summary>
    public Tensor Sin() => Unary(UnaryOp.Sin);

    /// <summary>cos.</summary>
    public Tensor Cos() => Unary(UnaryOp.Cos);

    /// <summary>Error function.</summary>
    public Tensor Erf() => Unary(UnaryOp.Erf);

    /// <summary>Floor.</summary>
    public Tensor Floor() => Unary(UnaryOp.Floor);

    /// <summary>Ceiling.</summary>
    public Tensor Ceil() => Unary(UnaryOp.Ceil);

    /// <summary>Round half to even.</summary>
    public Tensor Round() => Unary(UnaryOp.Round);

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(UnaryOp.Relu);

    /// <summary>max(x, 0) in place.</summary>
    public Tensor ReluInPlace() => UnaryInPlace(UnaryOp.Relu);

    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);

    /// <summary>tanh.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);

    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu() => Unary(UnaryOp.Silu);

    /// <summary>GELU: exact (erf) by default, or the tanh approximation.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? UnaryOp.GeluTanh : UnaryOp.Gelu);

    /// <summary>Logical not (bool result).</summary>
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    /// <summary>Elementwise NaN test.</summary>
    public Tensor IsNan() => Unary(UnaryOp.IsNan);

    /// <summary>Elementwise ±∞ test.</summary>
    public Tensor IsInf() => Unary(UnaryOp.IsInf);

    /// <summary>Elementwise finiteness test.</summary>
    public Tensor IsFinite() => Unary(UnaryOp.IsFinite);

    // ---- comparisons (bool results) --------------------------------------------------------------------------

    /// <summary>this == other.</summary>
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, other);

    /// <summary>this == value.</summary>
    public Tensor Eq(Scalar value) => Binary(BinaryOp.Eq, value);

    /// <summary>this != other.</summary>
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, other);

    /// <summary>this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, other);

    /// <summary>this &lt; value.</summary>
    public Tensor Lt(Scalar value) => Binary(BinaryOp.Lt, value);

    /// <summary>this &lt;= other.</summary>
    public Tensor Le(Tensor other) => Binary(BinaryOp.Le, other);

    /// <summary>this &lt;= value.</summary>
    public Tensor Le(Scalar value) => Binary(BinaryOp.Le, value);

    /// <summary>this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, other);

    /// <summary>this &gt; value.</summary>
    public Tensor Gt(Scalar value) => Binary(BinaryOp.Gt, value);

    /// <summary>this &gt;= other.</summary>
    public Tensor Ge(Tensor other) => Binary(BinaryOp.Ge, other);

    /// <summary>this &gt;= value.</summary>
    public Tensor Ge(Scalar value) => Binary(BinaryOp.Ge, value);

    /// <summary>Logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(BinaryOp.LogicalAnd, other);

    /// <summary>Logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(BinaryOp.LogicalOr, other);

    // ---- matmul ----------------------------------------------------------------------------------------------

    /// <summary>Matrix product with NumPy/PyTorch broadcasting rules.</summary>
    public Tensor MatMul(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_matmul(Handle, other.Handle, out var r), r);
    }

    /// <summary>2-D matrix product (no broadcasting).</summary>
    public Tensor Mm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_mm(Handle, other.Handle, out var r), r);
    }

    /// <summary>Batched matrix product of two 3-D tensors.</summary>
    public Tensor Bmm(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wrap(ats_bmm(Handle, other.Handle, out var r), r);
    }

    /// <summary>Einstein summation, e.g. <c>Einsum("bij,bjk->bik", a, b)</c>.</summary>
    public static unsafe Tensor Einsum(string equation, params ReadOnlySpan<Tensor> operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        using var a = NativeArgs.Begin();
        return Wrap(ats_einsum(equation, a.Handles(operands), operands.Length, out var r), r);
    }

    // ---- operators -------------------------------------------------------------------------------------------

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>Tensor plus scalar.</summary>
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(b);

    /// <summary>Scalar plus tensor.</summary>
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(a);

    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>Tensor minus scalar.</summary>
    public static Tensor operator -(Tensor a, Scalar b) => a.Sub(b);

    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(Scalar a, Tensor b) => Wrap(ats_scalar_binary((int)BinaryOp.Sub, a.Native, b.Handle, out var r), r);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    /// <summary>Tensor times scalar.</summary>
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(b);

    /// <summary>Scalar times tensor.</summary>
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(a);

    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    /// <summary>Tensor divided by scalar.</summary>
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(b);

    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(Scalar a, Tensor b) => Wrap(ats_scalar_binary((int)BinaryOp.Div, a.Native, b.Handle, out var r), r);
}
