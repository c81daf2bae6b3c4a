using System.Globalization;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// The state of <see cref="ScaleByScheduleFree"/>: per parameter the base iterate z, the average x (both start at the
/// initial weights) and the second moment v; the running lr_max and weight sum of the averaging; and which point the
/// parameters hold (the training point y, or x while evaluating). A checkpoint records all of it, so it resumes
/// consistently with the parameters saved beside it in either mode.
/// </summary>
public sealed class ScheduleFreeState : TransformState
{
    private readonly double _beta1;

    /// <summary>Allocates z = x = the current weights and v = 0 for each parameter (outside any dispose scope).</summary>
    public ScheduleFreeState(IReadOnlyList<ModelParameter> parameters, double beta1)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _beta1 = beta1;
        using var noGrad = Autograd.NoGrad();
        Z = parameters.Select(p => DisposeScope.Detach(p.Tensor.Clone())).ToArray();
        X = parameters.Select(p => DisposeScope.Detach(p.Tensor.Clone())).ToArray();
        V = parameters.Select(p => ZerosLike(p.Tensor)).ToArray();
    }

    /// <summary>The base iterates z.</summary>
    public Tensor[] Z { get; }

    /// <summary>The averages x (what evaluation sees).</summary>
    public Tensor[] X { get; }

    /// <summary>The second moments v.</summary>
    public Tensor[] V { get; }

    /// <summary>The largest γ so far (0 before the first update).</summary>
    public double LrMax { get; set; }

    /// <summary>Σ of the averaging weights so far.</summary>
    public double WeightSum { get; set; }

    /// <summary>The last update's averaging weight c (a diagnostic; not needed to resume).</summary>
    public double LastAveragingWeight { get; set; }

    /// <summary>True while the parameters hold x (between <see cref="SwapToEvaluation"/> and <see cref="SwapToTraining"/>).</summary>
    public bool Evaluating { get; private set; }

    /// <inheritdoc/>
    public override void SwapToEvaluation(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (Evaluating) return;
        for (int i = 0; i < X.Length; i++) parameters[i].Tensor.CopyInPlace(X[i]);
        Evaluating = true;
    }

    /// <inheritdoc/>
    public override void SwapToTraining(IReadOnlyList<ModelParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Evaluating) return;
        for (int i = 0; i < X.Length; i++) ScaleByScheduleFree.Interpolate(parameters[i].Tensor, X[i], Z[i], _beta1);
        Evaluating = false;
    }

    /// <inheritdoc/>
    public override void Save(AlgorithmState into, string prefix)
    {
        ArgumentNullException.ThrowIfNull(into);
        SaveList(into, $"{prefix}.z", Z);
        SaveList(into, $"{prefix}.x", X);
        SaveList(into, $"{prefix}.v", V);
        into.Values[$"{prefix}.lr_max"] = LrMax.ToString("R", CultureInfo.InvariantCulture);
        into.Values[$"{prefix}.weight_sum"] = WeightSum.ToString("R", CultureInfo.InvariantCulture);
        into.Values[$"{prefix}.evaluating"] = Evaluating ? "1" : "0";
    }

    /// <inheritdoc/>
    public override void Load(AlgorithmState from, string prefix)
    {
        ArgumentNullException.ThrowIfNull(from);
        LoadList(from, $"{prefix}.z", Z);
        LoadList(from, $"{prefix}.x", X);
        LoadList(from, $"{prefix}.v", V);
        LrMax = Real(from, $"{prefix}.lr_max");
        WeightSum = Real(from, $"{prefix}.weight_sum");
        Evaluating = from.Int64($"{prefix}.evaluating") != 0;
    }

    /// <inheritdoc/>
    public override void AddDiagnostics(IDictionary<string, double> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into["schedule_free/averaging_weight"] = LastAveragingWeight;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var t in Z.Concat(X).Concat(V)) t.Dispose();
        base.Dispose();
    }

    private static double Real(AlgorithmState from, string key) =>
        from.Values.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new InvalidDataException($"algorithm checkpoint has no number '{key}'");
}
