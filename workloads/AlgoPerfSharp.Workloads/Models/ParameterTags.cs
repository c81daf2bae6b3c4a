using AlgoPerfSharp.Torch.Nn;

namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Records each parameter's <see cref="ParameterKind"/> in its <see cref="Parameter.Tag"/> when a model is built, and
/// turns a tagged module into a <see cref="WorkloadModel"/>. Every parameter must be tagged: an untagged one is a bug
/// in the model (it would reach optimizers without a kind), so <see cref="ToWorkloadModel"/> refuses it.
/// </summary>
public static class ParameterTags
{
    /// <summary>Tags <paramref name="parameter"/> (ignored when null, e.g. an absent bias) and returns it.</summary>
    public static Parameter? Tag(Parameter? parameter, ParameterKind kind)
    {
        if (parameter is not null) parameter.Tag = kind.ToString();
        return parameter;
    }

    /// <summary>The kind stored in <paramref name="parameter"/>'s tag.</summary>
    /// <exception cref="InvalidOperationException">The parameter has no kind tag.</exception>
    public static ParameterKind KindOf(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Tag is null || !Enum.TryParse<ParameterKind>(parameter.Tag, out var kind))
        {
            throw new InvalidOperationException($"parameter '{name}' has no ParameterKind tag (got '{parameter.Tag}'); tag it when building the model");
        }

        return kind;
    }

    /// <summary>Wraps <paramref name="module"/> (taking ownership) with its typed parameters in <see cref="Module.NamedParameters"/> order.</summary>
    public static WorkloadModel ToWorkloadModel(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        try
        {
            var ps = module.NamedParameters().Select(np => new WorkloadParameter(np.Name, np.Parameter, KindOf(np.Name, np.Parameter))).ToList();
            return new WorkloadModel(module, ps);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }
}
