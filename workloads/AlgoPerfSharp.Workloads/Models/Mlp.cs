using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>The Transformer's two-layer MLP: Linear(D → hidden) – activation – Linear(hidden → D), with biases.</summary>
public sealed class Mlp : Module
{
    private readonly Activation _activation;
    private readonly Linear _fc1;
    private readonly Linear _fc2;

    /// <summary>Creates the MLP (fc1 then fc2 drawn from <paramref name="generator"/>).</summary>
    public Mlp(int dim, int hidden, Activation activation, Generator generator, DType dtype)
    {
        _activation = activation;
        _fc1 = RegisterModule("fc1", TaggedLayers.Linear(dim, hidden, true, generator, dtype));
        _fc2 = RegisterModule("fc2", TaggedLayers.Linear(hidden, dim, true, generator, dtype));
    }

    /// <summary>(*, D) → (*, D).</summary>
    public override Tensor Forward(Tensor input) => _fc2.Forward(_activation.Apply(_fc1.Forward(input))); // (*, hidden) inside
}
