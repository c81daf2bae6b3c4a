using System.Runtime.CompilerServices;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Records each parameter's <see cref="ParameterType"/> when a model is built, and turns a tagged module into a
/// <see cref="WorkloadModel"/>. Every parameter must be tagged: an untagged one is a bug in the model (it would reach
/// optimizers without a type), so <see cref="ToWorkloadModel"/> refuses it. The type is kept beside the parameter
/// (weakly, so it goes with it), never as text.
/// </summary>
public static class ParameterTags
{
    private static readonly ConditionalWeakTable<Parameter, object> Types = [];

    /// <summary>Tags <paramref name="parameter"/> (ignored when null, e.g. an absent bias) and returns it.</summary>
    public static Parameter? Tag(Parameter? parameter, ParameterType type)
    {
        if (parameter is not null) Types.AddOrUpdate(parameter, type);
        return parameter;
    }

    /// <summary>The type <paramref name="parameter"/> was tagged with.</summary>
    /// <exception cref="InvalidOperationException">The parameter has no type tag.</exception>
    public static ParameterType TypeOf(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return Types.TryGetValue(parameter, out object? type)
            ? (ParameterType)type
            : throw new InvalidOperationException($"parameter '{name}' has no ParameterType tag; tag it when building the model");
    }

    /// <summary>Wraps <paramref name="module"/> (taking ownership) with its typed parameters in <see cref="Module.NamedParameters"/> order.</summary>
    public static WorkloadModel ToWorkloadModel(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        try
        {
            var ps = module.NamedParameters().Select(np => new WorkloadParameter(np.Name, np.Parameter, TypeOf(np.Name, np.Parameter))).ToList();
            return new WorkloadModel(module, ps);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
