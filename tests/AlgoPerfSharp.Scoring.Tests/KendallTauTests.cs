namespace AlgoPerfSharp.Scoring.Tests;

public sealed class KendallTauTests
{
    [Fact]
    public void IdenticalOrdersAreOneAndReversedOrdersMinusOne()
    {
        Assert.Equal(1.0, KendallTau.TauB([1, 2, 3, 4], [10, 20, 30, 40]));
        Assert.Equal(-1.0, KendallTau.TauB([1, 2, 3, 4], [0.9, 0.5, 0.2, 0.1]));
    }

    [Fact]
    public void WithoutTiesItIsConcordantMinusDiscordantOverAllPairs()
    {
        // y = 3 4 1 2 5 against x = 1..5. Pairs (a..e = items 0..4): ab C, ac D, ad D, ae C, bc D, bd D, be C, cd C,
        // ce C, de C → C = 6, D = 4 of 10 pairs: τ = (6 − 4)/10.
        Assert.Equal(0.2, KendallTau.TauB([1, 2, 3, 4, 5], [3, 4, 1, 2, 5]), 1e-15);
    }

    [Fact]
    public void TiesUseTheTauBCorrection()
    {
        // x = 1 2 2 3, y = 1 3 2 2. Pairs: 01 C, 02 C, 03 C, 12 tied in x, 13 D (x up, y down), 23 tied in y.
        // C = 3, D = 1, n0 = 6, n1 = n2 = 1: τ-b = 2/√(5·5) = 0.4 (τ-a would be 2/6).
        Assert.Equal(0.4, KendallTau.TauB([1, 2, 2, 3], [1, 3, 2, 2]), 1e-15);

        // A pair tied in both counts in neither: 01 tied twice, 02 C, 12 C → 2/√(2·2) = 1.
        Assert.Equal(1.0, KendallTau.TauB([1, 1, 2], [5, 5, 6]), 1e-15);

        // Two never-reached (∞) cells tie like any equal values.
        Assert.Equal(0.4, KendallTau.TauB([1, 2, 2, 3], [1, double.PositiveInfinity, 2, 2]), 1e-15);
    }

    [Fact]
    public void ARankingThatTiesEverythingHasNoTau()
    {
        Assert.True(double.IsNaN(KendallTau.TauB([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void LeaderboardsArePairedByNameOverTheNamesBothHave()
    {
        var first = new Dictionary<string, double> { ["adamw"] = 0.9, ["muon"] = 0.8, ["sgd"] = 0.1, ["soap"] = 0.5 };
        var second = new Dictionary<string, double> { ["sgd"] = 0.2, ["muon"] = 0.95, ["adamw"] = 0.7, ["lion"] = 1.0 };

        // Common: adamw, muon, sgd. First orders adamw > muon > sgd, second muon > adamw > sgd: pairs (adamw, muon) D,
        // (adamw, sgd) C, (muon, sgd) C → (2 − 1)/3.
        Assert.Equal(1.0 / 3, KendallTau.TauB(first, second), 1e-15);
    }

    [Fact]
    public void BadInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => KendallTau.TauB([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => KendallTau.TauB([1], [1]));
        Assert.Throws<ArgumentException>(() => KendallTau.TauB([1, double.NaN], [1, 2]));
        Assert.Throws<ArgumentException>(() => KendallTau.TauB(
            new Dictionary<string, double> { ["a"] = 1, ["b"] = 2 }, new Dictionary<string, double> { ["a"] = 1, ["c"] = 2 }));
    }
}
