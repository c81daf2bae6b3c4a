using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Memory;

/// <summary>
/// A parameter as the theoretical state-size formulas (<see cref="TheoreticalState"/>) see it: its shape, its type and
/// the bytes per element of its dtype (every built-in keeps its state in the parameter's dtype). No tensor, so a size
/// can be stated for a model that is never built.
/// </summary>
/// <param name="Name">Dotted name (for messages).</param>
/// <param name="Shape">The parameter's shape (empty for a scalar); every size ≥ 0.</param>
/// <param name="Type">What the parameter is (Muon, ASGO and DASGO route hidden matrices by it).</param>
/// <param name="ElementSize">Bytes per element of the parameter's dtype (4 for float32), ≥ 1.</param>
public sealed record ParameterShape(string Name, IReadOnlyList<long> Shape, ParameterType Type, int ElementSize = 4)
{
    /// <summary>The shape, validated.</summary>
    public IReadOnlyList<long> Shape { get; } = Shape is not null && Shape.All(d => d >= 0)
        ? Shape
        : throw new ArgumentException($"{Name}: a shape needs sizes ≥ 0 (got [{(Shape is null ? "" : string.Join(", ", Shape))}])", nameof(Shape));

    /// <summary>Bytes per element, validated.</summary>
    public int ElementSize { get; } = ElementSize >= 1 ? ElementSize : throw new ArgumentException($"{Name}: element size must be ≥ 1 byte (got {ElementSize})", nameof(ElementSize));

    /// <summary>Elements of the parameter (1 for a scalar).</summary>
    public long Elements => Shape.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>The shape, type and element size of a model parameter.</summary>
    public static ParameterShape Of(ModelParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return new ParameterShape(parameter.Name, parameter.Tensor.Shape, parameter.Type, parameter.Tensor.DType.ElementSize());
    }
}
