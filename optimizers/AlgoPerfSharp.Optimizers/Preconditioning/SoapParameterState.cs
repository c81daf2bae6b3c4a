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
        var g = grad.Reshape(Layout.MergedShape);
        var block = Layout.Blocks[0]; // SOAP never blocks: one block covers the parameter
        var rotated = KroneckerBlocks.Rotate(g, block.Factors, transpose: false);
        _v.MulInPlace(c.Beta2).AddCMulInPlace(rotated, rotated, 1 - c.Beta2);
        if (_m is not null) _m.LerpInPlace(g, 1 - c.Beta1);
        var num = KroneckerBlocks.Rotate(_m ?? g, block.Factors, transpose: false);
        var denom = _v.Sqrt().AddInPlace(c.Epsilon);
        var u = KroneckerBlocks.Rotate(num.DivInPlace(denom), block.Factors, transpose: true).Reshape(Layout.Shape);
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
        using var index = Tensor.From<long>(order);
        _v.CopyInPlace(_v.IndexSelect(k, index));
        f.Matrix.CopyInPlace(q);
        f.Refreshes++;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _m?.Dispose();
        _v.Dispose();
        Layout.Dispose();
    }
}
