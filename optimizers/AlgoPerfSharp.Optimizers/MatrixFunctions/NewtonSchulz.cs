using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// Newton–Schulz orthogonalization of a matrix (Muon's NS5): with X = G in <see cref="DType"/>, transposed when it has
/// more rows than columns, X ← X / (‖X‖_F + <see cref="Epsilon"/>), then <see cref="Steps"/> times
/// A = X·Xᵀ; B = b·A + c·A²; X ← a·X + B·X. Each singular value σ of the normalised input follows the scalar map
/// σ ← aσ + bσ³ + cσ⁵ while the singular vectors are kept, so the result is ≈ U·S'·Vᵀ with S' near 1 (with Muon's
/// coefficients S' lies roughly in [0.5, 1.5]; it does not converge to exactly 1).
/// </summary>
/// <remarks>
/// A validated, immutable configuration; <see cref="Orthogonalize"/> is a pure function of it and its input. A null
/// <see cref="DType"/> means "auto": the reference's bfloat16 wherever libtorch's bfloat16 GEMM is fast — CUDA, and CPUs
/// that execute bfloat16 dot products natively (AVX-512 BF16, <see cref="FusedSteps.CpuHasNativeBFloat16"/>), where
/// libtorch hands bfloat16 GEMMs to oneDNN — and float32 on other CPUs, where oneDNN emulates bfloat16 and float32 BLAS
/// is the faster choice. bfloat16 changes the result by ~1e-2 relative (its 8-bit mantissa); float32 and float64 are
/// the accurate choices (the float64 reference tests use float64). Compare the three on a machine with
/// <c>benchmarks --newton-schulz</c>.
/// </remarks>
public sealed record NewtonSchulz
{
    /// <summary>Validates and creates the configuration. Defaults are Muon's (KellerJordan/Muon, muon.py).</summary>
    /// <param name="steps">Iterations, ≥ 1.</param>
    /// <param name="a">Linear coefficient.</param>
    /// <param name="b">Cubic coefficient.</param>
    /// <param name="c">Quintic coefficient.</param>
    /// <param name="dtype">Working precision: bfloat16 (the reference), float32 or float64; null (the default) = auto (see remarks).</param>
    /// <param name="epsilon">Added to the Frobenius norm before dividing, ≥ 0.</param>
    public NewtonSchulz(int steps = 5, double a = 3.4445, double b = -4.7750, double c = 2.0315, Torch.DType? dtype = null, double epsilon = 1e-7)
    {
        if (steps < 1) throw new ArgumentException($"steps must be ≥ 1 (got {steps})", nameof(steps));
        if (!double.IsFinite(a)) throw new ArgumentException($"a must be finite (got {a})", nameof(a));
        if (!double.IsFinite(b)) throw new ArgumentException($"b must be finite (got {b})", nameof(b));
        if (!double.IsFinite(c)) throw new ArgumentException($"c must be finite (got {c})", nameof(c));
        if (dtype is not (null or Torch.DType.BFloat16 or Torch.DType.Float32 or Torch.DType.Float64))
        {
            throw new ArgumentException($"dtype must be BFloat16, Float32 or Float64 (got {dtype})", nameof(dtype));
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon)) throw new ArgumentException($"epsilon must be finite and ≥ 0 (got {epsilon})", nameof(epsilon));
        Steps = steps;
        A = a;
        B = b;
        C = c;
        DType = dtype;
        Epsilon = epsilon;
    }

    /// <summary>
    /// Muon's NS5: 5 steps, (3.4445, −4.7750, 2.0315), ε = 1e-7, in the auto dtype — the reference's bfloat16 on CUDA and
    /// on CPUs with native bfloat16, float32 on other CPUs — the same iteration the <c>muon</c> algorithm runs with its
    /// default <c>ns_dtype=auto</c>.
    /// </summary>
    public static NewtonSchulz Muon { get; } = new();

    /// <summary>Iterations.</summary>
    public int Steps { get; }

    /// <summary>Linear coefficient a.</summary>
    public double A { get; }

    /// <summary>Cubic coefficient b.</summary>
    public double B { get; }

    /// <summary>Quintic coefficient c.</summary>
    public double C { get; }

    /// <summary>Working precision of the iteration (null = auto: bfloat16 on CUDA and on CPUs with native bfloat16, else float32).</summary>
    public Torch.DType? DType { get; }

    /// <summary>The precision the iteration uses for a tensor on <paramref name="device"/>.</summary>
    public Torch.DType WorkingDType(Device device) =>
        DType ?? (device.IsCuda || FusedSteps.CpuHasNativeBFloat16 ? Torch.DType.BFloat16 : Torch.DType.Float32);

    /// <summary>Added to ‖X‖_F before normalising.</summary>
    public double Epsilon { get; }

    /// <summary>
    /// The scalar map one iteration applies to a singular value: aσ + bσ³ + cσ⁵ (for tests and analysis).
    /// </summary>
    public double Map(double sigma)
    {
        double s2 = sigma * sigma;
        return (A * sigma) + (((B * s2) + (C * s2 * s2)) * sigma);
    }

    /// <summary>
    /// Orthogonalizes the 2-D tensor <paramref name="g"/> (not modified). Returns a new tensor of g's shape and dtype
    /// that joins the caller's <see cref="DisposeScope"/>.
    /// </summary>
    /// <exception cref="ArgumentException">When g is not 2-D.</exception>
    public Tensor Orthogonalize(Tensor g)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (g.Dim != 2) throw new ArgumentException($"Newton–Schulz needs a 2-D matrix (got shape [{string.Join(", ", g.Shape)}])", nameof(g));
        var result = g.Clone();
        OrthogonalizeInPlace([result]);
        return result;
    }

    /// <summary>
    /// Orthogonalizes each of <paramref name="matrices"/> in place and multiplies it by <paramref name="scale"/>: the
    /// matrices (2-D, all of one shape, float32/float64, any strides — views of the callers' tensors are written
    /// through) are run as one batch, three batched GEMMs per iteration (<see cref="FusedSteps.NewtonSchulzInPlace"/>).
    /// Each result equals <see cref="Orthogonalize"/> of that matrix alone, up to the reduction order of its norm.
    /// </summary>
    /// <exception cref="ArgumentException">When a matrix is not 2-D or the shapes differ.</exception>
    public void OrthogonalizeInPlace(IReadOnlyList<Tensor> matrices, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) return;
        var shape = matrices[0].Shape;
        foreach (var m in matrices)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matrices));
            if (m.Dim != 2) throw new ArgumentException($"Newton–Schulz needs 2-D matrices (got shape [{string.Join(", ", m.Shape)}])", nameof(matrices));
            if (!m.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new ArgumentException($"a Newton–Schulz batch needs one shape (got [{string.Join(", ", m.Shape)}] and [{string.Join(", ", shape)}]); group the matrices by shape", nameof(matrices));
            }
        }

        FusedSteps.NewtonSchulzInPlace(matrices, Steps, A, B, C, Epsilon, WorkingDType(matrices[0].Device), scale);
    }

    /// <summary>
    /// Orthogonalizes each of <paramref name="matrices"/> (2-D, any shapes, all on one device) in place and multiplies
    /// matrix i by <paramref name="scales"/>[i], in one native call (<see cref="FusedSteps.NewtonSchulzManyInPlace"/>):
    /// same-shape matrices run as one batch, and the batches are spread over the intra-op threads when the work splits
    /// evenly. Each result equals <see cref="Orthogonalize"/> of that matrix alone, up to rounding.
    /// </summary>
    /// <exception cref="ArgumentException">When a matrix is not 2-D or the lists differ in length.</exception>
    public void OrthogonalizeAllInPlace(IReadOnlyList<Tensor> matrices, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        ArgumentNullException.ThrowIfNull(scales);
        if (matrices.Count == 0) return;
        foreach (var m in matrices)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matrices));
            if (m.Dim != 2) throw new ArgumentException($"Newton–Schulz needs 2-D matrices (got shape [{string.Join(", ", m.Shape)}])", nameof(matrices));
        }

        FusedSteps.NewtonSchulzManyInPlace(matrices, scales, Steps, A, B, C, Epsilon, WorkingDType(matrices[0].Device));
    }
}
