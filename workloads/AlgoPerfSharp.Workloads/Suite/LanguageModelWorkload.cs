using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Next-token prediction (the language-model workloads). Training batches: windows of Context + 1 tokens at seeded
/// random offsets (<see cref="LmBatcher"/>), prepared on a background thread. Loss: mean cross-entropy over every
/// position of the batch (nats per token), label smoothing when asked. Evaluation: a FIXED set of
/// <see cref="WorkloadSpec.NumValidationExamples"/> windows per split spread evenly over it (the same windows every
/// time), in batches of <see cref="WorkloadSpec.EvalBatchSize"/> windows (eval mode, no-grad, one DisposeScope per
/// batch); it reports <c>loss</c> (nats per token), <c>bits_per_byte</c> (or <c>bits_per_token</c> for non-byte
/// vocabularies) and <c>perplexity</c>.
/// </summary>
public sealed class LanguageModelWorkload : WorkloadBase<LmBatch>
{
    private readonly LmBatcher _train;
    private readonly Dictionary<DataSplit, (LmBatcher Batcher, long[] Starts)> _eval;
    private readonly IDisposable? _owned;

    /// <summary>Creates the workload over token sources (all set-up happens here, untimed).</summary>
    /// <param name="spec">The workload's constants; NumValidationExamples is the number of eval windows per split.</param>
    /// <param name="train">Training tokens.</param>
    /// <param name="validation">Validation tokens.</param>
    /// <param name="test">Test tokens.</param>
    /// <param name="context">Input tokens per window.</param>
    /// <param name="buildModel">(seed, dropout) → a module mapping (B, T) tokens to (B, T, V) logits, all parameters tagged.</param>
    /// <param name="owned">Released by <see cref="Dispose"/> (e.g. memory-mapped token files), or null.</param>
    public LanguageModelWorkload(WorkloadSpec spec, ITokenSource train, ITokenSource validation, ITokenSource test, int context, Func<ulong, double, Module> buildModel, IDisposable? owned = null)
        : base(spec, buildModel)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(test);
        _owned = owned;
        VocabSize = train.VocabSize;
        _train = new LmBatcher(train, context);
        int windows = (int)Math.Max(1, spec.NumValidationExamples);
        _eval = [];
        foreach (var (split, source) in new[] { (DataSplit.Train, train), (DataSplit.Validation, validation), (DataSplit.Test, test) })
        {
            var batcher = split == DataSplit.Train ? _train : new LmBatcher(source, context);
            _eval[split] = (batcher, batcher.EvalWindowStarts(windows));
        }
    }

    /// <summary>Vocabulary size of the tokens.</summary>
    public int VocabSize { get; }

    /// <summary>The fixed evaluation windows of <paramref name="split"/> (start offsets; a copy).</summary>
    public long[] EvalWindowStarts(DataSplit split) => (long[])_eval[split].Starts.Clone();

    /// <inheritdoc/>
    public override Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0) =>
        LossOf(Outputs(model, batch), batch.Targets, labelSmoothing);

    /// <inheritdoc/>
    public override Tensor Outputs(WorkloadModel model, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        return model.Module.Forward(batch.Inputs);                                             // (B, T, V)
    }

    /// <inheritdoc/>
    public override Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        return Functional.CrossEntropy(outputs.Reshape(-1, outputs.Size(-1)), targets.Reshape(-1), labelSmoothing: labelSmoothing);
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (batcher, starts) = _eval[split];
        model.Module.Eval();
        using var noGrad = Autograd.NoGrad();
        double lossSum = 0;
        long tokens = 0;
        for (int s = 0; s < starts.Length; s += Spec.EvalBatchSize)
        {
            using var scope = new DisposeScope();
            var batch = ToDevice(TokenTensors(batcher.Build(starts.AsSpan(s, Math.Min(Spec.EvalBatchSize, starts.Length - s)))));
            var logits = model.Module.Forward(batch.Inputs);                                   // (B, T, V)
            lossSum += Functional.CrossEntropy(logits.View(-1, logits.Size(-1)), batch.Targets.View(-1), reduction: Reduction.Sum).ToDouble();
            tokens += batch.Targets.NumElements;
        }

        double loss = lossSum / tokens;
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = loss,
            [VocabSize == 256 ? MetricNames.BitsPerByte : MetricNames.BitsPerToken] = loss / Math.Log(2),
            [MetricNames.Perplexity] = Math.Exp(loss),
        };
    }

    /// <inheritdoc/>
    protected override LmBatch TrainBatch(ulong seed, long index, int batchSize) => _train.TrainBatch(seed, index, batchSize);

    /// <inheritdoc/>
    protected override Batch ToTensors(LmBatch batch) => TokenTensors(batch);

    /// <summary>Releases owned token files.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _owned?.Dispose();
        base.Dispose(disposing);
    }

    private static Batch TokenTensors(LmBatch b) =>
        new(Tensor.From<long>(b.Inputs, [b.Batch, b.Context]), Tensor.From<long>(b.Targets, [b.Batch, b.Context]), b.Batch);
}
