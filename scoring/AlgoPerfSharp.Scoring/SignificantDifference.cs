namespace AlgoPerfSharp.Scoring;

/// <summary>A pair of submissions whose scores differ significantly under <see cref="ScoreBootstrapResult.IsSignificant"/>.</summary>
/// <param name="Better">The submission with the higher score in most replicates (the faster one, in AlgoPerf's sense).</param>
/// <param name="Worse">The other submission.</param>
/// <param name="Probability">P(<paramref name="Better"/> scores higher than <paramref name="Worse"/>) over the replicates, ties counting ½.</param>
public sealed record SignificantDifference(string Better, string Worse, double Probability);
