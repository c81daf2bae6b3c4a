namespace AlgoPerfSharp.Scoring;

/// <summary>A pair of submissions whose scores differ significantly under <see cref="PairTestsResult.IsSignificant"/>.</summary>
/// <param name="Better">The submission with the higher observed score.</param>
/// <param name="Worse">The other.</param>
/// <param name="PValue">The pair's permutation p-value before correction.</param>
/// <param name="AdjustedPValue">Its Holm-adjusted p-value (≤ α).</param>
public sealed record SignificantDifference(string Better, string Worse, double PValue, double AdjustedPValue);
