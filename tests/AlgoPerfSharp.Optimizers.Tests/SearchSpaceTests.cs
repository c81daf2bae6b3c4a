using AlgoPerfSharp.Contracts;

namespace AlgoPerfSharp.Optimizers.Tests;

public sealed class SearchSpaceTests
{
    private const string AlgoPerfNadamw = """
        {
          "learning_rate": {"min": 1e-4, "max": 1e-2, "scaling": "log"},
          "one_minus_beta1": {"min": 4e-3, "max": 0.1, "scaling": "log"},
          "beta2": {"feasible_points": [0.999]},
          "warmup_factor": {"feasible_points": [0.05]},
          "weight_decay": {"min": 5e-3, "max": 1, "scaling": "log"},
          "label_smoothing": {"feasible_points": [0.1, 0.2]},
          "dropout_rate": {"feasible_points": [0.0, 0.1]}
        }
        """;

    [Fact]
    public void ParsesAlgoPerfsFormatAndMapsTheUnitCube()
    {
        var space = SearchSpace.Parse(AlgoPerfNadamw);
        Assert.False(space.IsFixedList);
        Assert.Equal(7, space.Dimensions.Count);
        var h = space.Map([0.5, 0, 0.3, 0.9, 0.999999, 0.5, 0.49]);
        Assert.Equal(1e-3, h.GetDouble("learning_rate"), 1e-15);        // geometric midpoint of [1e-4, 1e-2]
        Assert.Equal(4e-3, h.GetDouble("one_minus_beta1"), 1e-15);
        Assert.Equal(0.999, h.GetDouble("beta2"));
        Assert.Equal(1.0, h.GetDouble("weight_decay"), 1e-4);
        Assert.Equal(0.2, h.GetDouble("label_smoothing"));                // floor(0.5·2) = 1
        Assert.Equal(0.0, h.GetDouble("dropout_rate"));                   // floor(0.49·2) = 0
    }

    [Fact]
    public void LinearScalingIsTheDefault()
    {
        var space = SearchSpace.Parse("""{"x": {"min": 2, "max": 6}}""");
        Assert.Equal(5.0, space.Map([0.75]).GetDouble("x"), 1e-15);
    }

    [Fact]
    public void AFixedListIsKeptInOrder()
    {
        var space = SearchSpace.Parse("""[{"learning_rate": 0.001, "use_nesterov": true}, {"learning_rate": 0.002, "grafting": "adam"}]""");
        Assert.True(space.IsFixedList);
        Assert.Equal(2, space.FixedPoints!.Count);
        Assert.True(space.FixedPoints[0].GetBoolean("use_nesterov"));
        Assert.Equal("adam", space.FixedPoints[1].GetString("grafting"));
        Assert.Throws<InvalidOperationException>(() => space.Map([0.5]));
    }

    [Theory]
    [InlineData("""{"lr": {"min": 1, "max": 0.1}}""", "'lr': min 1 is greater than max 0.1")]
    [InlineData("""{"lr": {"min": 0.1, "max": 1, "scaling": "exp"}}""", "'lr': unknown scaling \"exp\"")]
    [InlineData("""{"lr": {"min": "0.1", "max": 1}}""", "'lr': 'min' must be a number")]
    [InlineData("""{"lr": {"min": 0, "max": 1, "scaling": "log"}}""", "'lr': log scaling needs min > 0")]
    [InlineData("""{"lr": {"max": 1}}""", "'lr': missing 'min'")]
    [InlineData("""{"lr": {"min": 0.1, "max": 1, "step": 2}}""", "'lr': unknown key 'step'")]
    [InlineData("""{"lr": {"feasible_points": []}}""", "'lr': feasible_points is empty")]
    [InlineData("""{"lr": {"feasible_points": [[1]]}}""", "'lr': values must be numbers, booleans or strings")]
    [InlineData("""{"lr": 0.1}""", "'lr': expected an object")]
    [InlineData("""{"lr": {"min": 0.1, "max": 1}""", "not valid JSON")]
    [InlineData("""42""", "expected a JSON object of dimensions or an array of points")]
    [InlineData("""[]""", "the list of points is empty")]
    [InlineData("""[{"lr": 0.1}, 7]""", "point 1: expected an object")]
    public void BadSearchSpacesNameTheFieldAndTheProblem(string json, string message)
    {
        var e = Assert.Throws<SearchSpaceException>(() => SearchSpace.Parse(json));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void LoadNamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"space-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"lr": {"min": 2, "max": 1}}""");
        try
        {
            var e = Assert.Throws<SearchSpaceException>(() => SearchSpace.Load(path));
            Assert.StartsWith(path + ": 'lr'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Throws<FileNotFoundException>(() => SearchSpace.Load("/nonexistent/space.json"));
    }

    [Fact]
    public void HyperparameterGettersNameMissingAndMistypedKeys()
    {
        var h = new Hyperparameters(new Dictionary<string, object> { ["lr"] = 0.1, ["name"] = "x", ["steps"] = 3L });
        Assert.Equal(3, h.GetInt64("steps"));
        Assert.Contains("'beta1' is not set (have: lr, name, steps)", Assert.Throws<KeyNotFoundException>(() => h.GetDouble("beta1")).Message);
        Assert.Contains("'name' is the string \"x\", not a number", Assert.Throws<ArgumentException>(() => h.GetDouble("name")).Message);
        Assert.Contains("'lr' = 0.1 is not a whole number", Assert.Throws<ArgumentException>(() => h.GetInt64("lr")).Message);
    }
}
