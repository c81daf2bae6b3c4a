namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Applies child modules in order (PyTorch's <c>nn.Sequential</c>); children are named "0", "1", ..., so parameter
/// names read "0.weight", "2.bias". Owns its children.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the container; it takes ownership of <paramref name="modules"/>.</summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>Number of children.</summary>
    public int Count => _layers.Count;

    /// <summary>The child at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Appends a child (named by its position) and takes ownership of it.</summary>
    /// <returns>This container.</returns>
    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _layers.Add(module);
        return this;
    }

    /// <summary>
    /// Feeds <paramref name="input"/> through every child. Intermediate results are disposed as soon as the next
    /// child has consumed them (autograd keeps what it needs natively), so only the final output joins the current scope.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = input;
        foreach (var layer in _layers)
        {
            var next = layer.Forward(current);
            if (!ReferenceEquals(current, input) && !ReferenceEquals(next, current)) current.Dispose();
            current = next;
        }

        return ReferenceEquals(current, input) ? input.Alias() : current;
    }
}
