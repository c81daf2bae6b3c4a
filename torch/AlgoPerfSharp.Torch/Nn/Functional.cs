using AlgoPerfSharp.Torch.Native;
using static AlgoPerfSharp.Torch.Native.NativeMethods;

namespace AlgoPerfSharp.Torch.Nn;

/// <summary>
/// Stateless neural-network ops and losses (PyTorch's <c>torch.nn.functional</c>), computed by libtorch and recorded
/// by autograd. Shapes use PyTorch's letters: N batch, C channels, H/W height/width, L sequence, * any extra dims.
/// </summary>
/// <remarks>
/// Every function returns a new tensor that the caller owns (it joins the current <see cref="DisposeScope"/>); inputs
/// are never modified except where stated (<see cref="BatchNorm"/> updates the running statistics in training).
/// Thread-safety: as libtorch's; each call is independent.
/// </remarks>
public static class Functional
{
    /// <summary>Affine map y = x Wᵀ + b.</summary>
    /// <param name="input">(*, in_features).</param>
    /// <param name="weight">(out_features, in_features).</param>
    /// <param name="bias">(out_features), or null for none.</param>
    /// <returns>(*, out_features).</returns>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using var b = new OptionalHandle(bias);
        return Tensor.Wrap(ats_nn_linear(input.Handle, weight.Handle, b.Ptr, out var r), r);
    }

    /// <summary>2-D convolution (cross-correlation, as in PyTorch).</summary>
    /// <param name="input">(N, C_in, H, W).</param>
    /// <param name="weight">(C_out, C_in / groups, kH, kW).</param>
    /// <param name="bias">(C_out), or null.</param>
    /// <param name="stride">Step of the window; default 1.</param>
    /// <param name="padding">Zero padding added on both sides of H and W; default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Splits the channels into this many independent groups (C_in and C_out divisible by it).</param>
    /// <returns>(N, C_out, H_out, W_out) with H_out = ⌊(H + 2·pad − dil·(kH − 1) − 1) / stride⌋ + 1 (same for W).</returns>
    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        Span<long> s = stackalloc long[6];
        (stride ?? 1).CopyTo(s[..2]);
        (padding ?? 0).CopyTo(s[2..4]);
        (dilation ?? 1).CopyTo(s[4..]);
        using var b = new OptionalHandle(bias);
        fixed (long* p = s)
        {
            return Tensor.Wrap(ats_nn_conv2d(input.Handle, weight.Handle, b.Ptr, p, p + 2, p + 4, groups, out var r), r);
        }
    }

    /// <summary>
    /// Batch normalisation over every dim but the channel dim 1: y = (x − mean) / √(var + eps) · weight + bias.
    /// In training the mean and (biased) variance come from the batch, and when given, <paramref name="runningMean"/>
    /// and <paramref name="runningVar"/> are updated in place: running = (1 − momentum)·running + momentum·batch, with
    /// the unbiased variance (exactly as PyTorch). Outside training the running statistics are used.
    /// </summary>
    /// <param name="input">(N, C) or (N, C, *), e.g. (N, C, H, W).</param>
    /// <param name="runningMean">(C) or null; required when <paramref name="training"/> is false. Updated in place in training.</param>
    /// <param name="runningVar">(C) or null; required when <paramref name="training"/> is false. Updated in place in training.</param>
    /// <param name="weight">(C) scale γ, or null for 1.</param>
    /// <param name="bias">(C) shift β, or null for 0.</param>
    /// <param name="training">Use batch statistics (and update the running ones).</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <returns>The same shape as <paramref name="input"/>.</returns>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var w = new OptionalHandle(weight);
        using var b = new OptionalHandle(bias);
        using var m = new OptionalHandle(runningMean);
        using var v = new OptionalHandle(runningVar);
        return Tensor.Wrap(ats_nn_batch_norm(input.Handle, w.Ptr, b.Ptr, m.Ptr, v.Ptr, training, momentum, eps, out var r), r);
    }

    /// <summary>Layer normalisation over the trailing dims: y = (x − mean) / √(var + eps) · weight + bias (biased variance).</summary>
    /// <param name="input">(*, normalized_shape...).</param>
    /// <param name="normalizedShape">The trailing dims to normalise over, e.g. [C] for (N, L, C).</param>
    /// <param name="weight">normalized_shape, or null.</param>
    /// <param name="bias">normalized_shape, or null.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <returns>The same shape as <paramref name="input"/>.</returns>
    public static unsafe Tensor LayerNorm(Tensor input, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var w = new OptionalHandle(weight);
        using var b = new OptionalHandle(bias);
        fixed (long* p = normalizedShape)
        {
            return Tensor.Wrap(ats_nn_layer_norm(input.Handle, p, normalizedShape.Length, w.Ptr, b.Ptr, eps, out var r), r);
        }
    }

    /// <summary>
    /// Root-mean-square normalisation over the last dim: y = x · rsqrt(mean(x², −1) + eps) · weight (no centring, no
    /// bias), as in Llama. On CPU in float32/float64 one autograd node with one pass per row each way
    /// (<c>torch/native/src/ops_fused.cpp</c>; not twice differentiable), elsewhere the composed elementwise graph.
    /// </summary>
    /// <param name="input">(*, D).</param>
    /// <param name="weight">(D), or null for 1.</param>
    /// <param name="eps">Added to the mean square for stability.</param>
    /// <returns>The same shape as <paramref name="input"/>.</returns>
    public static Tensor RmsNorm(Tensor input, Tensor? weight = null, double eps = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var w = new OptionalHandle(weight);
        return Tensor.Wrap(ats_nn_rms_norm(input.Handle, w.Ptr, eps, out var r), r);
    }

    /// <summary>
    /// Rotary position embedding, rotate-half convention: x ⊙ cos + [−x₂, x₁] ⊙ sin, where x₁, x₂ are the two halves of
    /// the last dim and the tables' first T rows are used. On CPU in float32/float64 one autograd node (one pass each
    /// way; output and gradient keep a (B, T, H, d) memory layout when x has one), elsewhere the composed graph.
    /// </summary>
    /// <param name="input">(B, H, T, d), d even; any strides with a contiguous last dim.</param>
    /// <param name="cos">(≥ T, d) table (no gradient).</param>
    /// <param name="sin">(≥ T, d) table (no gradient).</param>
    /// <returns>(B, H, T, d).</returns>
    public static Tensor RotaryEmbedding(Tensor input, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        return Tensor.Wrap(ats_nn_rope(input.Handle, cos.Handle, sin.Handle, out var r), r);
    }

    /// <summary>Looks up rows of an embedding table.</summary>
    /// <param name="indices">Integer tensor (*) of row numbers in [0, V).</param>
    /// <param name="weight">(V, D).</param>
    /// <returns>(*, D).</returns>
    public static Tensor Embedding(Tensor indices, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(weight);
        return Tensor.Wrap(ats_nn_embedding(weight.Handle, indices.Handle, out var r), r);
    }

    /// <summary>
    /// Pooled lookups (libtorch's <c>embedding_bag</c>): bag b is rows <c>indices[offsets[b] .. offsets[b+1])</c> of
    /// <paramref name="weight"/> (the last bag runs to the end), reduced by <paramref name="mode"/>; an empty bag gives
    /// zeros. With one id per bag (<c>offsets</c> = 0, 1, …, N − 1) it is a lookup, as DLRM's one-hot features.
    /// </summary>
    /// <param name="weight">(V, D) floating table.</param>
    /// <param name="indices">int64 (L): every bag's rows back to back, each in [0, V).</param>
    /// <param name="offsets">int64 (B): where each bag starts in <paramref name="indices"/>; 0 first, non-decreasing.</param>
    /// <param name="mode">Sum, mean or max of a bag's rows.</param>
    /// <param name="sparse">
    /// The backward gives <paramref name="weight"/> a sparse COO gradient (<see cref="Tensor.IsSparse"/>: the L rows
    /// looked up, uncoalesced, and one (D) value per lookup) instead of a dense (V, D) one that is zero on absent rows.
    /// Sum and mean only.
    /// </param>
    /// <param name="perSampleWeights">(L) scale of each looked-up row, or null (sum only).</param>
    /// <returns>(B, D).</returns>
    /// <exception cref="TorchException">An id out of range, bad offsets, or an option the mode does not allow (one line).</exception>
    public static Tensor EmbeddingBag(Tensor weight, Tensor indices, Tensor offsets, EmbeddingBagMode mode = EmbeddingBagMode.Sum,
        bool sparse = false, Tensor? perSampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(offsets);
        using var psw = new OptionalHandle(perSampleWeights);
        return Tensor.Wrap(ats_nn_embedding_bag(weight.Handle, indices.Handle, offsets.Handle, (int)mode, sparse, psw.Ptr, out var r), r);
    }

    /// <summary>
    /// Inverted dropout: in training, x · m / (1 − p) with m ~ Bernoulli(1 − p) drawn from <paramref name="generator"/>
    /// (libtorch's default generator when null), so a seeded generator makes it reproducible. Outside training, or
    /// when p = 0, returns a new handle to <paramref name="input"/> itself.
    /// </summary>
    /// <param name="input">Any shape.</param>
    /// <param name="p">Probability of zeroing an element, in [0, 1].</param>
    /// <param name="training">Apply dropout (false = identity).</param>
    /// <param name="generator">Source of the mask, or null.</param>
    /// <returns>The same shape as <paramref name="input"/>.</returns>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        using var g = new OptionalHandle(generator);
        return Tensor.Wrap(ats_nn_dropout(input.Handle, p, training, g.Ptr, out var r), r);
    }

    /// <summary>2-D max pooling.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; default = <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit −∞ padding on both sides; default 0 (at most half the kernel).</param>
    /// <param name="dilation">Spacing between window taps; default 1.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <returns>(N, C, H_out, W_out) with H_out = ⌊(H + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1.</returns>
    public static unsafe Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<long> s = stackalloc long[8];
        kernelSize.CopyTo(s[..2]);
        (stride ?? kernelSize).CopyTo(s[2..4]);
        (padding ?? 0).CopyTo(s[4..6]);
        (dilation ?? 1).CopyTo(s[6..]);
        fixed (long* p = s)
        {
            return Tensor.Wrap(ats_nn_max_pool2d(input.Handle, p, p + 2, p + 4, p + 6, ceilMode, out var r), r);
        }
    }

    /// <summary>2-D average pooling.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Window step; default = <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Zero padding on both sides; default 0.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padded zeros in the divisor (PyTorch's default).</param>
    /// <returns>(N, C, H_out, W_out).</returns>
    public static unsafe Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<long> s = stackalloc long[6];
        kernelSize.CopyTo(s[..2]);
        (stride ?? kernelSize).CopyTo(s[2..4]);
        (padding ?? 0).CopyTo(s[4..]);
        fixed (long* p = s)
        {
            return Tensor.Wrap(ats_nn_avg_pool2d(input.Handle, p, p + 2, p + 4, ceilMode, countIncludePad, out var r), r);
        }
    }

    /// <summary>Average pooling to a fixed output size (e.g. (1, 1) for global average pooling).</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="outputSize">(H_out, W_out).</param>
    /// <returns>(N, C, H_out, W_out).</returns>
    public static unsafe Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<long> s = stackalloc long[2];
        outputSize.CopyTo(s);
        fixed (long* p = s)
        {
            return Tensor.Wrap(ats_nn_adaptive_avg_pool2d(input.Handle, p, out var r), r);
        }
    }

    /// <summary>
    /// Scaled dot-product attention softmax(scale · q kᵀ) v, optionally causal (query i sees keys j ≤ i + S − T).
    /// On CPU in float32/float64 it is one autograd node (<c>torch/native/src/ops_attention.cpp</c>): per (batch,
    /// head) the scores GEMM, the row softmax and the value GEMM run back to back in cache, slices in parallel, and
    /// the output and gradients are laid out (B, T, H, d) so <c>y.Transpose(1, 2).Reshape(B, T, H·d)</c> is free.
    /// Elsewhere, or with <paramref name="allowFused"/> false, it is the composed graph (matmul, mul, masked fill,
    /// softmax, matmul). The fused node is not twice differentiable.
    /// </summary>
    /// <param name="q">(B, H, T, d); any strides with a contiguous last dim (no copy).</param>
    /// <param name="k">(B, H, S, d).</param>
    /// <param name="v">(B, H, S, d_v).</param>
    /// <param name="causal">Mask keys after each query's position (needs S ≥ T).</param>
    /// <param name="scale">Score scale; default 1/√d.</param>
    /// <param name="allowFused">False forces the composed graph (for comparisons and tests).</param>
    /// <returns>(B, H, T, d_v).</returns>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, bool causal = false, double? scale = null, bool allowFused = true)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        double s = scale ?? 1.0 / Math.Sqrt(q.Size(-1));
        return Tensor.Wrap(ats_nn_attention(q.Handle, k.Handle, v.Handle, causal, s, allowFused, out var r), r);
    }

    /// <summary>
    /// <see cref="ScaledDotProductAttention"/> over one packed projection: <paramref name="qkv"/> (B, T, 3, H, d) is a
    /// Linear(D → 3D) output viewed, q, k, v its three slices. The fused node's gradient comes back in that packed
    /// layout, so neither direction copies between the projection and attention.
    /// </summary>
    /// <param name="qkv">(B, T, 3, H, d) with a contiguous last dim.</param>
    /// <param name="causal">Mask keys after each query's position.</param>
    /// <param name="scale">Score scale; default 1/√d.</param>
    /// <param name="allowFused">False forces the composed graph.</param>
    /// <returns>(B, H, T, d), laid out (B, T, H, d) in memory when fused.</returns>
    public static Tensor ScaledDotProductAttentionPacked(Tensor qkv, bool causal = false, double? scale = null, bool allowFused = true)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        double s = scale ?? 1.0 / Math.Sqrt(qkv.Size(-1));
        return Tensor.Wrap(ats_nn_attention_packed(qkv.Handle, causal, s, allowFused, out var r), r);
    }

    /// <summary>Whether <see cref="ScaledDotProductAttention"/> can use its fused CPU kernel in this process (a CBLAS is loaded).</summary>
    public static bool FusedAttentionAvailable
    {
        get
        {
            TorchRuntime.EnsureInitialized();
            Check(ats_nn_attention_fused_available(out bool available));
            return available;
        }
    }

    /// <summary>Softmax along <paramref name="dim"/>: exp(x) / Σ exp(x), computed stably. Same shape as the input.</summary>
    public static Tensor Softmax(Tensor input, long dim)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(ats_nn_softmax(input.Handle, dim, out var r), r);
    }

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably. Same shape as the input.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.Wrap(ats_nn_log_softmax(input.Handle, dim, out var r), r);
    }

    /// <summary>
    /// Cross-entropy between logits and targets (log-softmax + negative log-likelihood, PyTorch's
    /// <c>F.cross_entropy</c>). With label smoothing ε the target distribution is (1 − ε)·onehot + ε / C. Targets equal
    /// to <paramref name="ignoreIndex"/> contribute nothing and are left out of the mean.
    /// </summary>
    /// <param name="input">Logits (N, C) or (N, C, d1, ...).</param>
    /// <param name="target">Class indices (N) or (N, d1, ...) as Int64, or class probabilities shaped like <paramref name="input"/>.</param>
    /// <param name="weight">Per-class weights (C), or null.</param>
    /// <param name="reduction">Mean (default), Sum, or None (per-sample losses (N) / (N, d1, ...)).</param>
    /// <param name="ignoreIndex">Target value to skip (index targets only).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>A 0-D tensor, or per-sample losses with <see cref="Reduction.None"/>.</returns>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        using var w = new OptionalHandle(weight);
        return Tensor.Wrap(ats_nn_cross_entropy(input.Handle, target.Handle, w.Ptr, (int)reduction, ignoreIndex, labelSmoothing, out var r), r);
    }

    /// <summary>Negative log-likelihood: −weight[t]·input[n, t] per sample (input holds log-probabilities).</summary>
    /// <param name="input">Log-probabilities (N, C) or (N, C, d1, ...).</param>
    /// <param name="target">Class indices (N) or (N, d1, ...), Int64.</param>
    /// <param name="weight">Per-class weights (C), or null.</param>
    /// <param name="reduction">Mean (weighted by the counted targets' weights), Sum, or None.</param>
    /// <param name="ignoreIndex">Target value to skip.</param>
    /// <returns>A 0-D tensor, or per-sample losses with <see cref="Reduction.None"/>.</returns>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        using var w = new OptionalHandle(weight);
        return Tensor.Wrap(ats_nn_nll_loss(input.Handle, target.Handle, w.Ptr, (int)reduction, ignoreIndex, out var r), r);
    }

    /// <summary>Mean squared error (x − y)², reduced as asked. Inputs broadcast as in PyTorch.</summary>
    /// <param name="input">Any shape.</param>
    /// <param name="target">The same shape as <paramref name="input"/>.</param>
    /// <param name="reduction">Mean (default), Sum, or None (elementwise).</param>
    /// <returns>A 0-D tensor, or the elementwise squared errors with <see cref="Reduction.None"/>.</returns>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        return Tensor.Wrap(ats_nn_mse_loss(input.Handle, target.Handle, (int)reduction, out var r), r);
    }
}
