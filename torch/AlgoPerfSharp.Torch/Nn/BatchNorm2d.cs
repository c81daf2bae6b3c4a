namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Batch normalisation over (N, H, W) per channel (PyTorch's <c>nn.BatchNorm2d</c>). Parameters weight (C) = 1 and
/// bias (C) = 0; buffers running_mean (C) = 0, running_var (C) = 1 and num_batches_tracked (0-D Int64), named as in
/// PyTorch so state dicts correspond. In training it normalises with batch statistics and updates the running ones
/// (momentum-weighted, unbiased variance); in evaluation it uses the running statistics.
/// </summary>
public sealed class BatchNorm2d : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the channel count.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of each new batch in the running statistics.</param>
    /// <param name="affine">Learn weight and bias.</param>
    /// <param name="trackRunningStats">Keep running statistics (otherwise batch statistics are used in evaluation too).</param>
    /// <param name="dtype">Dtype of parameters and running statistics.</param>
    /// <param name="device">Device.</param>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32, Device device = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures], dtype, device));
            Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures], dtype, device));
        }

        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype, device));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype, device));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64, device));
        }
    }

    /// <summary>C.</summary>
    public long NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of each new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>γ (C), or null when not affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β (C), or null when not affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean (C), or null when not tracking. Owned by the module.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance (C), or null when not tracking. Owned by the module.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Training batches seen (0-D Int64), or null when not tracking. Owned by the module.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>(N, C, H, W) → (N, C, H, W). In training, updates the running statistics in place.</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 4) throw new ArgumentException($"BatchNorm2d expects (N, C, H, W) input, got {input.Dim}-D", nameof(input));
        if (IsTraining && NumBatchesTracked is not null)
        {
            using (Autograd.NoGrad()) NumBatchesTracked.AddInPlace(1L);
        }

        bool useBatchStats = IsTraining || RunningMean is null;
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight?.Data, Bias?.Data, useBatchStats, Momentum, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={Eps}, momentum={Momentum}, affine={Weight is not null}, track_running_stats={RunningMean is not null}";
}
