using System.Reflection;
using AlgoPerfSharp.Harness.Cli;
using AlgoPerfSharp.Harness.Conformance;
using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

namespace AlgoPerfSharp.Harness.Tests;

/// <summary>
/// The conformance kit against the trajectories recorded from Debian's PyTorch 1.13 (optimizers/conformance/trajectories):
/// the matching built-ins pass, and algorithms that differ from the reference by one formula fail.
/// </summary>
public sealed class ConformanceTests : ScratchFolder
{
    private static string Trajectories => Path.Combine(
        typeof(ConformanceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!,
        "optimizers", "conformance", "trajectories");

    private static string AdamWTrajectory => Path.Combine(Trajectories, "adamw");

    private static string SgdTrajectory => Path.Combine(Trajectories, "sgd_nesterov");

    // torch.optim.AdamW(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01) in AlgoPerfSharp's names.
    private static readonly string[] AdamWSettings =
        ["learning_rate=0.01", "one_minus_beta1=0.1", "beta2=0.999", "epsilon=1e-8", "weight_decay=0.01"];

    // torch.optim.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4).
    private static readonly string[] SgdSettings = ["learning_rate=0.05", "one_minus_beta1=0.1", "weight_decay=0.0005"];

    private static ConformanceResult Check(ITrainingAlgorithm algorithm, string trajectory, IEnumerable<string> settings) =>
        ConformanceCheck.Run(algorithm, ConformanceCommand.ParseAssignments(settings), Trajectory.Load(trajectory));

    [Fact]
    public void TheShippedTrajectoriesAreReadWithTheirRecordedShapes()
    {
        var t = Trajectory.Load(AdamWTrajectory);
        Assert.Equal("torch.optim.AdamW", t.Optimizer);
        Assert.Equal(40, t.Steps);
        Assert.Equal(["hidden.weight", "hidden.bias", "head.weight", "head.bias", "conv.weight"], t.Parameters.Select(p => p.Name));
        Assert.Equal([3L, 2, 3, 3], t.Parameters[4].Shape);
        Assert.Equal(ParameterType.ConvWeight, t.Parameters[4].Type);
        Assert.Equal(3 * 2 * 3 * 3, t.Gradients[39][4].Length);
    }

    [Fact]
    public void AdamWMatchesTorchAdamWInBothPrecisions()
    {
        var r = Check(new AdamW(), AdamWTrajectory, AdamWSettings);
        Assert.True(r.Passed, r.ToText());
        // Not vacuous: the float64 replay agrees with the float64 reference to ~1e-15, far below float32's error.
        Assert.All(r.Float64, p => Assert.True(p.Worst.Error < 1e-13, r.ToText()));
        Assert.All(r.ReferenceGap, g => Assert.True(g.Max() > 1e-8, "the reference's float32 run should differ from its float64 twin"));
    }

    [Fact]
    public void SgdNesterovMatchesTorchSgdWithNesterovMomentum()
    {
        var r = Check(new SgdNesterov(), SgdTrajectory, SgdSettings);
        Assert.True(r.Passed, r.ToText());
    }

    [Fact]
    public void NAdamWIsNotAdamW()
    {
        var r = Check(new NAdamW(), AdamWTrajectory, AdamWSettings);
        Assert.False(r.Passed);
        Assert.All(r.Float64, p => Assert.Equal(0, p.FirstFailure));
    }

    [Fact]
    public void ATenfoldEpsilonIsCaughtByTheFloat64Replay()
    {
        var r = Check(new AdamW(), AdamWTrajectory, ["learning_rate=0.01", "one_minus_beta1=0.1", "beta2=0.999", "epsilon=1e-7", "weight_decay=0.01"]);
        Assert.False(r.Passed);
        Assert.All(r.Float64, p => Assert.True(p.FirstFailure >= 0));
    }

    [Fact]
    public void SgdWithoutMomentumFails()
    {
        var r = Check(new SgdNesterov(), SgdTrajectory, ["learning_rate=0.05", "one_minus_beta1=1", "weight_decay=0.0005"]);
        Assert.False(r.Passed);
    }

    [Fact]
    public void TheDefaultWarmupCosineScheduleFailsAgainstAScheduleFreeReference()
    {
        // Without lr_schedule=constant the first update is 0 (linear warm-up from 0): the replay must fail at step 0.
        var r = Check(new AdamW(), AdamWTrajectory, [.. AdamWSettings, "lr_schedule=warmup_cosine", "warmup_factor=0.05"]);
        Assert.False(r.Passed);
        Assert.Equal(0, r.Float64[0].FirstFailure);
    }

    [Fact]
    public void RelativeErrorIsTheRatioOfEuclideanNorms()
    {
        Assert.Equal(0.5, ConformanceCheck.RelativeError([3, 4 + 2.5], [3, 4]), 15); // ‖(0, 2.5)‖ / ‖(3, 4)‖ = 2.5 / 5
        Assert.Equal(2.0, ConformanceCheck.RelativeError([0, 2], [0, 0]), 15);        // zero reference: absolute norm
        Assert.True(double.IsNaN(ConformanceCheck.RelativeError([double.NaN], [1])));
    }

    [Fact]
    public void TheCommandPassesWithExitZeroAndFailsWithExitOne()
    {
        var pass = HostedCli.Run(["conformance", "-a", "sgd_nesterov", "-t", SgdTrajectory, .. SgdSettings.SelectMany(s => new[] { "--set", s }), "--json", P("r.json")]);
        Assert.Equal(0, pass.Code);
        Assert.Contains("PASS", pass.Out, StringComparison.Ordinal);
        Assert.Contains("\"passed\": true", File.ReadAllText(P("r.json")), StringComparison.Ordinal);

        var fail = HostedCli.Run(["conformance", "-a", "nadamw", "-t", AdamWTrajectory, .. AdamWSettings.SelectMany(s => new[] { "--set", s })]);
        Assert.Equal(1, fail.Code);
        Assert.Contains("FAIL", fail.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void BadTrajectoriesAndSettingsAreOneLineErrors()
    {
        var missing = HostedCli.Run("conformance", "-a", "adamw", "-t", P("nothing"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("not a trajectory folder", missing.Err, StringComparison.Ordinal);

        Directory.CreateDirectory(P("broken"));
        File.WriteAllText(P("broken/trajectory.json"), "{ not json");
        var broken = HostedCli.Run("conformance", "-a", "adamw", "-t", P("broken"));
        Assert.Equal(2, broken.Code);
        Assert.Contains("not valid JSON", broken.Err, StringComparison.Ordinal);

        // A trajectory whose float64 file is gone.
        Directory.CreateDirectory(P("partial"));
        File.Copy(Path.Combine(AdamWTrajectory, "trajectory.json"), P("partial/trajectory.json"));
        File.Copy(Path.Combine(AdamWTrajectory, "float32.safetensors"), P("partial/float32.safetensors"));
        var partial = HostedCli.Run("conformance", "-a", "adamw", "-t", P("partial"));
        Assert.Equal(2, partial.Code);
        Assert.Contains("float64.safetensors is missing", partial.Err, StringComparison.Ordinal);

        var badSet = HostedCli.Run("conformance", "-a", "adamw", "-t", AdamWTrajectory, "--set", "learning_rate");
        Assert.Equal(2, badSet.Code);
        Assert.Contains("not key=value", badSet.Err, StringComparison.Ordinal);

        var badValue = HostedCli.Run("conformance", "-a", "adamw", "-t", AdamWTrajectory, "--set", "learning_rate=fast");
        Assert.Equal(2, badValue.Code);
        Assert.Equal("error: adamw refused the hyperparameters: adamw: learning_rate = \"fast\" must be a number in [0, inf] (set them with --set key=value)",
            Assert.Single(badValue.Err.Trim().Split('\n')));

        var badSchedule = HostedCli.Run("conformance", "-a", "adamw", "-t", AdamWTrajectory, "--set", "lr_schedule=linear");
        Assert.Equal(2, badSchedule.Code);
        Assert.Contains("adamw: lr_schedule = \"linear\" must be one of warmup_cosine|constant", badSchedule.Err, StringComparison.Ordinal);

        // a misspelt key was ignored before hyperparameters were declared; now it is refused naming the declared one
        var misspelt = HostedCli.Run("conformance", "-a", "adamw", "-t", AdamWTrajectory, "--set", "beta1=0.9");
        Assert.Equal(2, misspelt.Code);
        Assert.Contains("adamw has no hyperparameter 'beta1' (did you mean one_minus_beta1?); it declares beta2, epsilon,", Assert.Single(misspelt.Err.Trim().Split('\n')), StringComparison.Ordinal);
    }
}
