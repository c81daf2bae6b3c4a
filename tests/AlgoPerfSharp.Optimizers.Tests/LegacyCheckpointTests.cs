using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;
using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Torch.Serialization;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>
/// Algorithm checkpoints written before the Shampoo family moved onto the transform engine (TestData/, written by commit
/// 465322d's code after 7 steps on <see cref="Fixtures.Quadratic"/> with lr 0.05, 1−β1 0.1, β2 0.99, λ 0, 5% warm-up,
/// F = 5 over a step hint of 200): the transform key scheme is read unchanged, the retired Shampoo scheme is refused
/// with one line.
/// </summary>
public sealed class LegacyCheckpointTests
{
    private static readonly Hyperparameters Hyperparameters = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["beta2"] = 0.99, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05,
    });

    // Shampoo declares β2 as one_minus_beta2 and has a refresh frequency
    private static readonly Hyperparameters ShampooHyperparameters = new(new Dictionary<string, object>
    {
        ["learning_rate"] = 0.05, ["one_minus_beta1"] = 0.1, ["one_minus_beta2"] = 0.01, ["weight_decay"] = 0.0, ["warmup_factor"] = 0.05,
        ["precondition_frequency"] = 5.0,
    });

    private static AlgorithmState Read(string file)
    {
        var state = new AlgorithmState();
        var tensors = SafeTensors.Load(Path.Combine(AppContext.BaseDirectory, "TestData", file), out var values);
        foreach (var (k, v) in tensors) state.Tensors[k] = v;
        foreach (var (k, v) in values) state.Values[k] = v;
        return state;
    }

    [Fact]
    public void AnAdamWCheckpointFromBeforeTheChangeIsReadAndMatchesTheSameRunToday()
    {
        using var old = Read("adamw_7_steps.safetensors");
        using var q = new Fixtures.Quadratic();
        using var run = new AdamW().Init(new AlgorithmInitContext(q.Parameters, Hyperparameters, Fixtures.Workload(200), 0));
        for (int s = 0; s < 7; s++)
        {
            using var scope = new DisposeScope();
            run.Update(q.Step(s));
        }

        using var now = run.SaveState();
        Assert.Equal(old.Values.OrderBy(kv => kv.Key), now.Values.OrderBy(kv => kv.Key));
        Assert.Equal(old.Tensors.Keys.Order(), now.Tensors.Keys.Order());
        foreach (var (key, t) in old.Tensors) Assert.Equal(t.ToArray<double>(), now.Tensors[key].ToArray<double>());
        run.LoadState(old);
    }

    [Fact]
    public void AShampooCheckpointOfTheRetiredEngineIsRefusedWithOneLineAndChangesNothing()
    {
        using var old = Read("shampoo_7_steps.safetensors");
        Assert.Contains("shampoo.step", old.Values.Keys);
        using var q = new Fixtures.Quadratic();
        using var run = new Shampoo().Init(new AlgorithmInitContext(q.Parameters, ShampooHyperparameters, Fixtures.Workload(200), 0));
        using (var scope = new DisposeScope())
        {
            run.Update(q.Step(0));
        }

        using var before = run.SaveState();
        var e = Assert.Throws<InvalidDataException>(() => run.LoadState(old));
        Assert.Equal(
            "this checkpoint was written by the retired Shampoo engine (keys 'shampoo.*'), which this version cannot resume; start the trial again from step 0",
            e.Message);
        using var after = run.SaveState();
        Assert.Equal(before.Values, after.Values);
        foreach (var (key, t) in before.Tensors) Assert.Equal(t.ToArray<double>(), after.Tensors[key].ToArray<double>());
    }
}
