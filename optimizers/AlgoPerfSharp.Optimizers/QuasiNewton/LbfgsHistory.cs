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
/// <remarks>
/// The recursion runs in its compact form (as in vector-free L-BFGS, Chen, Wang, Zhou, NIPS 2014): every vector it
/// forms is a combination of the basis b = (s₀…s_{k−1}, y₀…y_{k−1}, v), so each dot product it takes is a row of the
/// basis's Gram matrix times a coefficient vector. The pairs' mutual dot products are kept (each new pair's are taken
/// once, in the next <see cref="Prepare"/>), Prepare takes the pairs' dot products with v in one pass over the pairs
/// (<see cref="VectorKernels.Dots"/>), the recursion runs on (2k + 1) coefficients, and the result is written in a
/// second pass (<see cref="VectorKernels.Combine"/>, which writes H·v and H·(H·v) together when asked). The textbook
/// loop makes 4k + 4 passes over pair-sized vectors per application, with 2k + 2 dot products read back one at a time.
/// Same H·v in exact arithmetic; in floating point the dot products are summed in another order and the recursion's
/// intermediate vectors are never rounded to the pairs' dtype (only the result is, once).
/// </remarks>
public sealed class LbfgsHistory : IDisposable
{
    private readonly List<Pair> _pairs = [];
    private readonly long[]? _segments;
    private long _nextId;

    /// <summary>Creates an empty memory of <paramref name="capacity"/> ≥ 1 pairs.</summary>
    /// <param name="capacity">The memory m.</param>
    /// <param name="segments">
    /// Element counts of the parameters in the flattened order (the gradients passed to <see cref="Prepare"/> may then
    /// be per-parameter lists); null: vectors are flat, one segment.
    /// </param>
    public LbfgsHistory(int capacity, IReadOnlyList<long>? segments = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        if (segments is not null)
        {
            if (segments.Count == 0 || segments.Any(n => n < 0)) throw new ArgumentException("segments must be one or more element counts ≥ 0", nameof(segments));
            _segments = [.. segments];
        }
    }

    /// <summary>The memory m.</summary>
    public int Capacity { get; }

    /// <summary>Pairs held (≤ <see cref="Capacity"/>).</summary>
    public int Count => _pairs.Count;

    /// <summary>
    /// Keeps (s, y) — copies, the oldest pair dropped when full — when sᵀy &gt; <paramref name="curvatureFloor"/>·sᵀs
    /// (the pair keeps H positive definite and well scaled); otherwise keeps nothing and returns false.
    /// </summary>
    public bool TryAdd(Tensor s, Tensor y, double curvatureFloor = 1e-10) => Keep(s, y, curvatureFloor, copy: true);

    /// <summary>As <see cref="TryAdd"/>, but a kept pair takes <paramref name="s"/> and <paramref name="y"/> themselves (detached from their scope; flat, contiguous); when false the caller still owns them.</summary>
    internal bool TryTake(Tensor s, Tensor y, double curvatureFloor = 1e-10) => Keep(s, y, curvatureFloor, copy: false);

    /// <summary>Forgets every pair (H = I).</summary>
    public void Clear()
    {
        foreach (var pair in _pairs) pair.Dispose();
        _pairs.Clear();
    }

    /// <summary>H·<paramref name="v"/> by the two-loop recursion; a new tensor in the caller's scope.</summary>
    public Tensor Apply(Tensor v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var basis = Prepare([v]);
        var result = Tensor.Empty(v.Shape, v.DType, v.Device);
        basis.Combine([basis.Apply(basis.Input)], [result]);
        return result;
    }

