using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Eigenvalue-corrected Shampoo with the whole 2-D blocks of all parameters preconditioned in one native call
/// (<see cref="ScaleByShampoo.BatchBlocks"/>) against block by block: the same ATen calls per block, so the same weights
/// bit for bit over 20 steps with six refreshes, whether the blocks are dealt to the threads or run in turn.
/// </summary>
public sealed class EcShampooBatchedBlocksTests
{
    private const int Steps = 20;

    // Four whole matrices of equal cost (dealt two per thread), a conv kernel merged to 6 × 36, a vector (one factor:
    // block by block) and a 70 × 10 weight cut into 64- and 6-row blocks (not whole: block by block).
    private static readonly long[][] Mixed = [[40, 24], [24, 40], [40, 24], [24, 40], [6, 4, 3, 3], [16], [70, 10]];

    // One matrix: nothing to deal, the block runs with multi-threaded GEMMs.
    private static readonly long[][] Single = [[40, 24]];

    private static (double[][] Weights, int Batchable) Run(bool batch, long[][] shapes, DType dtype)
    {
        // Preconditioning from step 3, refreshed at 3, 6, 9, 12, 15 and 18; β1 = β3, so M is the filtered gradient.
        var config = ShampooConfig.EigenvalueCorrected(beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.01, maxPreconditionerDim: 64, preconditionFrequency: 3, startPreconditioningStep: 3);
        var recipe = new Chain(new ScaleByShampoo(config) { BatchBlocks = batch }, new AddDecayedWeights(0.01), new ScaleByLearningRate(new ConstantSchedule(0.01)));
        using var gen = new Generator(21);
        var ps = shapes.Select((s, k) => new ModelParameter(
            "p" + k, DisposeScope.Detach(Tensor.RandN(s, gen, dtype)).RequiresGradInPlace(), s.Length == 1 ? ParameterType.Bias : ParameterType.Weight)).ToArray();
        int batchable;
        using (var opt = new TransformOptimizer(ps, recipe))
        {
            for (int step = 0; step < Steps; step++)
            {
                using var scope = new DisposeScope();
                foreach (var p in ps) p.Tensor.Grad = Tensor.RandN(p.Tensor.Shape, gen, dtype);
                Assert.True(opt.Step());
            }

            var state = (ShampooState)((Chain.ChainState)opt.State).States[0];
            batchable = state.Parameters.Sum(p => p.Layout.Blocks.Count(EigenvalueCorrectedPreconditioner.IsBatchable));
        }

        var weights = ps.Select(p => p.Tensor.To(DType.Float64).ToArray<double>()).ToArray();
        foreach (var p in ps) p.Tensor.Dispose();
        return (weights, batchable);
    }

    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, false)]
    [InlineData(DType.Float32, true)]
    public void BatchedBlocksGiveTheBlockByBlockWeightsBitForBit(DType dtype, bool single)
    {
        var shapes = single ? Single : Mixed;
        var (batched, count) = Run(true, shapes, dtype);
        var (plain, _) = Run(false, shapes, dtype);
        Assert.Equal(single ? 1 : 5, count); // the whole 2-D blocks took the batched path
        for (int k = 0; k < batched.Length; k++)
        {
            for (int i = 0; i < batched[k].Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(batched[k][i]) == BitConverter.DoubleToInt64Bits(plain[k][i]), $"[{k}][{i}] batched {batched[k][i]:R} vs block by block {plain[k][i]:R}");
            }
        }
    }

    [Fact]
    public void MismatchedBlockShapesAreRefusedWithTheBlockNamed()
    {
        using var scope = new DisposeScope();
        var m = Tensor.Zeros([4, 3]);
        var e = Assert.Throws<TorchException>(() => FusedSteps.EigenvalueCorrectedDirections([m], [m], [m], [Tensor.Eye(3)], [Tensor.Eye(3)], [0.99], [0.01], [1e-8]));
        Assert.Contains("ec_directions_: block 0 of shape [4, 3] has bases of shapes [3, 3] and [3, 3]", e.Message);
    }
}
