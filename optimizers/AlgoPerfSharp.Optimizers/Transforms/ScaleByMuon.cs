using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.MatrixFunctions;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Optimizers.Transforms;

/// <summary>
/// Muon's direction for matrix parameters (KellerJordan/Muon <c>muon_update</c>): M ← β·M + (1−β)·G, the
/// Nesterov look-ahead U = (1−β)·G + β·M (= β²·M_{t−1} + (1−β²)·G; without Nesterov U = M), U viewed as
/// (rows, −1) (conv kernels become (out, in·kh·kw)), orthogonalized by <see cref="NewtonSchulz"/> and scaled by
/// max(1, rows/cols)^½ of that 2-D view. No bias correction.
/// </summary>
/// <remarks>
/// The reference scales a 4-D kernel by its own last two sizes (kh/kw); this transform uses the 2-D view it
/// orthogonalizes, so the scale always matches the matrix. Every parameter it sees must have ≥ 2 dimensions; route
/// the others elsewhere with <see cref="Partition"/>.
/// </remarks>
public sealed class ScaleByMuon : GradientTransform<MomentState>
{
    /// <summary>Validates and creates the transform.</summary>
    /// <param name="momentum">β in [0, 1).</param>
    /// <param name="nesterov">Use the Nesterov look-ahead (the reference always does).</param>
    /// <param name="orthogonalizer">The Newton–Schulz configuration (default <see cref="NewtonSchulz.Muon"/>).</param>
    public ScaleByMuon(double momentum = 0.95, bool nesterov = true, NewtonSchulz? orthogonalizer = null)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentException($"momentum must be in [0, 1) (got {momentum})", nameof(momentum));
        Momentum = momentum;
        Nesterov = nesterov;
        Orthogonalizer = orthogonalizer ?? NewtonSchulz.Muon;
    }

    /// <summary>β.</summary>
    public double Momentum { get; }

    /// <summary>Nesterov look-ahead.</summary>
    public bool Nesterov { get; }

    /// <summary>The orthogonalization.</summary>
    public NewtonSchulz Orthogonalizer { get; }

    /// <inheritdoc/>
    public override string Name => "muon";

    /// <summary>max(1, rows/cols)^½ for a parameter of <paramref name="shape"/> viewed as (shape[0], −1).</summary>
    public static double ShapeScale(ReadOnlySpan<long> shape)
    {
        long rows = shape[0];
        long cols = 1;
        for (int d = 1; d < shape.Length; d++) cols *= shape[d];
        return Math.Sqrt(Math.Max(1.0, (double)rows / cols));
    }

    /// <inheritdoc/>
    protected override MomentState InitState(IReadOnlyList<ModelParameter> parameters)
    {
        foreach (var p in parameters)
        {
            if (p.Tensor.Dim < 2)
            {
                throw new ArgumentException($"Muon orthogonalizes matrices, but parameter '{p.Name}' has shape [{string.Join(", ", p.Tensor.Shape)}]; route it to another transform (Partition)", nameof(parameters));
            }
        }

        return new MomentState(parameters, 1);
    }

    /// <inheritdoc/>
    protected override void Update(UpdateContext context, MomentState state)
    {
        var momentum = state.Lists[0];
        var updates = context.Updates;
        Foreach.LerpInPlace(momentum, updates, 1 - Momentum);
        if (Nesterov) Foreach.LerpInPlace(updates, momentum, Momentum);
        else for (int i = 0; i < updates.Length; i++) updates[i].CopyInPlace(momentum[i]);

        // Every (rows, −1) view goes through Newton–Schulz in one native call: same-shape views as one batch, the
        // batches spread over the threads when the work splits evenly; results are written back through the views.
        var matrices = new Tensor[updates.Length];
        var scales = new double[updates.Length];
        for (int i = 0; i < updates.Length; i++)
        {
            var u = updates[i];
            // (rows, cols): conv kernels become (out, in·kh·kw); a view of u unless u is not contiguous.
            matrices[i] = (u.IsContiguous ? u : u.Contiguous()).Reshape(u.Shape[0], -1);
            scales[i] = ShapeScale(u.Shape);
        }

        Orthogonalizer.OrthogonalizeAllInPlace(matrices, scales);

        // Non-contiguous updates were copied: write those back (the others were written through their views).
        for (int i = 0; i < updates.Length; i++)
        {
            if (!updates[i].IsContiguous) updates[i].CopyInPlace(matrices[i].Reshape(updates[i].Shape));
        }
    }
}
