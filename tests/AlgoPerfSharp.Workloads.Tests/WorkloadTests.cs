using AlgoPerfSharp.Torch;
using AlgoPerfSharp.Workloads.Data;
using AlgoPerfSharp.Workloads.Models;
using AlgoPerfSharp.Workloads.Suite;

namespace AlgoPerfSharp.Workloads.Tests;

/// <summary>The six built-in workloads: registry, specs, metrics, native-memory hygiene and training on tiny presets.</summary>
public sealed class WorkloadTests
{
    private static readonly WorkloadRegistry Registry = new();
    private static readonly string[] BaseNames = [FashionMnistWorkloads.ResNet, FashionMnistWorkloads.Vit, SotuWorkloads.Llama];

    [Fact]
    public void RegistryListsTheThreeWorkloadsAndTheirVariants()
    {
        var builtIns = BuiltIns.All().ToDictionary(d => d.Name);
        Assert.Equal(6, builtIns.Count);
        Assert.Null(builtIns["fashion_mnist_resnet"].VariantOf);
        Assert.Null(builtIns["fashion_mnist_vit"].VariantOf);
        Assert.Null(builtIns["sotu_llama"].VariantOf);
        Assert.Equal("fashion_mnist_resnet", builtIns["fashion_mnist_resnet_silu"].VariantOf);
        Assert.Equal("fashion_mnist_vit", builtIns["fashion_mnist_vit_postln"].VariantOf);
        Assert.Equal("sotu_llama", builtIns["sotu_llama_gelu"].VariantOf);
        foreach (var d in builtIns.Values)
        {
            Assert.Equal(["cpu", "gpu", "tiny", "quick"], d.Presets);
            Assert.False(string.IsNullOrWhiteSpace(d.Description));
            Assert.Same(d.Name, Registry.Find(d.Name)?.Name);
        }

        var e = Assert.Throws<ArgumentException>(() => Registry.Create("sotu_llama", "huge"));
        Assert.Contains("cpu, gpu, tiny, quick", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuSpecsAreSane()
    {
        foreach (string name in new[] { FashionMnistWorkloads.ResNet, FashionMnistWorkloads.ResNetSilu, FashionMnistWorkloads.Vit, FashionMnistWorkloads.VitPostLn })
        {
            var s = FashionMnistWorkloads.Spec(name, Presets.Cpu, 55_000, 5_000, 10_000);
            Assert.Equal("error_rate", s.TargetMetric);
            Assert.Equal(Direction.LowerIsBetter, s.Direction);
            Assert.InRange(s.ValidationTarget, 0.05, 0.5);
            Assert.True(s.TestTarget >= s.ValidationTarget);
            Assert.Equal(128, s.ReferenceBatchSize);
            Assert.InRange(s.MaxRuntimeSeconds / s.EvalPeriodSeconds, 3, 50); // at least three evals after step 1 within the budget
            Assert.Equal(name.EndsWith("_silu", StringComparison.Ordinal) || name.EndsWith("_postln", StringComparison.Ordinal), s.VariantOf is not null);
        }

        foreach (string name in new[] { SotuWorkloads.Llama, SotuWorkloads.LlamaGelu })
        {
            var s = SotuWorkloads.Spec(name, Presets.Cpu, 30_000, SotuWorkloads.CpuEvalWindows, SotuWorkloads.CpuEvalWindows);
            Assert.Equal("loss", s.TargetMetric);
            Assert.InRange(s.ValidationTarget, 1.0, Math.Log(256));
            Assert.Equal(16, s.ReferenceBatchSize);
            Assert.Equal(SotuWorkloads.CpuEvalWindows, s.NumValidationExamples);
        }
    }

    [Fact]
    public void TinyWorkloadsEvaluateNamedMetricsAndFreeEveryTensor()
    {
        foreach (string name in BaseNames)
        {
            using var workload = Registry.Create(name, Presets.Tiny);
            Settle(); // tensors an earlier test dropped without disposing must not be finalized inside this count
            long baseline = TorchRuntime.LiveTensors;
            using (var model = workload.CreateModel(seed: 3))
            using (var batches = workload.TrainBatches(seed: 4, batchSize: 8))
            {
                for (int step = 0; step < 3; step++)
                {
                    using var scope = new DisposeScope();
                    foreach (var p in model.Parameters) p.Parameter.Grad = null;
                    model.Module.Train();
                    var loss = workload.Loss(model, batches.Next(), labelSmoothing: 0.1);
                    loss.Backward();
                    using var noGrad = Autograd.NoGrad();
                    foreach (var p in model.Parameters) p.Parameter.Data.SubInPlace(p.Parameter.Grad! * 1e-3);
                }

                double before = ParameterSum(model);
                var m = workload.Evaluate(model, DataSplit.Validation);
                var again = workload.Evaluate(model, DataSplit.Validation);
                Assert.Equal(before, ParameterSum(model));  // evaluation does not touch the parameters
                Assert.Equal(m, again);                      // and is deterministic (fixed examples, eval mode)
                if (name == SotuWorkloads.Llama)
                {
                    Assert.Equal(["bits_per_byte", "loss", "perplexity"], m.Keys.Order(StringComparer.Ordinal));
                    Assert.Equal(m["loss"] / Math.Log(2), m["bits_per_byte"], tolerance: 1e-12);
                    Assert.Equal(Math.Exp(m["loss"]), m["perplexity"], tolerance: 1e-9);
                    Assert.InRange(m["loss"], Math.Log(256) - 0.2, Math.Log(256) + 0.2); // near-uniform at init (small embeddings)
                }
                else
                {
                    Assert.Equal(["accuracy", "error_rate", "loss"], m.Keys.Order(StringComparer.Ordinal));
                    Assert.Equal(1 - m["accuracy"], m["error_rate"], tolerance: 1e-12);
                    Assert.InRange(m["accuracy"], 0, 1);
                    Assert.InRange(m["loss"], 0.5, 5);
                }

                Assert.Equal(3, workload.Evaluate(model, DataSplit.Train).Count);
                Assert.Equal(3, workload.Evaluate(model, DataSplit.Test).Count);
            }

            Assert.Equal(baseline, TorchRuntime.LiveTensors); // no collection first: a leak must not be hidden by finalizers
        }

        static void Settle()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void TrainBatchesArePrefetchedAndResumable()
    {
        using var workload = Registry.Create(SotuWorkloads.Llama, Presets.Tiny);
        using var scope = new DisposeScope();
        long[] third;
        using (var a = workload.TrainBatches(seed: 9, batchSize: 4))
        {
            a.Next();
            a.Next();
            Assert.Equal(2, a.NextIndex);
            third = a.Next().Inputs.ToArray<long>();
        }

        using var b = workload.TrainBatches(seed: 9, batchSize: 4, startIndex: 2);
        var batch = b.Next();
        Assert.Equal(third, batch.Inputs.ToArray<long>());
        Assert.Equal([4, 32], batch.Inputs.Shape);
        Assert.Equal(batch.Inputs.Narrow(1, 1, 31).ToArray<long>(), batch.Targets.Narrow(1, 0, 31).ToArray<long>()); // next-token targets
    }

    [Theory]
    [InlineData("fashion_mnist_resnet", 0.3)]
    [InlineData("fashion_mnist_vit", 0.3)]
    [InlineData("sotu_llama", 0.6)]
    public void AdamWOnATinyConfigFitsAFixedBatch(string name, double ratio)
    {
        // 60 AdamW steps (lr 1e-2) on one fixed batch of the tiny preset: the training loss falls below `ratio` × its
        // initial value (the tiny models can memorise 8 images; 4 × 32 bytes of text start near ln 256 and the LM
        // first learns the byte statistics, hence its looser margin).
        using var workload = Registry.Create(name, Presets.Tiny);
        using var model = workload.CreateModel(seed: 1);
        using var opt = Adam.For(model, lr: 1e-2);
        using var outer = new DisposeScope();
        Batch batch;
        using (var stream = workload.TrainBatches(seed: 2, batchSize: name == SotuWorkloads.Llama ? 4 : 8)) batch = stream.Next();
        model.Module.Train();
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = new DisposeScope();
            model.Module.ZeroGrad();
            var loss = workload.Loss(model, batch);
            loss.Backward();
            Assert.True(opt.Step());
            last = loss.ToDouble();
            if (step == 0) first = last;
        }

        Assert.True(last < ratio * first, $"{name}: loss {first:F3} → {last:F3}, expected below {ratio} × initial");
    }

    [Fact]
    public void VariantsChangeTheModelButNotItsSize()
    {
        using var scope = new DisposeScope();
        foreach (var (baseName, variant) in new[]
        {
            (FashionMnistWorkloads.ResNet, FashionMnistWorkloads.ResNetSilu),
            (FashionMnistWorkloads.Vit, FashionMnistWorkloads.VitPostLn),
            (SotuWorkloads.Llama, SotuWorkloads.LlamaGelu),
        })
        {
            using var a = Registry.Create(baseName, Presets.Tiny);
            using var b = Registry.Create(variant, Presets.Tiny);
            Assert.Equal(baseName, b.Spec.VariantOf);
            using var ma = a.CreateModel(5);
            using var mb = b.CreateModel(5);
            Assert.Equal(ma.Module.ParameterCount, mb.Module.ParameterCount);
            using var stream = a.TrainBatches(1, 4);
            var batch = stream.Next();
            Assert.NotEqual(a.Loss(ma, batch).ToDouble(), b.Loss(mb, batch).ToDouble());
        }
    }

    [Fact]
    public void SpecsWithoutLoadingEqualTheBuiltWorkloadsSpecs()
    {
        bool images = Directory.Exists(FashionMnist.DebianDirectory), text = Directory.Exists(DataPaths.Sotu);
        foreach (var d in BuiltIns.All())
        {
            bool installed = d.Name.StartsWith("sotu", StringComparison.Ordinal) ? text : images;
            foreach (string preset in installed ? new[] { Presets.Tiny, Presets.Quick, Presets.Cpu } : [Presets.Tiny])
            {
                using var w = Registry.Create(d.Name, preset);
                Assert.Equal(w.Spec, Registry.Spec(d.Name, preset));
                Assert.True(w.Spec.ForwardFlopsPerExample > 0, d.Name);
            }
        }
    }

    [Fact]
    public void QuickPresetEvaluatesOnFixedSubsetsOfTheRealSplitsWhenInstalled()
    {
        if (Directory.Exists(FashionMnist.DebianDirectory))
        {
            using var w = Registry.Create(FashionMnistWorkloads.Vit, Presets.Quick);
            Assert.Equal((55_000L, 1_000L, 1_000L), (w.Spec.NumTrainExamples, w.Spec.NumValidationExamples, w.Spec.NumTestExamples));
            Assert.Equal(ModelFlops.Vit(VitConfig.Quick), w.Spec.ForwardFlopsPerExample);
        }

        if (Directory.Exists(DataPaths.Sotu))
        {
            using var w = (LanguageModelWorkload)Registry.Create(SotuWorkloads.Llama, Presets.Quick);
            var starts = w.EvalWindowStarts(DataSplit.Validation);
            Assert.Equal(SotuWorkloads.QuickEvalWindows, starts.Length);
            Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second - p.First >= 128)); // disjoint windows of the quick context
        }
    }

