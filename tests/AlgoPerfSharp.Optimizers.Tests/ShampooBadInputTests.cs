using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>Invalid Shampoo-family configurations and hyperparameters fail at construction, naming the field and the value.</summary>
public sealed class ShampooBadInputTests
{
    [Theory]
    [InlineData("shampoo", "learning_rate", -1.0, "shampoo: learning_rate = -1 must be a number in [0, inf]")]
    [InlineData("shampoo", "learning_rate", 0.0, "learning_rate must be a finite number > 0 (got 0)")]
    [InlineData("ec_shampoo", "beta2", 1.0, "beta2 must be in [0, 1) (got 1)")]
    [InlineData("soap", "one_minus_beta1", 1.5, "soap: one_minus_beta1 = 1.5 must be a number in [0, 1]")]
    [InlineData("purified_shampoo", "eigen_tolerance", 1.5, "purified_shampoo: eigen_tolerance = 1.5 must be a number in [0, 1]")]
    [InlineData("purified_shampoo", "eigen_tolerance", -0.1, "purified_shampoo: eigen_tolerance = -0.1 must be a number in [0, 1]")]
    [InlineData("shampoo", "max_preconditioner_dim", 0.0, "shampoo: max_preconditioner_dim = 0 must be a whole number in [1, inf]")]
    [InlineData("ec_shampoo", "precondition_frequency", 2.5, "ec_shampoo: precondition_frequency = 2.5 must be a whole number in [1, inf]")]
    [InlineData("purified_shampoo", "max_qr_iterations", 0.0, "purified_shampoo: max_qr_iterations = 0 must be a whole number in [1, inf]")]
    [InlineData("shampoo", "start_preconditioning_step", 3.0, "start_preconditioning_step must be −1 or ≥ precondition_frequency (100) (got 3)")]
    [InlineData("shampoo", "weight_decay", -0.5, "shampoo: weight_decay = -0.5 must be a number in [0, inf]")]
    public void InvalidHyperparametersFailAtInitNamingTheField(string algorithm, string key, double value, string message)
    {
        ITrainingAlgorithm a = algorithm switch
        {
            "shampoo" => new Shampoo(),
            "ec_shampoo" => new EcShampoo(),
            "soap" => new Soap(),
            _ => new PurifiedShampoo(),
        };
        using var q = new Fixtures.Quadratic();
        long live = TorchRuntime.LiveTensors;
        var h = new Hyperparameters(new Dictionary<string, object> { [key] = value });
        var e = Assert.ThrowsAny<ArgumentException>(() => a.Init(new AlgorithmInitContext(q.Parameters, h, Fixtures.Workload(), 0)));
        Assert.Contains(message, e.Message);
        Assert.Equal(live, TorchRuntime.LiveTensors); // nothing allocated before validation failed
    }

    [Fact]
    public void UnknownChoicesAreNamed()
    {
        using var q = new Fixtures.Quadratic();
        var g = new Hyperparameters(new Dictionary<string, object> { ["grafting"] = "lamb" });
        Assert.Contains("shampoo: grafting = \"lamb\" must be one of adam|rmsprop|adagrad|sgd|none",
            Assert.ThrowsAny<ArgumentException>(() => new Shampoo().Init(new AlgorithmInitContext(q.Parameters, g, Fixtures.Workload(), 0))).Message);
        var m = new Hyperparameters(new Dictionary<string, object> { ["eigen_method"] = "jacobi" });
        Assert.Contains("ec_shampoo: eigen_method = \"jacobi\" must be one of eigh|qr",
            Assert.ThrowsAny<ArgumentException>(() => new EcShampoo().Init(new AlgorithmInitContext(q.Parameters, m, Fixtures.Workload(), 0))).Message);
    }

