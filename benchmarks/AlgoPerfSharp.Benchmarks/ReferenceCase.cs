using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>How one built-in is checked against its PyTorch reference (<see cref="ReferenceCheck"/>).</summary>
/// <param name="Algorithm">The built-in's name.</param>
/// <param name="PythonClass">The reference optimizer's dotted class path (importable from <c>benchmarks/reference</c>).</param>
/// <param name="Kwargs">Its keyword arguments (JSON): the built-in's defaults plus the check's overrides.</param>
/// <param name="Overrides">Our hyperparameters besides the defaults (the constant schedule is added unless <see cref="ConstantSchedule"/> is false).</param>
public sealed record ReferenceCase(string Algorithm, string PythonClass, string Kwargs, IReadOnlyList<(string Key, object Value)> Overrides)
{
    /// <summary>Leave out the check model's tall (non-square) weight: SOAP decomposes step 1's factors, which a tall G leaves rank-deficient.</summary>
    public bool SquareOnly { get; init; }

    /// <summary>
    /// The oracle calls beyond the gradient the built-in makes (and its reference, which then takes the step's oracle:
    /// <c>step(oracle)</c>): the bench's and the check's <see cref="SyntheticOracle"/> is prepared for them.
    /// </summary>
    public OracleCalls Oracle { get; init; }

    /// <summary>Set <c>lr_schedule = constant</c> (default); false for a built-in that declares no schedule (pb_lbfgs: its line search picks the step).</summary>
    public bool ConstantSchedule { get; init; } = true;

    /// <summary>Our trial's hyperparameters: <c>lr_schedule = constant</c> (the reference has no schedule) plus <see cref="Overrides"/>.</summary>
    public Hyperparameters Hyperparameters()
    {
        var values = new Dictionary<string, object>();
        if (ConstantSchedule) values["lr_schedule"] = "constant";
        foreach (var (k, v) in Overrides) values[k] = v;
        return new Hyperparameters(values);
    }
}
