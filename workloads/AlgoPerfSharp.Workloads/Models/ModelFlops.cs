namespace AlgoPerfSharp.Workloads.Models;

/// <summary>
/// Forward-pass FLOPs per example of the three model families, counted layer by layer: 2 FLOPs per multiply-add of
/// every convolution, linear layer and attention product (QKᵀ and the weighted sum of V, counted in full even when
/// causal, since the dense kernels compute the masked half too). Normalisations, activations, pooling, residual adds,
/// softmax, RoPE and the embedding lookup are left out (they are O(activations), a few percent at these sizes).
/// A training step costs ≈ 3 × forward (the backward pass computes the gradients of inputs and of weights, each as
/// large as the forward product), which is what <see cref="TrainingStep"/> returns.
/// </summary>
public static class ModelFlops
{
    /// <summary>FLOPs of one training step (forward + backward ≈ 3 × forward) over <paramref name="examples"/> examples.</summary>
    public static double TrainingStep(double forwardPerExample, long examples) => 3.0 * forwardPerExample * examples;

    /// <summary>Forward FLOPs of one image through <paramref name="config"/>, at <paramref name="imageSize"/>² pixels.</summary>
    public static double ResNet(ResNetConfig config, int imageSize = 28)
    {
        ArgumentNullException.ThrowIfNull(config);
        double total = 0;
        int size = imageSize;
        total += Conv(config.InChannels, config.StemWidth, 3, size);                 // stem 3×3, stride 1
        int width = config.StemWidth;
        for (int s = 0; s < config.StageWidths.Count; s++)
        {
            int outWidth = config.StageWidths[s];
            for (int b = 0; b < config.BlocksPerStage; b++)
            {
                int stride = b == 0 ? config.StageStrides[s] : 1;
                int outSize = ((size - 1) / stride) + 1;                               // 3×3, padding 1
                total += Conv(width, outWidth, 3, outSize);                           // conv1 (strided)
                total += Conv(outWidth, outWidth, 3, outSize);                        // conv2
                if (stride != 1 || width != outWidth) total += Conv(width, outWidth, 1, outSize); // 1×1 shortcut
                width = outWidth;
                size = outSize;
            }
        }

        return total + Linear(width, config.NumClasses);                               // head on the pooled features
    }

    /// <summary>Forward FLOPs of one image through <paramref name="config"/>.</summary>
    public static double Vit(VitConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int grid = config.ImageSize / config.PatchSize;
        int patches = grid * grid;
        long tokens = patches + 1;                                                     // + cls
        int d = config.Dim;
        double patchEmbed = Conv(config.InChannels, d, config.PatchSize, grid);
        double perBlock =
            (tokens * Linear(d, 3 * d)) +                                              // fused qkv
            (2.0 * 2.0 * tokens * tokens * d) +                                        // QKᵀ and A·V over all heads
            (tokens * Linear(d, d)) +                                                  // output projection
            (tokens * (Linear(d, config.MlpDim) + Linear(config.MlpDim, d)));           // MLP
        return patchEmbed + (config.Depth * perBlock) + Linear(d, config.NumClasses);   // head on cls only
    }

    /// <summary>Forward FLOPs of one window of <see cref="LlamaConfig.Context"/> tokens through <paramref name="config"/>.</summary>
    public static double Llama(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long t = config.Context;
        int d = config.Dim;
        double ffn = config.GatedFfn
            ? (2 * Linear(d, config.FfnHidden)) + Linear(config.FfnHidden, d)          // w1, w3, w2
            : Linear(d, config.FfnHidden) + Linear(config.FfnHidden, d);
        double perLayer =
            (t * 4 * Linear(d, d)) +                                                   // q, k, v, o
            (2.0 * 2.0 * t * t * d) +                                                  // QKᵀ and A·V (full, then masked)
            (t * ffn);
        return (config.Layers * perLayer) + (t * Linear(d, config.VocabSize));           // tied output head
    }

    private static double Conv(int inChannels, int outChannels, int kernel, int outSize) =>
        2.0 * inChannels * outChannels * kernel * kernel * outSize * outSize;

    private static double Linear(int inFeatures, int outFeatures) => 2.0 * inFeatures * outFeatures;
}
