using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Softmax classification of grayscale images (the Fashion-MNIST workloads). Training batches: seeded epoch
/// permutations with random-crop (2-pixel padding) and horizontal-flip augmentation, prepared on a background thread.
/// Loss: mean softmax cross-entropy, with label smoothing when asked. Evaluation (no augmentation, no smoothing, eval
/// mode, no-grad, one DisposeScope per batch of <see cref="WorkloadSpec.EvalBatchSize"/>) reports <c>loss</c>,
/// <c>accuracy</c> and <c>error_rate</c>; the train split is evaluated on its first
/// <see cref="WorkloadSpec.NumValidationExamples"/> images (as AlgoPerf evaluates a train subset).
/// </summary>
public sealed class ImageClassificationWorkload : WorkloadBase<ImageBatch>
{
    private readonly ImageBatcher _train;
    private readonly Dictionary<DataSplit, ImageBatcher> _eval;

    /// <summary>Creates the workload over loaded data (all set-up happens here, untimed).</summary>
    /// <param name="spec">The workload's constants.</param>
    /// <param name="train">Training images.</param>
    /// <param name="validation">Validation images.</param>
    /// <param name="test">Test images.</param>
    /// <param name="buildModel">(seed, dropout) → a module whose parameters are all tagged (see <see cref="ParameterTags"/>).</param>
    public ImageClassificationWorkload(WorkloadSpec spec, ImageSet train, ImageSet validation, ImageSet test, Func<ulong, double, Module> buildModel)
        : base(spec, buildModel)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(test);
        _train = new ImageBatcher(train, FashionMnist.Mean, FashionMnist.Std, augment: true);
        int trainEval = (int)Math.Min(train.Count, Math.Max(1, spec.NumValidationExamples));
        _eval = new Dictionary<DataSplit, ImageBatcher>
        {
            [DataSplit.Train] = new(train.Subset(Enumerable.Range(0, trainEval).ToArray()), FashionMnist.Mean, FashionMnist.Std, augment: false),
            [DataSplit.Validation] = new(validation, FashionMnist.Mean, FashionMnist.Std, augment: false),
            [DataSplit.Test] = new(test, FashionMnist.Mean, FashionMnist.Std, augment: false),
        };
    }

    /// <inheritdoc/>
    public override Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0) =>
        LossOf(Outputs(model, batch), batch.Targets, labelSmoothing);

    /// <inheritdoc/>
    public override Tensor Outputs(WorkloadModel model, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        return model.Module.Forward(batch.Inputs); // (N, classes)
    }

    /// <inheritdoc/>
    public override Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        return Functional.CrossEntropy(outputs, targets, labelSmoothing: labelSmoothing);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(model);
        var batcher = _eval[split];
        model.Module.Eval();
        using var noGrad = Autograd.NoGrad();
        double lossSum = 0, correct = 0;
        int count = 0;
        for (int b = 0; b < batcher.EvalBatchCount(Spec.EvalBatchSize); b++)
        {
            using var scope = new DisposeScope();
            var batch = ToDevice(ImageTensors(batcher.EvalBatch(b, Spec.EvalBatchSize)));
            var logits = model.Module.Forward(batch.Inputs);                                                  // (N, classes)
            lossSum += Functional.CrossEntropy(logits, batch.Targets, reduction: Reduction.Sum).ToDouble();
            correct += logits.ArgMax(1).Eq(batch.Targets).Sum().ToDouble();
            count += batch.Count;
        }

        double accuracy = correct / count;
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = lossSum / count,
            [MetricNames.Accuracy] = accuracy,
            [MetricNames.ErrorRate] = 1 - accuracy,
        };
    }

    /// <inheritdoc/>
    protected override ImageBatch TrainBatch(ulong seed, long index, int batchSize) => _train.TrainBatch(seed, index, batchSize);

    /// <inheritdoc/>
    protected override Batch ToTensors(ImageBatch batch) => ImageTensors(batch);

    private static Batch ImageTensors(ImageBatch b) =>
        new(Tensor.From<float>(b.Pixels, [b.Count, 1, b.Height, b.Width]), Tensor.From<long>(b.Labels, [b.Count]), b.Count);
}
