using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

// The built-in algorithms declare themselves exactly as a plugin does, so the harness's registry, `algoperf list` and
// the conformance command find them by the same attribute it reads from plugin assemblies. The order is `list`'s.
[assembly: TrainingAlgorithm(typeof(AdamW))]
[assembly: TrainingAlgorithm(typeof(NAdamW))]
[assembly: TrainingAlgorithm(typeof(SgdNesterov))]
[assembly: TrainingAlgorithm(typeof(Shampoo))]
[assembly: TrainingAlgorithm(typeof(EcShampoo))]
[assembly: TrainingAlgorithm(typeof(Soap))]
[assembly: TrainingAlgorithm(typeof(PurifiedShampoo))]
[assembly: TrainingAlgorithm(typeof(Muon))]
[assembly: TrainingAlgorithm(typeof(Asgo))]
[assembly: TrainingAlgorithm(typeof(Dasgo))]
[assembly: TrainingAlgorithm(typeof(ScheduleFreeAdamW))]
[assembly: TrainingAlgorithm(typeof(SophiaG))]
[assembly: TrainingAlgorithm(typeof(SophiaH))]
[assembly: TrainingAlgorithm(typeof(ProgressiveBatchingLbfgs))]
[assembly: TrainingAlgorithm(typeof(CrossFitAdamW))]
[assembly: TrainingAlgorithm(typeof(CrossFitShampoo))]
