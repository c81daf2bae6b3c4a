namespace AlgoPerfSharp.Scoring.Tests;

public sealed class SampleStatisticsTests
{
    private const double Inf = double.PositiveInfinity;

    [Fact]
    public void TheMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes()
    {
        Assert.Equal(3, SampleStatistics.Median([5, 1, 3]));
        Assert.Equal(2.5, SampleStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(7, SampleStatistics.Median([7]));
        double[] input = [9, 2, 4];
        Assert.Equal(4, SampleStatistics.Median(input));
        Assert.Equal([9.0, 2, 4], input); // not sorted in place
    }

    [Fact]
    public void InfinityIsAnOrderedValueAsInNumpy()
    {
        Assert.Equal(Inf, SampleStatistics.Median([1, Inf, Inf]));
        Assert.Equal(Inf, SampleStatistics.Median([1, 2, Inf, Inf])); // (2 + ∞) / 2
        Assert.Equal(2, SampleStatistics.Median([1, 2, Inf]));
        Assert.True(double.IsNaN(SampleStatistics.Median([double.NegativeInfinity, Inf]))); // (−∞ + ∞) / 2
    }

    [Fact]
    public void EmptyInputAndAnyNanGiveNan()
    {
        Assert.True(double.IsNaN(SampleStatistics.Median([])));
        Assert.True(double.IsNaN(SampleStatistics.Median([1, double.NaN, 3])));
        Assert.True(double.IsNaN(SampleStatistics.Median([double.NaN])));
    }
}
