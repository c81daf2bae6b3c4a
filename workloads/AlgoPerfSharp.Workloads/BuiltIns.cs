using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads;

/// <summary>The built-in workload descriptors: three workloads and one held-out variant of each.</summary>
internal static class BuiltIns
{
    /// <summary>Every built-in workload and variant.</summary>
    public static IEnumerable<WorkloadDescriptor> All() =>
    [
        Image(FashionMnistWorkloads.ResNet, null, "Fashion-MNIST, ResNet (3 stages of 2 BasicBlocks, widths 32-128, 696k params); target validation error_rate"),
        Image(FashionMnistWorkloads.ResNetSilu, FashionMnistWorkloads.ResNet, "held-out variant of fashion_mnist_resnet: SiLU instead of ReLU"),
        Image(FashionMnistWorkloads.Vit, null, "Fashion-MNIST, ViT (patch 4, dim 128, 4 pre-LN blocks, 803k params); target validation error_rate"),
        Image(FashionMnistWorkloads.VitPostLn, FashionMnistWorkloads.Vit, "held-out variant of fashion_mnist_vit: post-LN blocks"),
        Text(SotuWorkloads.Llama, null, "State of the Union bytes, Llama (4 layers, dim 256, RoPE, SwiGLU, 3.2M params); target validation loss (nats/byte)"),
        Text(SotuWorkloads.LlamaGelu, SotuWorkloads.Llama, "held-out variant of sotu_llama: GELU FFN (hidden 1032, same parameter count) instead of SwiGLU"),
    ];

    private static WorkloadDescriptor Image(string name, string? variantOf, string description) =>
        new(name, description, variantOf, Presets.All, preset => FashionMnistWorkloads.Create(name, preset), preset => FashionMnistWorkloads.Spec(name, preset));

    private static WorkloadDescriptor Text(string name, string? variantOf, string description) =>
        new(name, description, variantOf, Presets.All, preset => SotuWorkloads.Create(name, preset), preset => SotuWorkloads.Spec(name, preset));
}
