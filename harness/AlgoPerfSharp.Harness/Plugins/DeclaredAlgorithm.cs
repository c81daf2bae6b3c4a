using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Harness.Plugins;

/// <summary>An algorithm a plugin declares.</summary>
/// <param name="Name">The algorithm's name.</param>
/// <param name="File">The plugin file.</param>
/// <param name="Create">Constructs a fresh instance.</param>
public sealed record DeclaredAlgorithm(string Name, string File, Func<ITrainingAlgorithm> Create);
