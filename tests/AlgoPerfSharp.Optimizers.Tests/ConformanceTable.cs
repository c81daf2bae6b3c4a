using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>The algorithm names of one conformance table, the theories' data.</summary>
public interface IConformanceTable
{
    /// <summary>The built-in names the table checks.</summary>
    static abstract TheoryData<string> Names { get; }
}

/// <summary>
/// The theories every built-in must pass on <see cref="Fixtures.Quadratic"/>, whatever its oracle: converges on the
/// ill-conditioned quadratic, a checkpoint round trip continues bit-identically, same inputs ⇒ same parameters, a
/// hundred steps leave no live native tensor and keep float64. A table (<typeparamref name="TTable"/>) supplies the
/// names, how a run starts and how a step is fed.
/// </summary>
public abstract class ConformanceTable<TTable>
    where TTable : IConformanceTable
{
    /// <summary>The theories' data: <typeparamref name="TTable"/>'s names.</summary>
    public static TheoryData<string> Algorithms => TTable.Names;

    /// <summary>Steps after which the algorithm holds all the state it will hold (the leak count's baseline).</summary>
    protected virtual int StepsUntilSteadyState => 1;

    /// <summary>Starts <paramref name="name"/> on <paramref name="q"/>'s parameters with the table's hyperparameters.</summary>
    private protected abstract ITrainingRun Init(string name, Fixtures.Quadratic q);

    /// <summary>Runs steps <paramref name="from"/> … <paramref name="from"/> + <paramref name="count"/> − 1.</summary>
    private protected abstract void Steps(ITrainingRun run, Fixtures.Quadratic q, int from, int count);

    /// <summary>Lets the run present its evaluation parameters (e.g. Schedule-Free's average) after <paramref name="step"/> steps.</summary>
    private protected virtual void PrepareForEval(ITrainingRun run, Fixtures.Quadratic q, int step)
    {
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ConvergesOnAnIllConditionedQuadratic(string name)
    {
        using var q = new Fixtures.Quadratic();
        double initial = q.Loss();
        using var run = Init(name, q);
        Steps(run, q, 0, 200);
        PrepareForEval(run, q, 200);
        double final = q.Loss();
        Assert.True(final < initial * 1e-3, $"{name}: loss {initial} → {final}");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void CheckpointRoundTripContinuesBitIdentically(string name)
    {
        using var q1 = new Fixtures.Quadratic();
        using var run1 = Init(name, q1);
        Steps(run1, q1, 0, 7);
        using var state = run1.SaveState();
        var paramsAt7 = q1.Parameters.Select(p => p.Tensor.ToArray<double>()).ToArray();
        Steps(run1, q1, 7, 8);

        using var q2 = new Fixtures.Quadratic();
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < paramsAt7.Length; i++)
            {
                using var v = Tensor.From<double>(paramsAt7[i], q2.Parameters[i].Tensor.Shape);
                q2.Parameters[i].Tensor.CopyInPlace(v);
            }
        }

        using var run2 = Init(name, q2);
        run2.LoadState(state);
        Steps(run2, q2, 7, 8);
        for (int i = 0; i < q1.Parameters.Count; i++)
        {
            Assert.Equal(q1.Parameters[i].Tensor.ToArray<double>(), q2.Parameters[i].Tensor.ToArray<double>());
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SameInputsGiveIdenticalParameters(string name)
    {
        using var q1 = new Fixtures.Quadratic();
        using var q2 = new Fixtures.Quadratic();
        using var r1 = Init(name, q1);
        using var r2 = Init(name, q2);
        Steps(r1, q1, 0, 20);
        Steps(r2, q2, 0, 20);
        Assert.Equal(q1.Parameters[0].Tensor.ToArray<double>(), q2.Parameters[0].Tensor.ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void HundredStepsLeaveNoLiveTensorsAndKeepTheDType(string name)
    {
        using var q = new Fixtures.Quadratic();
        using var run = Init(name, q);
        int warm = StepsUntilSteadyState;
        Steps(run, q, 0, warm);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = TorchRuntime.LiveTensors;
        Steps(run, q, warm, 100);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(baseline, TorchRuntime.LiveTensors);
        Assert.All(q.Parameters, p => Assert.Equal(DType.Float64, p.Tensor.DType));
    }
}
