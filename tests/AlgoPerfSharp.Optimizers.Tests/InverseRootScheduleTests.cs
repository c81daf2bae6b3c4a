using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// <see cref="InverseRootSchedule.Plan"/> against plans dealt by hand (longest processing time first, cost d³ + 1, ties to
/// the lower bin), and the planned inverse roots (<see cref="FusedSteps.InverseRootsPlanned"/>,
/// <see cref="MatrixFunction.InverseRoots"/>) against <see cref="MatrixFunction.InverseRoot"/> on sizes that do not balance.
/// </summary>
public sealed class InverseRootScheduleTests
{
    private const int A = InverseRootSchedule.Alone;

    [Fact]
    public void ResNetStatisticsDealEvenly()
    {
        // ASGO's statistics of the benchmark ResNet in parameter order (stem 9; stage 1: 4 × 32; stage 2: 64, 64, shortcut
        // 32, 64, 64; stage 3: 128, 128, shortcut 64, 128, 128). By hand: the four 128s alternate 0, 1, 0, 1; the five 64s
        // 0, 1, 0, 1, 0; then thread 1 trails by one 64 (262,145) and takes every 32 (5 × 32,769) and the 9 (730):
        // loads 4,980,741 and 4,883,171, the fuller 1.0099× the share of 4,931,956.
        long[] sides = [9, 32, 32, 32, 32, 64, 64, 32, 64, 64, 128, 128, 64, 128, 128];
        int[] expected = [1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1];
        Assert.Equal(expected, InverseRootSchedule.Plan(sides, 2));
        double[] load = [0, 0];
        for (int i = 0; i < sides.Length; i++) load[expected[i]] += InverseRootSchedule.Cost(sides[i]);
        Assert.Equal([4_980_741.0, 4_883_171.0], load);
    }

    [Fact]
    public void SmallSidesAreDealtEvenWhenTheyDoNotBalance()
    {
        // 300³ + 1 = 27,000,001 against 2,097,153 + 262,145 + 32,769 + 730 = 2,392,797 for the rest: thread 0 holds
        // 1.84× the share, yet 300 < 512, so nothing runs alone: 300 on thread 0, the rest on thread 1.
        Assert.Equal([1, 0, 1, 1, 1], InverseRootSchedule.Plan([64, 300, 9, 128, 32], 2));
        // With sides ≥ 256 allowed alone, 300 runs alone; the rest (128 against 64 + 32 + 9) still do not balance, but
        // 128 < 256, so they are dealt: 128 to thread 0, the others to thread 1.
        Assert.Equal([1, A, 1, 0, 1], InverseRootSchedule.Plan([64, 300, 9, 128, 32], 2, aloneSide: 256));
        // Three threads, four equal costs: 2 : 1 : 1, the fullest 1.5× the share, dealt anyway (256 < 512).
        Assert.Equal([0, 1, 2, 0], InverseRootSchedule.Plan([256, 256, 256, 256], 3));
    }

    [Fact]
    public void ALargeMatrixTooLargeToShareRunsAlone()
    {
        Assert.Equal([A], InverseRootSchedule.Plan([1024], 2));             // w1024: alone, as before
        Assert.Equal([0], InverseRootSchedule.Plan([128], 2));              // one small matrix: single-threaded
        Assert.Equal([0, A, 1], InverseRootSchedule.Plan([128, 1024, 128], 2));
        Assert.Equal([0, 1], InverseRootSchedule.Plan([1024, 1024], 2));    // two equal ones balance
        // Three 1024s: 2 : 1 is 1.33× the share; the first runs alone and the other two balance.
        Assert.Equal([A, 0, 1], InverseRootSchedule.Plan([1024, 1024, 1024], 2));
        // 600 (216,000,001) against 100 (1,000,001): 600 alone, 100 dealt to thread 0.
        Assert.Equal([A, 0], InverseRootSchedule.Plan([600, 100], 2));
    }

    [Fact]
    public void EqualSidesAlternate()
    {
        // llama_tiny's 28 statistics of 256 × 256: 14 per thread.
        var plan = InverseRootSchedule.Plan(Enumerable.Repeat(256L, 28).ToArray(), 2);
        Assert.Equal(Enumerable.Range(0, 28).Select(i => i % 2), plan);
    }

    [Fact]
    public void OneThreadRunsEverythingAlone()
    {
        Assert.Equal([A, A, A], InverseRootSchedule.Plan([9, 128, 1024], 1));
        Assert.Empty(InverseRootSchedule.Plan([], 2));
    }

