using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// The conformance table for the built-ins that ask the step's oracle for more than one gradient (Sophia-G, Sophia-H,
/// progressive-batching L-BFGS, cross-fitted AdamW): converges on the ill-conditioned quadratic, bit-exact checkpoint
/// round trip, same inputs ⇒ same parameters, no native leak over 100 steps, dtype kept. The quadratic's oracle
/// answers every call: sub-batches all see the full gradient, the "sampled-label" gradient is a tenth of it, the
/// Hessian–vector product is the quadratic's own (diagonal) one, and its
/// workload is declared a cross-entropy one so that Sophia-G accepts it.
/// </summary>
public sealed class OracleConformanceTests : ConformanceTable<OracleConformanceTests>, IConformanceTable
{
    public static TheoryData<string> Names => new() { "sophia_g", "sophia_h", "pb_lbfgs", "cf_adamw", "cf_shampoo" };

    private static readonly WorkloadInfo Workload = new("test_quadratic", LossType.SoftmaxCrossEntropy, 200, 3600, 1_000_000, 32) { SupportsHessianVectorProducts = true };

    private static ITrainingAlgorithm Create(string name) => name switch
    {
        "sophia_g" => new SophiaG(),
        "sophia_h" => new SophiaH(),
        "pb_lbfgs" => new ProgressiveBatchingLbfgs(),
        "cf_adamw" => new CrossFitAdamW(),
        "cf_shampoo" => new CrossFitShampoo(),
        _ => throw new ArgumentException(name),
    };

    private static Hyperparameters Tuned(string name) => name switch
    {
        "sophia_g" => new(new Dictionary<string, object> { ["learning_rate"] = 0.05, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05, ["rho"] = 0.05 }),
        "sophia_h" => new(new Dictionary<string, object> { ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05, ["rho"] = 0.05 }),
        "pb_lbfgs" => Hyperparameters.Empty,
        _ => new(new Dictionary<string, object> { ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05 }),
    };

    private sealed class QuadraticOracle(Fixtures.Quadratic q) : IStepOracle
    {
        public int Examples { get; private set; } = 32;

        public double LossAndGradients() => q.LossAndGrads();

        public double Loss() => q.Loss();

        public IReadOnlyList<SubBatchGradients> SubBatchGradients(int groups)
        {
            double loss = q.LossAndGrads();
            return [.. Enumerable.Range(0, groups).Select(_ => new SubBatchGradients(loss, Examples / groups, [.. q.Parameters.Select(p => p.Tensor.Grad!.Clone())]))];
        }

        public double LossAndGradientsForTargets(Func<Tensor, Tensor> targets)
        {
            using var logits = Tensor.From<double>([0.1, 2, -1, 0, 0, 0, 3, 1, -2, -1, 0.5, 0.2], [4, 3]);
            targets(logits);
            double loss = q.LossAndGrads();
            foreach (var p in q.Parameters) p.Tensor.Grad!.MulInPlace(0.1);
            return loss;
        }

        public int DrawMoreData(int batches) => Examples += 32 * batches;

        // the quadratic's Hessian is diagonal: ½Σa₁(w − 1)² + ½Σa₂(b − 1)² ⇒ Hv = (a₁ ⊙ v_w, a₂ ⊙ v_b)
        public IReadOnlyList<Tensor> HessianVectorProduct(IReadOnlyList<Tensor> vector) =>
            [vector[0] * Tensor.From<double>([1, 3, 10, 30, 60, 100], [2, 3]), vector[1] * Tensor.From<double>([2, 20, 50])];
    }

    // state, gradients and (L-BFGS) a full memory exist from here on
    protected override int StepsUntilSteadyState => 12;

    private protected override ITrainingRun Init(string name, Fixtures.Quadratic q) =>
        Create(name).Init(new AlgorithmInitContext(q.Parameters, Tuned(name), Workload, 0));

    private protected override void Steps(ITrainingRun run, Fixtures.Quadratic q, int from, int count)
    {
        for (int s = from; s < from + count; s++)
        {
            using var scope = new DisposeScope();
            run.Update(new StepContext(s, q.Parameters, Workload, 0, [], new QuadraticOracle(q)));
        }
    }
}
