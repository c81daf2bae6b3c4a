using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Preconditioning;
using AlgoPerfSharp.Optimizers.Schedules;
using AlgoPerfSharp.Optimizers.Transforms;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>A learning rate the test sets before each step.</summary>
internal sealed record SettableSchedule : LearningRateSchedule
{
    public double Value { get; set; }

    public override double At(long step) => Value;
}

/// <summary>A Shampoo-family recipe (<see cref="ShampooRecipes"/>) on the one engine, stepped with a given learning rate.</summary>
internal sealed class ShampooDriver : IDisposable
{
    private readonly SettableSchedule _lr = new();

    public ShampooDriver(IReadOnlyList<ModelParameter> parameters, ShampooConfig config) =>
        Optimizer = new TransformOptimizer(parameters, ShampooRecipes.Shampoo(config, _lr));

    public ShampooDriver(IReadOnlyList<ModelParameter> parameters, SoapConfig config) =>
        Optimizer = new TransformOptimizer(parameters, ShampooRecipes.Soap(config, _lr));

    public TransformOptimizer Optimizer { get; }

    public bool Step(double learningRate)
    {
        _lr.Value = learningRate;
        return Optimizer.Step();
    }

    public IReadOnlyDictionary<string, double> Diagnostics() => Optimizer.Diagnostics();

    public void Dispose() => Optimizer.Dispose();
}
