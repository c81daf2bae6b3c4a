using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Harness.Conformance;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>
/// The fixed tensors a <see cref="SyntheticOracle"/> serves, one per parameter (in parameter order and shape) unless
/// said otherwise; a kind is null when its <see cref="OracleCalls"/> flag was not asked for.
/// </summary>
/// <remarks>
/// The bench's inputs (<see cref="Generate"/>) come from one seeded generator per kind, so that
/// <c>benchmarks/reference/synthetic_oracle.py</c> draws the same values whatever kinds an algorithm needs:
/// seed 18 the sub-batch gradients (per parameter, groups 0…G−1 in turn), 19 the target gradients, 20 the Hessian
/// diagonals, 21 the outputs — all N(0, 1) float32, drawn after nothing else. The check's inputs
/// (<see cref="Recorded"/>) are read from a trajectory (<c>oracle/STEP/KIND/…/NAME</c>, written by
/// <c>benchmarks/reference/check_trajectory.py</c>).
/// </remarks>
public sealed class SyntheticOracleInputs : IDisposable
{
    private SyntheticOracleInputs(Tensor[][]? groups, Tensor[]? groupMean, Tensor[]? target, Tensor[]? hessian, Tensor? outputs)
    {
        Groups = groups;
        GroupMean = groupMean;
        Target = target;
        HessianDiagonal = hessian;
        Outputs = outputs;
    }

    /// <summary>[group][parameter]: the sub-batch gradients <see cref="IStepOracle.SubBatchGradients"/> returns copies of.</summary>
    public IReadOnlyList<IReadOnlyList<Tensor>>? Groups { get; }

    /// <summary>Their mean (the groups hold equal numbers of examples): what a sub-batch call leaves in every <c>Grad</c>.</summary>
    public IReadOnlyList<Tensor>? GroupMean { get; }

    /// <summary>The gradient against the algorithm's own targets (<see cref="IStepOracle.LossAndGradientsForTargets"/> copies it into <c>Grad</c>).</summary>
    public IReadOnlyList<Tensor>? Target { get; }

    /// <summary>D, the diagonal of the synthetic Hessian: <see cref="IStepOracle.HessianVectorProduct"/> returns D ⊙ v.</summary>
    public IReadOnlyList<Tensor>? HessianDiagonal { get; }

    /// <summary>The model outputs (logits, examples × classes) handed to the algorithm's target function.</summary>
    public Tensor? Outputs { get; }

    /// <summary>The oracle calls these inputs can answer.</summary>
    public OracleCalls Calls =>
        (Groups is null ? OracleCalls.None : OracleCalls.SubBatches)
        | (Target is null ? OracleCalls.None : OracleCalls.Targets)
        | (HessianDiagonal is null ? OracleCalls.None : OracleCalls.HessianVectorProducts);

    /// <summary>
    /// The bench's inputs for float32 <paramref name="parameters"/>: <paramref name="groups"/> sub-batch gradients,
    /// target gradients with outputs of (<paramref name="examples"/>, <paramref name="classes"/>), Hessian diagonals —
    /// each only when <paramref name="calls"/> asks for it. Outside any dispose scope: the caller disposes them.
    /// </summary>
    public static SyntheticOracleInputs Generate(IReadOnlyList<ModelParameter> parameters, OracleCalls calls, int groups, int examples, int classes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        using var noGrad = Autograd.NoGrad();
        Tensor[][]? g = null;
        Tensor[]? mean = null, target = null, hessian = null;
        Tensor? outputs = null;
        if (calls.HasFlag(OracleCalls.SubBatches))
        {
            using var gen = new Generator(18);
            var perParameter = parameters.Select(p => Enumerable.Range(0, groups).Select(_ => DisposeScope.Detach(Tensor.RandN(p.Tensor.Shape, gen))).ToArray()).ToArray();
            g = Enumerable.Range(0, groups).Select(j => perParameter.Select(list => list[j]).ToArray()).ToArray();
            mean = perParameter.Select(list =>
            {
                using var stacked = Tensor.Stack(list);
                return DisposeScope.Detach(stacked.Mean(0));
            }).ToArray();
        }

        if (calls.HasFlag(OracleCalls.Targets))
        {
            using var gen = new Generator(19);
            target = parameters.Select(p => DisposeScope.Detach(Tensor.RandN(p.Tensor.Shape, gen))).ToArray();
            using var outGen = new Generator(21);
            outputs = DisposeScope.Detach(Tensor.RandN([examples, classes], outGen));
        }

        if (calls.HasFlag(OracleCalls.HessianVectorProducts))
        {
            using var gen = new Generator(20);
            hessian = parameters.Select(p => DisposeScope.Detach(Tensor.RandN(p.Tensor.Shape, gen))).ToArray();
        }

        return new SyntheticOracleInputs(g, mean, target, hessian, outputs);
    }

    /// <summary>
    /// Step <paramref name="step"/>'s inputs recorded in <paramref name="trajectory"/> (keys
    /// <c>oracle/STEP/group/J/NAME</c>, <c>oracle/STEP/group_mean/NAME</c>, <c>oracle/STEP/target/NAME</c>,
    /// <c>oracle/STEP/hessian/NAME</c>), in <paramref name="dtype"/>, with zero outputs of
    /// (<paramref name="examples"/>, <paramref name="classes"/>). The tensors join the current dispose scope.
    /// </summary>
    /// <exception cref="FormatException">The trajectory lacks a tensor <paramref name="calls"/> needs.</exception>
    public static SyntheticOracleInputs Recorded(Trajectory trajectory, int step, DType dtype, OracleCalls calls, int groups, int examples, int classes)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        var names = trajectory.Parameters;
        Tensor[] Kind(string kind) => names.Select(p => Read($"oracle/{step:D4}/{kind}/{p.Name}", p)).ToArray();
        Tensor Read(string key, TrajectoryParameter p)
        {
            if (!trajectory.OracleTensors.TryGetValue(key, out var values)) throw new FormatException($"trajectory {trajectory.Directory} has no oracle tensor '{key}' (record it with check_trajectory.py --oracle)");
            using var wide = Tensor.From<double>(values, p.Shape);
            return wide.To(dtype);
        }

        bool sub = calls.HasFlag(OracleCalls.SubBatches), targets = calls.HasFlag(OracleCalls.Targets);
        return new SyntheticOracleInputs(
            sub ? Enumerable.Range(0, groups).Select(j => Kind($"group/{j}")).ToArray() : null,
            sub ? Kind("group_mean") : null,
            targets ? Kind("target") : null,
            calls.HasFlag(OracleCalls.HessianVectorProducts) ? Kind("hessian") : null,
            targets ? Tensor.Zeros([examples, classes], dtype) : null);
    }

    /// <summary>Disposes every tensor (a no-op for those a dispose scope already released).</summary>
    public void Dispose()
    {
        var all = (Groups ?? []).SelectMany(g => g).Concat(GroupMean ?? []).Concat(Target ?? []).Concat(HessianDiagonal ?? []);
        foreach (var t in all) t.Dispose();
        Outputs?.Dispose();
    }
}