    [Fact]
    public void RealDataHaveTheDocumentedSizesWhenInstalled()
    {
        if (Directory.Exists(FashionMnist.DebianDirectory))
        {
            using var w = Registry.Create(FashionMnistWorkloads.ResNet);
            Assert.Equal((55_000L, 2_000L, 2_000L), (w.Spec.NumTrainExamples, w.Spec.NumValidationExamples, w.Spec.NumTestExamples));
            using var gpu = Registry.Create(FashionMnistWorkloads.ResNet, Presets.Gpu); // data only; the model is built later
            Assert.Equal((55_000L, 5_000L, 10_000L), (gpu.Spec.NumTrainExamples, gpu.Spec.NumValidationExamples, gpu.Spec.NumTestExamples));
        }

        if (Directory.Exists(DataPaths.Sotu))
        {
            using var w = (LanguageModelWorkload)Registry.Create(SotuWorkloads.Llama);
            var starts = w.EvalWindowStarts(DataSplit.Validation);
            Assert.Equal(SotuWorkloads.CpuEvalWindows, starts.Length);
            Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second - p.First >= LlamaConfig.Cpu.Context)); // disjoint windows
            Assert.True(w.Spec.NumTrainExamples > 20_000);
        }
    }

    private static double ParameterSum(WorkloadModel model)
    {
        using var scope = new DisposeScope();
        return model.Parameters.Sum(p => p.Parameter.Data.Sum([], dtype: DType.Float64).ToDouble());
    }
}
