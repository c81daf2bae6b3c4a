using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Data.ClickLog;
using AlgoPerfSharp.Workloads.Models.Dlrm;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Click-through prediction on a click-log cache (<see cref="ClickLogFile"/>: a <b>synthetic</b> log, or one converted from Criteo TSV files).
/// Training batches: each epoch visits the training split's ⌊N/B⌋ contiguous blocks of B records in a seeded order
/// (batch i is a pure function of (seed, i)). Loss: mean sigmoid binary cross-entropy of the model's logits.
/// Evaluation (eval mode, no-grad, one DisposeScope per batch) reports <c>loss</c> (AlgoPerf's target metric),
/// <c>auc</c> (ROC AUC, ties counted half) and <c>bayes_loss</c> (the teacher's floor for the split; NaN when unknown);
/// the train split is evaluated on its first <see cref="WorkloadSpec.NumValidationExamples"/> records.
/// </summary>
public sealed class ClickLogWorkload : WorkloadBase<ClickBatch>
{
    /// <summary>Metric name of the ROC AUC.</summary>
    public const string Auc = "auc";

    /// <summary>Metric name of the split's Bayes-optimal loss (synthetic data only).</summary>
    public const string BayesLoss = "bayes_loss";

    private readonly ClickLogFile _file;

    /// <summary>Creates the workload over an open cache (taking ownership of it).</summary>
    public ClickLogWorkload(WorkloadSpec spec, ClickLogFile file, Func<ulong, double, Module> buildModel)
        : base(spec, buildModel)
    {
        _file = file ?? throw new ArgumentNullException(nameof(file));
    }

    /// <summary>The cache the workload reads.</summary>
    public ClickLogFile File => _file;

    /// <inheritdoc/>
    public override Tensor Loss(WorkloadModel model, Batch batch, double labelSmoothing = 0) =>
        LossOf(Outputs(model, batch), batch.Targets, labelSmoothing);

    /// <inheritdoc/>
    public override Tensor Outputs(WorkloadModel model, Batch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        return model.Module.Forward(batch.Inputs); // (N) logits
    }

    /// <inheritdoc/>
    /// <remarks>Label smoothing s maps targets y to y(1 − s) + s/2.</remarks>
    public override Tensor LossOf(Tensor outputs, Tensor targets, double labelSmoothing = 0)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        var y = labelSmoothing == 0 ? targets : (targets * (1 - labelSmoothing)) + (labelSmoothing / 2);
        return SigmoidCrossEntropy(outputs, y).Mean();
    }

    /// <summary>Elementwise −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − y·z + log(1 + e^{−|z|}), stable for any z.</summary>
    public static Tensor SigmoidCrossEntropy(Tensor logits, Tensor targets) =>
        logits.Relu() - (logits * targets) + logits.Abs().Neg().Exp().Log1p();

    /// <inheritdoc/>
    /// <remarks>
    /// False: the tables' embedding bags have a sparse backward, which libtorch cannot differentiate again (a double
    /// backward fails in <c>aten::sum</c> on the SparseCPU backend), so the oracle refuses Hessian–vector products here.
    /// </remarks>
    public override bool TwiceDifferentiable => false;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Evaluate(WorkloadModel model, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(model);
        long total = split == DataSplit.Train ? Math.Min(_file.SplitCount(split), Spec.NumValidationExamples) : _file.SplitCount(split);
        model.Module.Eval();
        using var noGrad = Autograd.NoGrad();
        double lossSum = 0;
        var scores = new float[total];
        var labels = new float[total];
        for (long start = 0; start < total; start += Spec.EvalBatchSize)
        {
            using var scope = new DisposeScope();
            int n = (int)Math.Min(Spec.EvalBatchSize, total - start);
            var host = _file.Read(split, start, n);
            using var batch = ToDevice(ToTensors(host));
            var logits = model.Module.Forward(batch.Inputs);
            lossSum += SigmoidCrossEntropy(logits, batch.Targets).Sum().ToDouble();
            logits.ToArray<float>().CopyTo(scores, start);
            host.Labels.CopyTo(labels, start);
        }

        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Loss] = lossSum / total,
            [Auc] = RocAuc(scores, labels),
            [BayesLoss] = _file.BayesLoss(split),
        };
    }

    /// <summary>ROC AUC of <paramref name="scores"/> against 0/1 <paramref name="labels"/> (Mann–Whitney, ties half); NaN with one class only.</summary>
    public static double RocAuc(float[] scores, float[] labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double positives = labels.Count(l => l > 0.5), rankSum = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            double rank = ((i + j) / 2.0) + 1; // average 1-based rank of the tie group
            for (int k = i; k <= j; k++)
            {
                if (labels[order[k]] > 0.5) rankSum += rank;
            }

            i = j + 1;
        }

        double negatives = scores.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    /// <inheritdoc/>
    protected override ClickBatch TrainBatch(ulong seed, long index, int batchSize)
    {
        long blocks = _file.SplitCount(DataSplit.Train) / batchSize;
        if (blocks < 1) throw new ArgumentException($"batch size {batchSize} exceeds the {_file.SplitCount(DataSplit.Train)} training records", nameof(batchSize));
        long epoch = index / blocks;
        var order = SplitMix64.For(seed, 0xB10C, (ulong)epoch).Permutation((int)blocks);
        return _file.Read(DataSplit.Train, order[index % blocks] * (long)batchSize, batchSize);
    }

    /// <inheritdoc/>
    protected override Batch ToTensors(ClickBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var packed = DlrmSmall.Pack(batch.Dense, batch.Categorical, batch.Count);
        return new Batch(Tensor.From<float>(packed, [batch.Count, packed.Length / batch.Count]), Tensor.From<float>(batch.Labels), batch.Count);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
