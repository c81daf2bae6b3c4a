using System.Text;
using AlgoPerfSharp.Torch.Serialization;

namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Base class of neural-network building blocks (PyTorch's <c>nn.Module</c>). A module owns the
/// <see cref="Parameter"/>s, buffers and child modules it registers by name with <see cref="RegisterParameter(string, Parameter)"/>,
/// <see cref="RegisterBuffer(string, Tensor)"/> and <see cref="RegisterModule{T}"/>; these are enumerated in registration order with
/// dotted names ("fc1.weight"), saved and loaded as a state dict, and disposed with the module.
/// </summary>
/// <remarks>
/// <para>Registered tensors are taken out of every <see cref="DisposeScope"/> (<see cref="DisposeScope.Detach"/>), so a
/// model built inside a scope survives the per-step scopes; only <see cref="Dispose()"/> releases them.</para>
/// <para>A module starts in training mode. Not thread-safe: one module is used by one thread at a time.</para>
/// </remarks>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Parameter>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor>> _buffers = [];
    private readonly HashSet<string> _nonPersistent = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, Module>> _children = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Initialises an empty module in training mode.</summary>
    protected Module() => TorchRuntime.EnsureInitialized();

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics); false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Total number of elements over <see cref="Parameters"/> (shared parameters counted once).</summary>
    public long ParameterCount => Parameters().Sum(p => p.NumElements);

    /// <summary>
    /// Applies the module to one input. Built-in single-input modules override this; modules with other signatures
    /// define their own <c>Forward</c> overloads and leave this one throwing <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="input">The input tensor (shape documented by each module).</param>
    /// <returns>A new tensor the caller owns (it joins the current <see cref="DisposeScope"/>); never <paramref name="input"/> itself.</returns>
    public virtual Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} has no single-input Forward(Tensor); call its own Forward overload");

    // ---- registration ----------------------------------------------------------------------------------------

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/>; the module now owns it.</summary>
    /// <returns><paramref name="parameter"/>, for assignment to a property.</returns>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ClaimName(name);
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Wraps <paramref name="data"/> in a new <see cref="Parameter"/> (taking ownership) and registers it.</summary>
    /// <returns>The new parameter.</returns>
    protected Parameter RegisterParameter(string name, Tensor data, string? tag = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ClaimName(name);
        Parameter parameter;
        try
        {
            parameter = new Parameter(data, requiresGrad: true, tag);
        }
        catch
        {
            _names.Remove(name);
            throw;
        }

        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a non-trainable state tensor (e.g. batch-norm running statistics) under <paramref name="name"/>. The
    /// module takes ownership: the tensor leaves its <see cref="DisposeScope"/> and is part of the state dict.
    /// </summary>
    /// <returns><paramref name="buffer"/>.</returns>
    protected Tensor RegisterBuffer(string name, Tensor buffer) => RegisterBuffer(name, buffer, persistent: true);

    /// <summary>
    /// Registers a buffer as <see cref="RegisterBuffer(string, Tensor)"/> does; a non-<paramref name="persistent"/> one
    /// (PyTorch's <c>persistent=False</c>: a table derived from the configuration, such as RoPE's cos/sin) is left out of
    /// the state dict but still owned, listed by <see cref="NamedBuffers"/> and moved by <see cref="To(Device)"/>.
    /// </summary>
    /// <returns><paramref name="buffer"/>.</returns>
    protected Tensor RegisterBuffer(string name, Tensor buffer, bool persistent)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ClaimName(name);
        _buffers.Add(new(name, DisposeScope.Detach(buffer)));
        if (!persistent) _nonPersistent.Add(name);
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/>; this module now owns (and disposes) it.</summary>
    /// <returns><paramref name="module"/>.</returns>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (ReferenceEquals(module, this)) throw new ArgumentException("a module cannot be its own child", nameof(module));
        ClaimName(name);
        _children.Add(new(name, module));
        return module;
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid member name: it must not contain '.'", nameof(name));
        }
    }

    private void ClaimName(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateName(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
        }
    }

    // ---- enumeration -----------------------------------------------------------------------------------------

    /// <summary>This module and every descendant, pre-order, with dotted paths ("" for this module).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk(string.Empty, this, seen);

        static IEnumerable<(string, Module)> Walk(string prefix, Module m, HashSet<Module> seen)
        {
            if (!seen.Add(m)) yield break;
            yield return (prefix, m);
            foreach (var (name, child) in m._children)
            {
                foreach (var item in Walk(prefix.Length == 0 ? name : prefix + "." + name, child, seen))
                {
                    yield return item;
                }
            }
        }
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<Module> Children() => _children.Select(kv => kv.Value);

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(kv => (kv.Key, kv.Value));

    /// <summary>
    /// Every parameter of this module and its descendants with its dotted name ("0.weight", "fc1.bias"), pre-order,
    /// each module's own parameters in registration order. A parameter shared by several modules appears once, under
    /// its first name.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters)
            {
                if (seen.Add(p)) yield return (Join(prefix, name), p);
            }
        }
    }

    /// <summary>Every parameter (see <see cref="NamedParameters"/> for the order). The module keeps ownership.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(np => np.Parameter);

    /// <summary>Every buffer (persistent or not) of this module and its descendants with its dotted name. The module keeps ownership.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, b) in module._buffers) yield return (Join(prefix, name), b);
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- modes and gradients ---------------------------------------------------------------------------------

    /// <summary>Sets training mode on this module and every descendant.</summary>
    /// <returns>This module.</returns>
    public Module Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = training;
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>).</summary>
    /// <returns>This module.</returns>
    public Module Eval() => Train(false);

    /// <summary>Clears every parameter's gradient (sets it to null, as PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    // ---- devices ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Moves every parameter, parameter gradient and buffer of this module and its descendants to
    /// <paramref name="device"/> in place (PyTorch's <c>module.to(device)</c>). The same <see cref="Parameter"/> objects
    /// and buffer tensors stay: each now holds its data on the device (<see cref="Tensor.SetData"/>), with
    /// requires_grad and leaf-ness kept, so code holding them (an optimizer built afterwards) sees the moved tensors.
    /// Tensors already on the device are left as they are (moving to where everything is changes nothing). Build
    /// optimizers after the move: state made before it stays where it was made. Tensors a module keeps outside its
    /// registered parameters and buffers are not moved — register them (non-persistent when they are not state).
    /// </summary>
    /// <param name="device">Where the tensors go. A CUDA device needs a CUDA build of libtorch that sees it.</param>
    /// <returns>This module.</returns>
    /// <exception cref="TorchException">libtorch could not move a tensor (no such device, out of memory); tensors moved before it stay moved.</exception>
    public Module To(Device device)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ReplaceData(t => t.Device == device ? null : t.To(device));
    }

    /// <summary>
    /// Replaces the data of every parameter, gradient and buffer with <paramref name="convert"/>'s result (null = keep)
    /// in place, under no-grad, in a scope that releases the converted handles. <see cref="To(Device)"/> is this with a
    /// device move; tests pass a copy to exercise the replacement on a CPU-only machine.
    /// </summary>
    internal Module ReplaceData(Func<Tensor, Tensor?> convert)
    {
        using var scope = new DisposeScope();
        using var noGrad = Autograd.NoGrad();
        foreach (var p in Parameters())
        {
            Replace(p.Data);
            if (p.Grad is { } grad) Replace(grad); // a new handle to the stored gradient: the scope releases it
        }

        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (_, b) in NamedBuffers())
        {
            if (seen.Add(b)) Replace(b);
        }

        return this;

        void Replace(Tensor t)
        {
            if (convert(t) is { } data) t.SetData(data);
        }
    }

    // ---- state dict ------------------------------------------------------------------------------------------

    /// <summary>
    /// Parameters and buffers by dotted name, in <see cref="NamedModules"/> order (each module's parameters, then its
    /// buffers). The values are new detached handles sharing storage with the module's tensors: the caller owns the
    /// handles (they join the current <see cref="DisposeScope"/>); disposing them does not affect the module, while
    /// in-place writes through them do.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in StateEntries()) dict[name] = tensor.Detach();
        return dict;
    }

    private List<KeyValuePair<string, Tensor>> StateEntries()
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters) entries.Add(new(Join(prefix, name), p.Data));
            foreach (var (name, b) in module._buffers)
            {
                if (!module._nonPersistent.Contains(name)) entries.Add(new(Join(prefix, name), b));
            }
        }

        return entries;
    }

    /// <summary>
    /// Copies the tensors of <paramref name="stateDict"/> into this module's parameters and buffers in place (without
    /// recording autograd; dtypes are converted as by <see cref="Tensor.CopyInPlace"/>). Everything is checked before
    /// anything is copied, so a failed load leaves the module unchanged.
    /// </summary>
    /// <param name="stateDict">Name → tensor, e.g. from <see cref="StateDict"/> or <see cref="SafeTensors.Load(string)"/>. Not disposed.</param>
    /// <param name="strict">Throw when a key is missing or unexpected (otherwise they are reported in the result).</param>
    /// <returns>The missing and unexpected keys (empty lists after a strict load).</returns>
    /// <exception cref="ArgumentException">A shape differs (always), or keys do not match and <paramref name="strict"/> is set.</exception>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entries = StateEntries();
        var known = new HashSet<string>(entries.Select(e => e.Key), StringComparer.Ordinal);
        var missing = entries.Where(e => !stateDict.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var unexpected = stateDict.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var errors = new List<string>();
        foreach (var (name, target) in entries)
        {
            if (!stateDict.TryGetValue(name, out var source)) continue;
            if (source is null)
            {
                errors.Add($"'{name}' is null in the state dict");
                continue;
            }

            if (!source.Shape.AsSpan().SequenceEqual(target.Shape))
            {
                errors.Add($"size mismatch for '{name}': the state dict has [{string.Join(", ", source.Shape)}], the module has [{string.Join(", ", target.Shape)}]");
            }
        }

        if (strict)
        {
            if (missing.Count > 0) errors.Add("missing key(s): " + string.Join(", ", missing.Select(k => "'" + k + "'")));
            if (unexpected.Count > 0) errors.Add("unexpected key(s): " + string.Join(", ", unexpected.Select(k => "'" + k + "'")));
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"error(s) loading the state dict into {GetType().Name}: {string.Join("; ", errors)}", nameof(stateDict));
        }

        using (Autograd.NoGrad())
        {
            foreach (var (name, target) in entries)
            {
                if (stateDict.TryGetValue(name, out var source)) target.CopyInPlace(source);
            }
        }

        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>Writes <see cref="StateDict"/> to a safetensors file (atomically: a temp file renamed into place).</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="metadata">Optional string metadata stored in the header's <c>__metadata__</c>.</param>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = new DisposeScope();
        SafeTensors.Save(path, StateDict(), metadata);
    }

    /// <summary>Loads a safetensors file written by <see cref="Save"/> (or PyTorch's safetensors) into this module.</summary>
    /// <param name="path">The file.</param>
    /// <param name="strict">As in <see cref="LoadStateDict"/>.</param>
    /// <returns>The missing and unexpected keys.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file, or does not fit this module (the message names the file).</exception>
    public StateDictLoadResult Load(string path, bool strict = true)
    {
        using var scope = new DisposeScope();
        var tensors = SafeTensors.Load(path);
        try
        {
            return LoadStateDict(tensors, strict);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    // ---- lifetime and display --------------------------------------------------------------------------------

    /// <summary>Disposes the parameters, buffers and child modules this module owns. Idempotent.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases owned tensors and children when <paramref name="disposing"/>; override to release more (call base).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (!disposing) return;
        foreach (var (_, p) in _parameters) p.Dispose();
        foreach (var (_, b) in _buffers) b.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
    }

    /// <summary>A one-line description of this module's own configuration (e.g. "in=3, out=4"); empty by default.</summary>
    protected virtual string ExtraRepr() => string.Empty;

    /// <summary>The module tree, one module per line, like PyTorch's repr.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Describe(sb, 0);
        return sb.ToString();
    }

    private void Describe(StringBuilder sb, int indent)
    {
        sb.Append(GetType().Name).Append('(').Append(ExtraRepr());
        if (_children.Count > 0)
        {
            sb.Append('\n');
            foreach (var (name, child) in _children)
            {
                sb.Append(' ', indent + 2).Append('(').Append(name).Append("): ");
                child.Describe(sb, indent + 2);
                sb.Append('\n');
            }

            sb.Append(' ', indent);
        }

        sb.Append(')');
    }
}