    /// <summary>
    /// The basis (pairs oldest first, then <paramref name="v"/>) and its Gram matrix, after one pass over the pairs
    /// for their dot products with v (and with a pair added since the last call). Valid until the memory changes.
    /// </summary>
    /// <param name="v">A flat vector, or the per-parameter tensors when the memory was given segments.</param>
    internal Basis Prepare(IReadOnlyList<Tensor> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        int k = _pairs.Count, gi = 2 * k;
        var vectors = new List<IReadOnlyList<Tensor>>(gi + 1);
        foreach (var pair in _pairs) vectors.Add([pair.S]);
        foreach (var pair in _pairs) vectors.Add([pair.Y]);
        vectors.Add(v);

        // rows grouped by their first vector: each pair's s and y against v and against every unresolved newer pair
        var wanted = new List<(int X, int Y)>();
        for (int t = 0; t < k; t++)
        {
            foreach (int x in new[] { t, k + t })
            {
                wanted.Add((x, gi));
                for (int u = t + 1; u < k; u++)
                {
                    if (_pairs[u].Older is not null) continue;
                    wanted.Add((x, u));
                    wanted.Add((x, k + u));
                }
            }
        }

        wanted.Add((gi, gi));
        double[] d = VectorKernels.Dots(vectors, SegmentsOf(v), wanted);

        var m = new double[gi + 1, gi + 1];
        var fresh = new Dictionary<int, Dictionary<long, double[]>>();
        int i = 0;
        for (int t = 0; t < k; t++)
        {
            foreach (int x in new[] { t, k + t })
            {
                m[x, gi] = m[gi, x] = d[i++];
                for (int u = t + 1; u < k; u++)
                {
                    if (_pairs[u].Older is not null) continue;
                    if (!fresh.TryGetValue(u, out var older)) fresh[u] = older = new Dictionary<long, double[]>();
                    if (!older.TryGetValue(_pairs[t].Id, out var c)) older[_pairs[t].Id] = c = new double[4];

                    // c = (s_u·s_t, s_u·y_t, y_u·s_t, y_u·y_t); this row's x is s_t (t) or y_t (k + t)
                    c[x == t ? 0 : 1] = d[i++];
                    c[x == t ? 2 : 3] = d[i++];
                }
            }
        }

        m[gi, gi] = d[i];
        for (int u = 0; u < k; u++)
        {
            _pairs[u].Older ??= fresh.TryGetValue(u, out var older) ? older : new Dictionary<long, double[]>();
        }

        for (int u = 0; u < k; u++)
        {
            var pu = _pairs[u];
            m[u, u] = pu.Ss;
            m[u, k + u] = m[k + u, u] = pu.Sy;
            m[k + u, k + u] = pu.Yy;
            for (int t = 0; t < u; t++)
            {
                var c = pu.Older![_pairs[t].Id];
                m[u, t] = m[t, u] = c[0];
                m[u, k + t] = m[k + t, u] = c[1];
                m[k + u, t] = m[t, k + u] = c[2];
                m[k + u, k + t] = m[k + t, k + u] = c[3];
            }
        }

        return new Basis(vectors, SegmentsOf(v), m, [.. _pairs.Select(p => 1 / p.Sy)], k > 0 ? _pairs[^1].Sy / _pairs[^1].Yy : 1);
    }

    /// <summary>xᵀy as a double (the product in the tensors' dtype, summed in float64 by ATen).</summary>
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

    /// <summary>Replaces the pairs with those <see cref="Save"/> wrote (their dot products are taken again: the same bits).</summary>
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
            var d = SelfDots(s, y);
            _pairs.Add(new Pair(s, y, _nextId++, d[1], d[0], d[2]));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Clear();

    private bool Keep(Tensor s, Tensor y, double curvatureFloor, bool copy)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(y);
        var d = SelfDots(s, y);
        double sy = d[0], ss = d[1];
        if (!(sy > curvatureFloor * ss) || !double.IsFinite(sy)) return false;
        if (_pairs.Count == Capacity)
        {
            var oldest = _pairs[0];
            _pairs.RemoveAt(0);
            foreach (var pair in _pairs) pair.Older?.Remove(oldest.Id);
            oldest.Dispose();
        }

