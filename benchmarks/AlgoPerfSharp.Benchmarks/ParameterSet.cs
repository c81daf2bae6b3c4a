using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Torch;

namespace AlgoPerfSharp.Benchmarks;

/// <summary>One tensor of a parameter set: its name, shape and kind.</summary>
/// <param name="Name">Dotted name.</param>
/// <param name="Shape">Sizes.</param>
/// <param name="Type">Kind (decides e.g. Muon vs Adam).</param>
public sealed record ParameterSpec(string Name, long[] Shape, ParameterType Type);

/// <summary>
/// A fixed list of parameter shapes an optimizer step is timed on (plain tensors with random gradients, no model).
/// The same shapes, kinds and seeding are spelled out in <c>benchmarks/reference/optimizer_step.py</c> for the PyTorch comparison.
/// </summary>
/// <param name="Name">Short name used on the command line.</param>
/// <param name="Parameters">The tensors.</param>
public sealed record ParameterSet(string Name, IReadOnlyList<ParameterSpec> Parameters)
{
    /// <summary>(a) one 1024×1024 dense weight.</summary>
    public static ParameterSet Single1024 { get; } = new("w1024", [new("w", [1024, 1024], ParameterType.Weight)]);

    /// <summary>
    /// (b) "llama-tiny" (the issue-4 LM): embedding 256×256 (tied head) and 4 layers of {q, k, v, o 256×256; gate, up
    /// 688×256; down 256×688; two RMSNorm gains 256} plus a final norm 256 — 3,229,952 parameters.
    /// </summary>
    public static ParameterSet LlamaTiny { get; } = new("llama_tiny", BuildLlamaTiny());

    /// <summary>
    /// (c) the issue-4 ResNet (696,042 parameters): stem conv 32×1×3×3 + BN; stages of two BasicBlocks at widths 32,
    /// 64, 128 (strides 1, 2, 2, 1×1 conv + BN shortcut when the shape changes); Linear 128→10.
    /// </summary>
    public static ParameterSet ResNet { get; } = new("resnet", BuildResNet());

    /// <summary>All sets, in report order.</summary>
    public static IReadOnlyList<ParameterSet> All { get; } = [Single1024, LlamaTiny, ResNet];

    /// <summary>Total number of scalars.</summary>
    public long Count => Parameters.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Finds a set by name, with an error listing the known ones.</summary>
    public static ParameterSet Get(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"unknown parameter set '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})", nameof(name));

    /// <summary>
    /// Creates the parameters (float32, N(0, 0.02²), requiring grad) and one fixed N(0, 1) gradient per parameter,
    /// all outside any DisposeScope; the caller disposes them (<see cref="ParameterInstance.Dispose"/>).
    /// </summary>
    public ParameterInstance Create(ulong seed)
    {
        using var gen = new Generator(seed);
        var parameters = new List<ModelParameter>();
        var grads = new List<Tensor>();
        using (Autograd.NoGrad())
        {
            foreach (var spec in Parameters)
            {
                var t = DisposeScope.Detach(Tensor.RandN(spec.Shape, gen).MulInPlace(0.02));
                t.RequiresGrad = true;
                parameters.Add(new ModelParameter(spec.Name, t, spec.Type));
                grads.Add(DisposeScope.Detach(Tensor.RandN(spec.Shape, gen)));
            }
        }

        return new ParameterInstance(parameters, grads);
    }

    private static List<ParameterSpec> BuildLlamaTiny()
    {
        var list = new List<ParameterSpec> { new("embed", [256, 256], ParameterType.Embedding) };
        for (int l = 0; l < 4; l++)
        {
            string b = $"blocks.{l}.";
            list.Add(new(b + "attn_norm", [256], ParameterType.NormScale));
            list.Add(new(b + "q", [256, 256], ParameterType.AttentionQ));
            list.Add(new(b + "k", [256, 256], ParameterType.AttentionK));
            list.Add(new(b + "v", [256, 256], ParameterType.AttentionV));
            list.Add(new(b + "o", [256, 256], ParameterType.AttentionOut));
            list.Add(new(b + "ffn_norm", [256], ParameterType.NormScale));
            list.Add(new(b + "gate", [688, 256], ParameterType.Weight));
            list.Add(new(b + "up", [688, 256], ParameterType.Weight));
            list.Add(new(b + "down", [256, 688], ParameterType.Weight));
        }

        list.Add(new("final_norm", [256], ParameterType.NormScale));
        return list;
    }

    private static List<ParameterSpec> BuildResNet()
    {
        var list = new List<ParameterSpec> { new("stem.conv", [32, 1, 3, 3], ParameterType.ConvWeight) };
        AddBatchNorm(list, "stem.bn", 32);
        long inCh = 32;
        (long Width, bool Downsample)[] stages = [(32, false), (64, true), (128, true)];
        for (int s = 0; s < stages.Length; s++)
        {
            var (width, down) = stages[s];
            for (int blk = 0; blk < 2; blk++)
            {
                string b = $"stage{s + 1}.{blk}.";
                list.Add(new(b + "conv1", [width, inCh, 3, 3], ParameterType.ConvWeight));
                AddBatchNorm(list, b + "bn1", width);
                list.Add(new(b + "conv2", [width, width, 3, 3], ParameterType.ConvWeight));
                AddBatchNorm(list, b + "bn2", width);
                if (blk == 0 && down)
                {
                    list.Add(new(b + "shortcut.conv", [width, inCh, 1, 1], ParameterType.ConvWeight));
                    AddBatchNorm(list, b + "shortcut.bn", width);
                }

                inCh = width;
            }
        }

        list.Add(new("fc.weight", [10, 128], ParameterType.OutputHead));
        list.Add(new("fc.bias", [10], ParameterType.Bias));
        return list;
    }

    private static void AddBatchNorm(List<ParameterSpec> list, string name, long width)
    {
        list.Add(new(name + ".weight", [width], ParameterType.NormScale));
        list.Add(new(name + ".bias", [width], ParameterType.NormBias));
    }
}
