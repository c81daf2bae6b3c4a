using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Optimizers.Tests;

/// <summary>Every built-in declares its hyperparameters once; defaults, search spaces and checks agree with the declaration.</summary>
public sealed class DeclaredHyperparametersTests
{
    private static readonly TransformAlgorithm[] BuiltIns =
        [new AdamW(), new NAdamW(), new SgdNesterov(), new Muon(), new Shampoo(), new EcShampoo(), new PurifiedShampoo(), new Soap(), new Asgo(), new Dasgo(), new ScheduleFreeAdamW(), new SophiaG(), new SophiaH(), new CrossFitAdamW(), new CrossFitShampoo()];

    // algorithms that are not transform recipes declare their hyperparameters themselves
    private static readonly ITrainingAlgorithm[] OwnSteps = [new ProgressiveBatchingLbfgs()];

    private static Hyperparameters Point(string key, object value) => new(new Dictionary<string, object> { [key] = value });

    [Fact]
    public void EveryBuiltInsDefaultsAndSearchSpaceSatisfyItsDeclaration()
    {
        foreach (var a in BuiltIns)
        {
            var declared = a.Declared;
            Assert.Equal(declared.Count, declared.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
            Assert.All(declared, d => Assert.False(string.IsNullOrWhiteSpace(d.Meaning), $"{a.Name}.{d.Name} has no meaning"));

            // the defaults are exactly the recipe's declarations (the engine's grad_clip and lr_schedule are declared, not defaulted)
            Assert.Equal(declared.Count - 2, a.Defaults.Values.Count);
            Assert.All(declared.Take(declared.Count - 2), d => Assert.Equal(d.Default, a.Defaults.Values[d.Name]));
            Assert.Equal(["grad_clip", "lr_schedule"], declared.Skip(declared.Count - 2).Select(d => d.Name));
            HyperparameterDeclarations.Validate(a.Defaults, declared, a.Name);
            HyperparameterDeclarations.Validate(a.SearchSpace, declared, a.Name);
        }

        foreach (var a in OwnSteps)
        {
            var declared = a.Declared;
            Assert.Equal(declared.Count, declared.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
            Assert.All(declared, d => Assert.False(string.IsNullOrWhiteSpace(d.Meaning), $"{a.Name}.{d.Name} has no meaning"));
            Assert.Equal(declared.Count, a.Defaults.Values.Count);
            Assert.All(declared, d => Assert.Equal(d.Default, a.Defaults.Values[d.Name]));
            HyperparameterDeclarations.Validate(a.Defaults, declared, a.Name);
            HyperparameterDeclarations.Validate(a.SearchSpace, declared, a.Name);
        }
    }

    [Fact]
    public void AdamwDeclaresTheDefaultsItDocuments()
    {
        var d = new AdamW().Defaults;
        Assert.Equal(1e-3, d.GetDouble("learning_rate"));
        Assert.Equal(0.1, d.GetDouble("one_minus_beta1"));
        Assert.Equal(0.999, d.GetDouble("beta2"));
        Assert.Equal(1e-8, d.GetDouble("epsilon"));
        Assert.Equal(0.01, d.GetDouble("weight_decay"));
        Assert.Equal(0.05, d.GetDouble("warmup_factor"));
    }

    [Fact]
    public void AMisspeltKeyIsOneLineNamingTheKnownKeysAndTheNearestOne()
    {
        var a = new AdamW();
        var e = Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("beta1", 0.9), a.Declared, a.Name));
        Assert.Equal("adamw has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares beta2, epsilon, grad_clip, " +
            "learning_rate, lr_schedule, one_minus_beta1, warmup_factor, weight_decay", e.Message);

        // the reverse form and a small typo are suggested too; a far-off name gets no suggestion
        Assert.Contains("(did you mean beta2?)", Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("one_minus_beta2", 0.001), a.Declared, a.Name)).Message);
        Assert.Contains("(did you mean weight_decay?)", Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("weight_decy", 0.1), a.Declared, a.Name)).Message);
        Assert.StartsWith("adamw has no hyperparameter 'momentum'; it declares", Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("momentum", 0.9), a.Declared, a.Name)).Message);
    }

    [Theory]
    [InlineData("learning_rate", "fast", "adamw: learning_rate = \"fast\" must be a number in [0, inf]")]
    [InlineData("one_minus_beta1", 1.5, "adamw: one_minus_beta1 = 1.5 must be a number in [0, 1]")]
    [InlineData("weight_decay", -0.1, "adamw: weight_decay = -0.1 must be a number in [0, inf]")]
    [InlineData("lr_schedule", "linear", "adamw: lr_schedule = \"linear\" must be one of warmup_cosine|constant")]
    [InlineData("grad_clip", true, "adamw: grad_clip = true must be a number in [0, inf]")]
    public void AnIllTypedOrOutOfRangeValueIsOneLine(string key, object value, string message)
    {
        var a = new AdamW();
        Assert.Equal(message, Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point(key, value), a.Declared, a.Name)).Message);
    }

    [Fact]
    public void SearchSpacesAreCheckedAgainstTheDeclaredRangesAndKinds()
    {
        var shampoo = new Shampoo();
        void Check(string json) => HyperparameterDeclarations.Validate(SearchSpace.Parse(json), shampoo.Declared, shampoo.Name);
        Check("""{"one_minus_beta2": {"min": 0.001, "max": 0.1, "scaling": "log"}, "grafting": {"feasible_points": ["adam", "sgd"]}}""");
        Check("""[{"start_preconditioning_step": -1}, {"start_preconditioning_step": 200}]""");
        Assert.Equal("shampoo: one_minus_beta1 ranges over [0.01, 2] but must be a number in [0, 1]",
            Assert.Throws<HyperparameterException>(() => Check("""{"one_minus_beta1": {"min": 0.01, "max": 2}}""")).Message);
        Assert.Equal("shampoo: grafting = \"adamw\" must be one of adam|rmsprop|adagrad|sgd|none",
            Assert.Throws<HyperparameterException>(() => Check("""{"grafting": {"feasible_points": ["adam", "adamw"]}}""")).Message);
        Assert.Equal("shampoo: precondition_frequency = 12.5 must be a whole number in [1, inf]",
            Assert.Throws<HyperparameterException>(() => Check("""{"precondition_frequency": {"feasible_points": [12.5]}}""")).Message);
        Assert.Contains("precondition_frequency is a whole number [1, inf]; give it feasible_points",
            Assert.Throws<HyperparameterException>(() => Check("""{"precondition_frequency": {"min": 10, "max": 100}}""")).Message);
        Assert.Contains("use_nesterov is boolean (true|false); give it feasible_points",
            Assert.Throws<HyperparameterException>(() => Check("""{"use_nesterov": {"min": 0, "max": 1}}""")).Message);
        Assert.Equal("shampoo has no hyperparameter 'beta2' (did you mean one_minus_beta2?); it declares epsilon, grad_clip, grafting, grafting_epsilon, " +
            "learning_rate, lr_schedule, max_preconditioner_dim, one_minus_beta1, one_minus_beta2, precondition_frequency, start_preconditioning_step, " +
            "use_nesterov, warmup_factor, weight_decay",
            Assert.Throws<HyperparameterException>(() => Check("""[{"beta2": 0.99}]""")).Message);
    }

    [Fact]
    public void InitRefusesAnUndeclaredKeyBeforeTouchingTheParameters()
    {
        var e = Assert.Throws<HyperparameterException>(() => new SgdNesterov().Init(new AlgorithmInitContext([], Point("beta1", 0.9), Fixtures.Workload(), 0)));
        Assert.StartsWith("sgd_nesterov has no hyperparameter 'beta1' (did you mean one_minus_beta1?)", e.Message);
    }

    [Fact]
    public void TheReaderRefusesToReadAnUndeclaredKey()
    {
        var h = new HyperparameterReader(Hyperparameters.Empty, new AdamW().Declared);
        Assert.Equal(0.999, h.Beta("beta2"));
        Assert.Equal(0.9, h.Beta("beta1"), 15); // 1 − one_minus_beta1, the declared form
        Assert.Equal("warmup_cosine", h.GetString("lr_schedule"));
        var e = Assert.Throws<InvalidOperationException>(() => h.Get("momentum"));
        Assert.Contains("reads 'momentum', which its algorithm does not declare", e.Message);
    }

    [Fact]
    public void APluginThatDeclaresNothingGetsDeclarationsDerivedFromItsDefaults()
    {
        ITrainingAlgorithm plain = new DefaultsOnly();
        var declared = plain.Declared;
        Assert.Equal(["flag", "mode", "rate"], declared.Select(d => d.Name));
        Assert.Equal([HyperparameterKind.Boolean, HyperparameterKind.Text, HyperparameterKind.Real], declared.Select(d => d.Kind));
        HyperparameterDeclarations.Validate(new Hyperparameters(new Dictionary<string, object> { ["rate"] = -5.0, ["mode"] = "other", ["flag"] = false }), declared, "plain");
        Assert.StartsWith("plain has no hyperparameter 'rates' (did you mean rate?)",
            Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("rates", 1.0), declared, "plain")).Message);
        Assert.Equal("plain: rate = \"x\" must be a number in [-inf, inf]",
            Assert.Throws<HyperparameterException>(() => HyperparameterDeclarations.Validate(Point("rate", "x"), declared, "plain")).Message);
    }

    [Fact]
    public void ADeclarationRefusesADefaultOutsideItsRange()
    {
        Assert.Contains("the default 2 must be a number in [0, 1]",
            Assert.Throws<ArgumentException>(() => HyperparameterDeclaration.Real("beta2", 2, 0, 1, "decay")).Message);
        Assert.Contains("the default \"adamw\" must be one of adam|sgd",
            Assert.Throws<ArgumentException>(() => HyperparameterDeclaration.Choice("grafting", "adamw", ["adam", "sgd"], "g")).Message);
        Assert.Contains("declared twice", Assert.Throws<ArgumentException>(() => HyperparameterDeclarations.DefaultsOf(
            [CommonHyperparameters.Beta2(0.9), CommonHyperparameters.Beta2(0.99)])).Message);
    }

    private sealed class DefaultsOnly : ITrainingAlgorithm
    {
        public string Name => "plain";

        public SearchSpace SearchSpace { get; } = SearchSpace.Parse("""{"rate": {"feasible_points": [1.0]}}""");

        public Hyperparameters Defaults { get; } = new(new Dictionary<string, object> { ["rate"] = 1.0, ["mode"] = "a", ["flag"] = true });

        public ITrainingRun Init(AlgorithmInitContext context) => throw new NotSupportedException();
    }
}