        var kept = copy ? (S: DisposeScope.Detach(s.Clone()), Y: DisposeScope.Detach(y.Clone())) : (S: DisposeScope.Detach(s), Y: DisposeScope.Detach(y));
        _pairs.Add(new Pair(kept.S, kept.Y, _nextId++, ss, sy, d[2]));
        return true;
    }

    /// <summary>(sᵀy, sᵀs, yᵀy) in one pass, by the same kernel as every other dot product of the memory.</summary>
    private double[] SelfDots(Tensor s, Tensor y) => VectorKernels.Dots([[s], [y]], SegmentsOf([s]), [(0, 1), (0, 0), (1, 1)]);

    private long[] SegmentsOf(IReadOnlyList<Tensor> v) => _segments ?? new[] { v.Sum(t => t.NumElements) };

    /// <summary>
    /// A pair and its dot products: its own, and <see cref="Older"/> = (s·s′, s·y′, y·s′, y·y′) with every older pair
    /// (by id), null until the next <see cref="Prepare"/> takes them.
    /// </summary>
    private sealed class Pair(Tensor s, Tensor y, long id, double ss, double sy, double yy) : IDisposable
    {
        public Tensor S { get; } = s;

        public Tensor Y { get; } = y;

        public long Id { get; } = id;

        public double Ss { get; } = ss;

        public double Sy { get; } = sy;

        public double Yy { get; } = yy;

        public Dictionary<long, double[]>? Older { get; set; }

        public void Dispose()
        {
            S.Dispose();
            Y.Dispose();
        }
    }

    /// <summary>
    /// The basis b = (s₀…s_{k−1}, y₀…y_{k−1}, v) of one <see cref="Prepare"/>, its Gram matrix M, ρ and γ: H applied to
    /// coefficient vectors over b, and the vectors written from coefficients.
    /// </summary>
    internal sealed class Basis(IReadOnlyList<IReadOnlyList<Tensor>> vectors, long[] segments, double[,] gram, double[] rho, double gamma)
    {
        private readonly int _k = rho.Length;

        /// <summary>Size of the basis, 2k + 1.</summary>
        public int Size => (2 * _k) + 1;

        /// <summary>vᵀv.</summary>
        public double InputSquared => gram[2 * _k, 2 * _k];

        /// <summary>The coefficients of v itself.</summary>
        public double[] Input
        {
            get
            {
                var c = new double[Size];
                c[2 * _k] = 1;
                return c;
            }
        }

        /// <summary>The coefficients of H·x for x given by <paramref name="c"/>: the two-loop recursion on M.</summary>
        public double[] Apply(double[] c)
        {
            ArgumentNullException.ThrowIfNull(c);
            if (c.Length != Size) throw new ArgumentException($"{c.Length} coefficients for a basis of {Size}", nameof(c));
            var q = (double[])c.Clone();
            var alpha = new double[_k];
            for (int t = _k - 1; t >= 0; t--)
            {
                alpha[t] = rho[t] * Row(t, q);     // ρ sᵀq
                q[_k + t] -= alpha[t];             // q ← q − α y
            }

            if (_k > 0)
            {
                for (int j = 0; j < q.Length; j++) q[j] *= gamma;
            }

            for (int t = 0; t < _k; t++)
            {
                double beta = rho[t] * Row(_k + t, q);  // ρ yᵀq
                q[t] += alpha[t] - beta;                // q ← q + (α − β) s
            }

            return q;
        }

        /// <summary>Writes outputs[i] = Σⱼ coefficients[i][j]·bⱼ (one pass over the basis for all outputs).</summary>
        public void Combine(IReadOnlyList<double[]> coefficients, IReadOnlyList<Tensor> outputs)
        {
            var c = new double[coefficients.Count, Size];
            for (int i = 0; i < coefficients.Count; i++)
            {
                for (int j = 0; j < Size; j++) c[i, j] = coefficients[i][j];
            }

            VectorKernels.Combine(vectors, segments, c, outputs);
        }

        private double Row(int a, double[] q)
        {
            double sum = 0;
            for (int b = 0; b < q.Length; b++) sum += gram[a, b] * q[b];
            return sum;
        }
    }
}
