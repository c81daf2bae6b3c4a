namespace AlgoPerfSharp.Torch;

/// <summary>
/// Disposes every tensor created on this thread while the scope is the innermost one, unless the tensor was moved
/// out (<see cref="MoveToOuter"/>, <see cref="Detach"/>) or already disposed. Wrap every training step and every
/// eval batch in one: <c>using var scope = new DisposeScope();</c>.
/// </summary>
/// <remarks>
/// Scopes are thread-local and must be disposed in reverse order of creation (a <c>using</c> statement does this).
/// Not thread-safe: a scope belongs to the thread that created it.
/// </remarks>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? t_current;

    private readonly List<Tensor> _tensors = new();
    private readonly DisposeScope? _outer;
    private bool _disposed;

    /// <summary>Opens a scope and makes it the innermost one on this thread.</summary>
    public DisposeScope()
    {
        _outer = t_current;
        t_current = this;
    }

    /// <summary>The innermost open scope on this thread, if any.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>The scope that was innermost when this one opened.</summary>
    public DisposeScope? Outer => _outer;

    /// <summary>Tensors currently owned by this scope (for diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (var t in _tensors)
            {
                if (ReferenceEquals(t.Scope, this) && !t.IsDisposed) n++;
            }

            return n;
        }
    }

    internal static void Register(Tensor tensor)
    {
        var scope = t_current;
        if (scope is not null)
        {
            tensor.Scope = scope;
            scope._tensors.Add(tensor);
        }
    }

    /// <summary>Moves <paramref name="tensor"/> to the enclosing scope (or out of all scopes) and returns it.</summary>
    public static Tensor MoveToOuter(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var outer = tensor.Scope?._outer;
        tensor.Scope = outer;
        outer?._tensors.Add(tensor);
        return tensor;
    }

    /// <summary>Takes <paramref name="tensor"/> out of every scope: the caller now owns it and must dispose it.</summary>
    public static Tensor Detach(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Scope = null;
        return tensor;
    }

    /// <summary>Disposes the tensors this scope still owns and restores the enclosing scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ReferenceEquals(t_current, this))
        {
            t_current = _outer;
        }

        foreach (var t in _tensors)
        {
            if (ReferenceEquals(t.Scope, this))
            {
                t.Scope = null;
                t.Dispose();
            }
        }

        _tensors.Clear();
    }
}