    [Fact]
    public void BadPlanArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => InverseRootSchedule.Plan(null!, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => InverseRootSchedule.Plan([9], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => InverseRootSchedule.Plan([9], 2, aloneSide: 0));
        var e = Assert.Throws<ArgumentException>(() => InverseRootSchedule.Plan([9, -1], 2));
        Assert.Contains("sides[1] = -1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => InverseRootSchedule.Plan([9], 2, slack: 0.5));
        Assert.Throws<ArgumentException>(() => InverseRootSchedule.Plan([9], 2, slack: double.NaN));
    }

    [Fact]
    public void PlannedInverseRootsOfUnequalSizesAreEachInverseRoot()
    {
        // Sides 9 … 300 that do not balance, and a 520 that runs alone: each X equals InverseRoot's (float64, up to the
        // rounding of LAPACK on one thread instead of two), and X·X·(A + εI) = I.
        using var scope = new DisposeScope();
        using var gen = new Generator(13);
        var config = new InverseRootConfig(1e-10);
        long[] sides = [300, 9, 520, 64, 32, 128];
        var matrices = sides.Select(d => { var g = Tensor.RandN([d, 2 * d], gen, DType.Float64); return g.Mm(g.T()); }).ToArray();
        int threads = TorchRuntime.NumThreads;
        int[] plan = InverseRootSchedule.Plan(sides, threads);
        var planned = FusedSteps.InverseRootsPlanned(matrices, 2, sides.Select(_ => 1e-10).ToArray(), plan, Math.Max(threads, 1));
        var roots = MatrixFunction.InverseRoots(matrices, 2, config);
        if (threads == 2) Assert.Equal([0, 1, A, 1, 1, 1], plan);
        for (int i = 0; i < sides.Length; i++)
        {
            Assert.Equal(plan[i] != A, planned[i] is not null); // computed exactly where planned
            var expected = MatrixFunction.InverseRoot(matrices[i], 2, config).ToArray<double>();
            double floor = expected.Max(Math.Abs);
            AssertClose(expected, roots[i].ToArray<double>(), 1e-10, floor, $"X{i} (side {sides[i]})");
            if (planned[i] is { } x) AssertClose(expected, x.ToArray<double>(), 1e-10, floor, $"planned X{i} (side {sides[i]})");
            using var eye = Tensor.Eye(sides[i], dtype: DType.Float64);
            var identity = roots[i].Mm(roots[i]).Mm(matrices[i] + eye * 1e-10).ToArray<double>();
            AssertClose(eye.ToArray<double>(), identity, 1e-9, 1, $"X{i}²(A + εI)");
        }
    }

    [Fact]
    public void APlannedNonFiniteMatrixIsLeftToInverseRoot()
    {
        // The planned call skips a NaN matrix (null) and computes the others; InverseRoots then takes InverseRoot for it,
        // which rejects it with its message.
        using var scope = new DisposeScope();
        using var gen = new Generator(14);
        var matrices = new long[] { 48, 16, 32 }.Select(d => { var g = Tensor.RandN([d, 2 * d], gen); return g.Mm(g.T()); }).ToArray();
        matrices[1].MulInPlace(double.NaN);
        var planned = FusedSteps.InverseRootsPlanned(matrices, 2, [1e-10, 1e-10, 1e-10], [0, 1, 1], 2);
        Assert.NotNull(planned[0]);
        Assert.Null(planned[1]);
        Assert.NotNull(planned[2]);
        var e = Assert.Throws<ArgumentException>(() => MatrixFunction.InverseRoots(matrices, 2, new InverseRootConfig(1e-10)));
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadPlannedCallsAreRejected()
    {
        using var scope = new DisposeScope();
        var a = Tensor.Eye(4, dtype: DType.Float64);
        var rectangular = Tensor.Zeros([3, 4], DType.Float64);
        Assert.Throws<ArgumentException>(() => FusedSteps.InverseRootsPlanned([a, a], 2, [1e-10, 1e-10], [0], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedSteps.InverseRootsPlanned([a], 2, [1e-10], [2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedSteps.InverseRootsPlanned([a], 2, [1e-10], [-2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FusedSteps.InverseRootsPlanned([a], 2, [1e-10], [0], 0));
        var e = Assert.Throws<TorchException>(() => FusedSteps.InverseRootsPlanned([a, rectangular], 2, [1e-10, 1e-10], [0, 1], 2));
        Assert.Contains("not square", e.Message, StringComparison.Ordinal);
        // A matrix left to the caller is not looked at: its shape does not matter, and it comes back null.
        var skipped = FusedSteps.InverseRootsPlanned([a, rectangular], 2, [1e-10, 1e-10], [0, A], 2);
        Assert.NotNull(skipped[0]);
        Assert.Null(skipped[1]);
    }

    // |e − a| ≤ relative·max(|e|, floor).
    private static void AssertClose(double[] expected, double[] actual, double relative, double floor, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * Math.Max(Math.Abs(expected[i]), floor), $"{what}[{i}]: {actual[i]:R} vs {expected[i]:R}");
        }
    }
}
