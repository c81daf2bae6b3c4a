namespace AlgoPerfSharp.Optimizers.MatrixFunctions;

/// <summary>
/// How <see cref="MatrixFunction.Eigendecompose"/> computes an eigenbasis. With <see cref="Tolerance"/> τ &gt; 0 the
/// previous eigenvectors Q are kept when B = QᵀAQ satisfies ‖B − diag B‖_F ≤ τ·‖B‖_F (the adaptive criterion of
/// arXiv 2506.03595); with <see cref="EigendecompositionMethod.QrIteration"/> the same test is the QR loop's stopping
/// rule, evaluated before each iteration. τ = 0 always recomputes (unless B is exactly diagonal); τ = 1 never does.
/// </summary>
public sealed record EigendecompositionConfig
{
    /// <summary>Validates and creates the config.</summary>
    /// <param name="method">Eigh or warm-started QR iteration.</param>
    /// <param name="maxIterations">QR iterations at most per refresh (≥ 1; ignored by eigh).</param>
    /// <param name="tolerance">τ ∈ [0, 1] of the off-diagonal criterion.</param>
    /// <param name="retryFloat64">Retry a failed float32 eigh in float64.</param>
    /// <exception cref="ArgumentException">A field is out of range (the message names it and the value).</exception>
    public EigendecompositionConfig(EigendecompositionMethod method = EigendecompositionMethod.Eigh, int maxIterations = 1, double tolerance = 0, bool retryFloat64 = true)
    {
        if (!Enum.IsDefined(method)) throw new ArgumentException($"method must be Eigh or QrIteration (got {method})", nameof(method));
        if (maxIterations < 1) throw new ArgumentException($"maxIterations must be ≥ 1 (got {maxIterations})", nameof(maxIterations));
        if (!(tolerance >= 0 && tolerance <= 1)) throw new ArgumentException($"tolerance must be in [0, 1] (got {tolerance})", nameof(tolerance));
        Method = method;
        MaxIterations = maxIterations;
        Tolerance = tolerance;
        RetryFloat64 = retryFloat64;
    }

    /// <summary>Eigh or warm-started QR.</summary>
    public EigendecompositionMethod Method { get; }

    /// <summary>QR iterations at most per refresh.</summary>
    public int MaxIterations { get; }

    /// <summary>τ of the criterion ‖B − diag B‖_F ≤ τ‖B‖_F.</summary>
    public double Tolerance { get; }

    /// <summary>Retry a failed float32 eigh in float64.</summary>
    public bool RetryFloat64 { get; }

    /// <summary>Full eigh every time (facebookresearch's <c>EighEigendecompositionConfig()</c>).</summary>
    public static EigendecompositionConfig Eigh { get; } = new();

    /// <summary>One warm-started QR iteration per refresh (facebookresearch's <c>QREigendecompositionConfig()</c>, its SOAP preset).</summary>
    public static EigendecompositionConfig OneQrIteration { get; } = new(EigendecompositionMethod.QrIteration);
}
