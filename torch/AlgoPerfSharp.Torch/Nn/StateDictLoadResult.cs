namespace AlgoPerfSharp.Torch.Nn;

/// <summary>What <see cref="Module.LoadStateDict"/> could not match (both lists are empty after a strict load).</summary>
/// <param name="MissingKeys">Module entries (parameters and buffers) absent from the state dict, in module order.</param>
/// <param name="UnexpectedKeys">State-dict entries the module does not have, sorted ordinally.</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
