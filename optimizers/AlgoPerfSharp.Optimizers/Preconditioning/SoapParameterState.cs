using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Preconditioning;

/// <summary>SOAP's state of one parameter: factors and eigenbases (unmerged, unblocked), the gradient EMA m and the rotated second moment v.</summary>
internal sealed class SoapParameterState : FactoredParameterState
{
    private readonly SoapConfig _c;
    private readonly Tensor? _m; // gradient EMA (parameter space), β1 > 0
    private readonly Tensor _v;  // second moment in the eigenbasis

    public SoapParameterState(ModelParameter parameter, SoapConfig config)
    {
        _c = config;
        var t = parameter.Tensor;
        long[] shape = t.Shape.Length == 0 ? [1] : t.Shape;
        Layout = new KroneckerBlocks(parameter, shape, config.MaxPreconditionerDim, blockLarge: false, precondition: !(t.Shape.Length <= 1 && !config.Precondition1D));
        if (config.Beta1 > 0) _m = DisposeScope.Detach(Tensor.Zeros(shape, t.DType));
        _v = DisposeScope.Detach(Tensor.Zeros(shape, t.DType));
    }

    /// <inheritdoc/>
    public override KroneckerBlocks Layout { get; }

    /// <inheritdoc/>
    public override IEnumerable<(string Name, Tensor Tensor)> MomentTensors()
    {
        if (_m is not null) yield return ("m", _m);
        yield return ("v", _v);
    }

    /// <summary>SOAP's first call: F_k = (1 − β_sh)·contract(G1), Q_k = eigenvectors in descending order.</summary>
    public void Initialize(Tensor grad)
    {
        Layout.Accumulate(grad.Reshape(Layout.MergedShape), 0, 1 - _c.ShampooBeta);
        foreach (var f in Layout.Factors)
        {
            using var scope = new DisposeScope();
            f.Checks++;
            f.Matrix.CopyInPlace(MatrixFunction.EigenvectorsDescending(f.Accumulator, _c.RetryFloat64));
            f.HasMatrix = true;
            f.Refreshes++;
        }
    }

    /// <summary>
    /// U = Q·[Qᵀm̄Q / (√v + ε)]·Qᵀ (a new tensor, parameter shape) after the moment updates, then the factor EMA with β_sh.
    /// </summary>
    public Tensor Direction(Tensor grad)
    {
        var c = _c;
        // Temporaries are released as soon as they are used (not at the end of the step): the freed memory is reused
        // while still in cache by the next temporary of the same size.
        using var g = grad.Reshape(Layout.MergedShape);
        var block = Layout.Blocks[0]; // SOAP never blocks: one block covers the parameter
        using (var rotated = KroneckerBlocks.Rotate(g, block.Factors, transpose: false))
        {
            _v.MulInPlace(c.Beta2).AddCMulInPlace(rotated, rotated, 1 - c.Beta2);
        }

        if (_m is not null) _m.LerpInPlace(g, 1 - c.Beta1);
        Tensor rotatedBack;
        using (var num = KroneckerBlocks.Rotate(_m ?? g, block.Factors, transpose: false))
        {
            using (var denom = _v.Sqrt())
            {
                num.DivInPlace(denom.AddInPlace(c.Epsilon));
            }

            rotatedBack = KroneckerBlocks.Rotate(num, block.Factors, transpose: true);
        }

        var u = rotatedBack.Reshape(Layout.Shape);
        rotatedBack.Dispose(); // u keeps the storage
        Layout.Accumulate(g, c.ShampooBeta, 1 - c.ShampooBeta);
        return u;
    }

    /// <summary>Every f steps (t counts SOAP's updates, not its initialising call).</summary>
    public override bool IsAmortizedStep(long t) => t % _c.PreconditionFrequency == 0;

    /// <summary>SOAP's refresh of factor <paramref name="k"/>: Q ← qr(F·Q[:, order]).Q with v permuted along the same dim.</summary>
    public override void Refresh(ShampooBlock block, int k, long t)
    {
        var f = block.Factors[k]!;
        using var scope = new DisposeScope();
        f.Checks++;
        var (q, order) = MatrixFunction.SoapRefresh(f.Accumulator, f.Matrix);
        Permute(k, order);
        f.Matrix.CopyInPlace(q);
        f.Refreshes++;
    }

    /// <summary>
    /// <see cref="Refresh"/> of every factor in <paramref name="jobs"/> (all of SOAP parameter states) in one native call
    /// that runs the factors' QRs in parallel (<see cref="FusedSteps.SoapRefreshInPlace"/>; the same ATen calls per factor
    /// as <see cref="MatrixFunction.SoapRefresh"/>). Returns per factor its error, or null: a factor whose statistic holds
    /// NaN/∞ fails alone (basis and v untouched); a libtorch error fails every factor of the call.
    /// </summary>
    internal static Exception?[] RefreshAll(IReadOnlyList<FactorRefresh> jobs)
    {
        var errors = new Exception?[jobs.Count];
        var statistics = new Tensor[jobs.Count];
        var bases = new Tensor[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            var f = jobs[i].Factor;
            f.Checks++;
            statistics[i] = f.Accumulator;
            bases[i] = f.Matrix;
        }

        long[]?[] orders;
        try
        {
            orders = FusedSteps.SoapRefreshInPlace(statistics, bases);
        }
        catch (TorchException e)
        {
            Array.Fill(errors, e);
            return errors;
        }

        for (int i = 0; i < jobs.Count; i++)
        {
            if (orders[i] is not { } order)
            {
                errors[i] = new ArgumentException("a: the matrix contains NaN or infinite entries"); // as MatrixFunction.SoapRefresh reports it
                continue;
            }

            ((SoapParameterState)jobs[i].State).Permute(jobs[i].K, order);
            jobs[i].Factor.Refreshes++;
        }

        return errors;
    }

    /// <summary>
    /// v ← v with its dim <paramref name="k"/> permuted by <paramref name="order"/> (following the basis' columns); nothing
    /// to do for the identity order (always so for a dim of size 1, often for small dims).
    /// </summary>
    private void Permute(int k, long[] order)
    {
        bool identity = true;
        for (int i = 0; i < order.Length && identity; i++) identity = order[i] == i;
        if (identity) return;
        using var scope = new DisposeScope();
        using var index = Tensor.From<long>(order);
        _v.CopyInPlace(_v.IndexSelect(k, index));
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _m?.Dispose();
        _v.Dispose();
        Layout.Dispose();
    }
}