    [Fact]
    public void ConfigRecordsValidateEveryField()
    {
        Assert.Contains("beta1 must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new ShampooConfig(beta1: 1)).Message);
        Assert.Contains("beta2 must be in (0, 1] (got 0)", Assert.Throws<ArgumentException>(() => new ShampooConfig(beta2: 0)).Message);
        Assert.Contains("epsilon must be finite and ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new ShampooConfig(epsilon: -1)).Message);
        Assert.Contains("max_preconditioner_dim must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new ShampooConfig(maxPreconditionerDim: 0)).Message);
        Assert.Contains("precondition_frequency must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new ShampooConfig(preconditionFrequency: 0)).Message);
        Assert.Contains("momentum must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new ShampooConfig(momentum: 1)).Message);
        Assert.Contains("tolerated_failures must be ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new ShampooConfig(toleratedFailures: -1)).Message);
        Assert.Contains("beta3 must be −1 or in [0, 1) (got 2)", Assert.Throws<ArgumentException>(() => new ShampooConfig(beta3: 2)).Message);
        Assert.Contains("grafting beta2 must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new GraftingConfig(GraftingType.Adam, 1)).Message);
        Assert.Contains("grafting epsilon must be finite and ≥ 0", Assert.Throws<ArgumentException>(() => new GraftingConfig(GraftingType.AdaGrad, epsilon: -1)).Message);
        Assert.Contains("SOAP needs beta2 < 1 (got 1)", Assert.Throws<ArgumentException>(() => new SoapConfig(beta2: 1)).Message);
        Assert.Contains("beta2 must be in (0, 1) (got 0)", Assert.Throws<ArgumentException>(() => new SoapConfig(beta2: 0)).Message);
        Assert.Contains("beta1 must be in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new SoapConfig(beta1: 1)).Message);
        Assert.Contains("epsilon must be finite and ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new SoapConfig(epsilon: -1)).Message);
        Assert.Contains("weight_decay must be finite and ≥ 0 (got -1)", Assert.Throws<ArgumentException>(() => new SoapConfig(weightDecay: -1)).Message);
        Assert.Contains("precondition_frequency must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new SoapConfig(preconditionFrequency: 0)).Message);
        Assert.Contains("max_preconditioner_dim must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => new SoapConfig(maxPreconditionerDim: 0)).Message);
        Assert.Contains("shampoo_beta must be −1 or in [0, 1) (got 1)", Assert.Throws<ArgumentException>(() => new SoapConfig(shampooBeta: 1)).Message);
        Assert.Contains("merge order 7 is not defined", Assert.Throws<ArgumentException>(() => new ShampooConfig(mergeOrder: (DimensionMergeOrder)7)).Message);
        Assert.Contains("weight_decay must be finite and ≥ 0 (got -1)",
            Assert.Throws<ArgumentException>(() => new AlgoPerfSharp.Optimizers.Transforms.DecayAfterStep(-1, new AlgoPerfSharp.Optimizers.Schedules.ConstantSchedule(1))).Message);
        Assert.Contains("tolerance must be in [0, 1] (got 2)", Assert.Throws<ArgumentException>(() => ShampooConfig.Purified(tolerance: 2)).Message);
        Assert.Contains("block size must be ≥ 1 (got 0)", Assert.Throws<ArgumentException>(() => ShampooBlocking.Split(10, 0)).Message);
    }

    [Fact]
    public void MergingAndBlockingFollowTheReference()
    {
        Assert.Equal([10L], ShampooBlocking.MergeDims([1, 2, 5, 1], 10));
        Assert.Equal([96L, 4096], ShampooBlocking.MergeDims([32, 3, 64, 64], 8192));
        Assert.Equal([512L], ShampooBlocking.MergeDims([32, 16], 1024));
        Assert.Equal([1L], ShampooBlocking.MergeDims([], 1024));
        Assert.Equal([0L], ShampooBlocking.MergeDims([3, 0], 1024));
        Assert.Equal([(0L, 4L), (4L, 4L), (8L, 2L)], ShampooBlocking.Split(10, 4));
    }

    [Fact]
    public void TheMergeOrderIsConfigurableAndDefaultsToMergingFromTheLastDim()
    {
        // (2, 3, 4, 5) with a maximum of 12. From the last: 5 alone (4·5 = 20 > 12), 3·4 = 12, then 2 (2·12 > 12) →
        // (2, 12, 5). From the first (facebookresearch's 2024 code): 2·3 = 6, then 4 (6·4 > 12), then 5 (4·5 > 12) → (6, 4, 5).
        Assert.Equal([2L, 12, 5], ShampooBlocking.MergeDims([2, 3, 4, 5], 12));
        Assert.Equal([2L, 12, 5], ShampooBlocking.MergeDims([2, 3, 4, 5], 12, DimensionMergeOrder.FromLast));
        Assert.Equal([6L, 4, 5], ShampooBlocking.MergeDims([2, 3, 4, 5], 12, DimensionMergeOrder.FromFirst));
        Assert.Equal(DimensionMergeOrder.FromLast, new ShampooConfig().MergeOrder);
        Assert.Equal([[2L, 2], [12L, 12], [5L, 5]], FactorShapes(DimensionMergeOrder.FromLast));
        Assert.Equal([[6L, 6], [4L, 4], [5L, 5]], FactorShapes(DimensionMergeOrder.FromFirst));
    }

    /// <summary>The factor shapes a (2, 3, 4, 5) parameter gets with blocks of 12 under <paramref name="order"/>.</summary>
    private static long[][] FactorShapes(DimensionMergeOrder order)
    {
        var w = Fixtures.Param("w", [2, 3, 4, 5]);
        using var opt = new ShampooDriver([w], new ShampooConfig(maxPreconditionerDim: 12, mergeOrder: order));
        using var state = new AlgorithmState();
        opt.Optimizer.Save(state);
        w.Tensor.Dispose();
        return [.. state.Tensors.Where(kv => kv.Key.EndsWith(".acc", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value.Shape)];
    }

    [Fact]
    public void ACheckpointMissingAKeyOrWithAWrongShapeIsRejected()
    {
        using var q = new Fixtures.Quadratic();
        using var run = new Shampoo().Init(new AlgorithmInitContext(q.Parameters, Hyperparameters.Empty, Fixtures.Workload(), 0));
        using var empty = new AlgorithmState();
        Assert.Contains("has no integer 'optimizer.step'", Assert.Throws<InvalidDataException>(() => run.LoadState(empty)).Message);
        using var state = run.SaveState();
        var key = state.Tensors.Keys.First(k => k.EndsWith(".f0.acc", StringComparison.Ordinal));
        state.Tensors[key].Dispose();
        state.Tensors[key] = DisposeScope.Detach(Tensor.Zeros([1, 1], DType.Float64));
        Assert.Contains($"checkpoint tensor {key} has shape [1, 1]", Assert.Throws<InvalidDataException>(() => run.LoadState(state)).Message);
    }
}
