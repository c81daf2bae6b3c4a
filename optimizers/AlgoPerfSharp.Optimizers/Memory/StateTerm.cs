namespace AlgoPerfSharp.Optimizers.Memory;

/// <summary>One term of a theoretical optimizer state, summed over the parameters it applies to.</summary>
/// <param name="Name">What the term holds, e.g. <c>m (first moment)</c> or <c>Kronecker statistics</c>.</param>
/// <param name="Elements">Elements over every parameter.</param>
/// <param name="Bytes">Bytes over every parameter (elements × each parameter's element size).</param>
public sealed record StateTerm(string Name, long Elements, long Bytes);
