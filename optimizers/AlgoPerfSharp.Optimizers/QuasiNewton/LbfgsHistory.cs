using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.QuasiNewton;

/// <summary>
/// The limited memory of L-BFGS: the newest <see cref="Capacity"/> curvature pairs (s, y) over the flattened
/// parameters and the inverse-Hessian approximation H they define, applied by the two-loop recursion (Nocedal &amp;
/// Wright, Algorithm 7.4) with H₀ = γI, γ = sᵀy / yᵀy of the newest pair (1 with no pairs). H is symmetric positive
/// definite as long as every pair kept has sᵀy &gt; 0 (<see cref="TryAdd"/> enforces it). Owns its pair tensors
/// (detached from every scope); not thread-safe.
/// </summary>
public sealed class LbfgsHistory : IDisposable
{
    private readonly List<(Tensor S, Tensor Y, double Rho)> _pairs = [];

    /// <summary>Creates an empty memory of <paramref name="capacity"/> ≥ 1 pairs.</summary>
    public LbfgsHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The memory m.</summary>
    public int Capacity { get; }

    /// <summary>Pairs held (≤ <see cref="Capacity"/>).</summary>
    public int Count => _pairs.Count;

    /// <summary>
    /// Keeps (s, y) — copies, the oldest pair dropped when full — when sᵀy &gt; <paramref name="curvatureFloor"/>·sᵀs
    /// (the pair keeps H positive definite and well scaled); otherwise keeps nothing and returns false.
    /// </summary>
    public bool TryAdd(Tensor s, Tensor y, double curvatureFloor = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(y);
        using var scope = new DisposeScope();
        double sy = Dot(s, y), ss = Dot(s, s);
        if (!(sy > curvatureFloor * ss) || !double.IsFinite(sy)) return false;
        if (_pairs.Count == Capacity)
        {
            _pairs[0].S.Dispose();
            _pairs[0].Y.Dispose();
            _pairs.RemoveAt(0);
        }

        _pairs.Add((DisposeScope.Detach(s.Clone()), DisposeScope.Detach(y.Clone()), 1 / sy));
        return true;
    }

    /// <summary>Forgets every pair (H = I).</summary>
    public void Clear()
    {
        foreach (var (s, y, _) in _pairs)
        {
            s.Dispose();
            y.Dispose();
        }

        _pairs.Clear();
    }

    /// <summary>H·<paramref name="v"/> by the two-loop recursion; a new tensor in the caller's scope.</summary>
    public Tensor Apply(Tensor v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var q = v.Clone();
        var alpha = new double[_pairs.Count];
        for (int i = _pairs.Count - 1; i >= 0; i--)
        {
            var (s, y, rho) = _pairs[i];
            alpha[i] = rho * Dot(s, q);
            q.AddInPlace(y, -alpha[i]);
        }

        if (_pairs.Count > 0)
        {
            var (s, y, _) = _pairs[^1];
            q.MulInPlace(Dot(s, y) / Dot(y, y));
        }

        for (int i = 0; i < _pairs.Count; i++)
        {
            var (s, y, rho) = _pairs[i];
            double beta = rho * Dot(y, q);
            q.AddInPlace(s, alpha[i] - beta);
        }

        return q;
    }

    /// <summary>xᵀy as a double.</summary>
    public static double Dot(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        using var p = x.Mul(y);
        using var sum = p.Sum([], dtype: DType.Float64);
        return sum.ToDouble();
    }

    /// <summary>Writes the pairs under <paramref name="prefix"/> (count, then s.i and y.i, oldest first).</summary>
    public void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Values[$"{prefix}.count"] = _pairs.Count.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < _pairs.Count; i++)
        {
            into.Tensors[$"{prefix}.s.{i}"] = DisposeScope.Detach(_pairs[i].S.Clone());
            into.Tensors[$"{prefix}.y.{i}"] = DisposeScope.Detach(_pairs[i].Y.Clone());
        }
    }

    /// <summary>Replaces the pairs with those <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The count exceeds the capacity or a pair is missing.</exception>
    public void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        long count = from.Int64($"{prefix}.count");
        if (count > Capacity) throw new InvalidDataException($"algorithm checkpoint holds {count} L-BFGS pairs, more than the memory {Capacity}; resume with the same 'memory'");
        Clear();
        for (int i = 0; i < count; i++)
        {
            var s = DisposeScope.Detach(from.Tensor($"{prefix}.s.{i}").Clone());
            var y = DisposeScope.Detach(from.Tensor($"{prefix}.y.{i}").Clone());
            _pairs.Add((s, y, 1 / Dot(s, y)));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Clear();
}
