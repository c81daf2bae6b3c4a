using System.Text.Json;
using AlgoPerfSharp.Harness.Cli;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void InfoJsonReportsTheEngineAndTheOpenMpBlas()
    {
        var (code, output, _) = Run("info", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("Cores").GetInt32());
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("TorchThreads").GetInt32());
        Assert.True(root.GetProperty("BlasIsOpenMp").GetBoolean());
        Assert.Matches(@"^\d+\.\d+\.\d+$", root.GetProperty("TorchVersion").GetString());
    }

    [Fact]
    public void ListShowsBuiltInsAndPluginAlgorithms()
    {
        var (code, output, _) = Run("list", "--algorithm", PluginPaths.Lion);
        Assert.Equal(0, code);
        Assert.Contains("adamw", output);
        Assert.Contains("nadamw", output);
        Assert.Contains("lion", output);
        Assert.Contains("learning_rate      [1e-05, 0.001] log", output);

        // each algorithm's declared hyperparameters: name, allowed values, default, meaning (a plugin's cross the probe)
        string flat = System.Text.RegularExpressions.Regex.Replace(output, " +", " ");
        Assert.Contains(" beta2 [0, 1] 0.99 decay of the momentum Lion keeps (the update interpolates with β1)\n", flat);
        Assert.Contains(" lr_schedule warmup_cosine|constant \"warmup_cosine\" warmup_cosine: warm-up then cosine decay", flat);
        Assert.Contains(" start_preconditioning_step [-1, inf] -1 first preconditioned step (−1 = the frequency, inf = never)\n", flat);
        Assert.Contains(" grafting adam|rmsprop|adagrad|sgd|none \"adam\" ", flat);
    }

    [Fact]
    public void BadUsageAndBadPluginsExitWithTwoAndAMessage()
    {
        var (code, _, err) = Run("bogus");
        Assert.Equal(CliApp.BadInput, code);
        Assert.Contains("'bogus'", err);
        var (code2, _, err2) = Run("list", "--algorithm", "/nonexistent/P.dll");
        Assert.Equal(CliApp.BadInput, code2);
        Assert.Contains("error: plugin /nonexistent/P.dll does not exist", err2);
    }

    [Fact]
    public void DemoTrainsAndTheLossFalls()
    {
        var (code, output, _) = Run("demo");
        Assert.Equal(0, code);
        Assert.Contains("loss fell from", output);
    }
}
