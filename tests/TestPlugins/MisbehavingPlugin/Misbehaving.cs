using AlgoPerfSharp.Contracts;
using AlgoPerfSharp.Optimizers.Algorithms;

[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Crash))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Hang))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Nan))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Hog))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.Slow))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.NameThrows))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.SearchSpaceThrows))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.DefaultsThrows))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.FloodsStdout))]
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.NanWhenWide))]

// Keep last: selecting an algorithm by name constructs the declared types in order up to the one named, so the others
// stay usable; listing the whole plugin (or naming this one) ends the process that loads it.
[assembly: TrainingAlgorithm(typeof(MisbehavingPlugin.ExitInConstructor))]

namespace MisbehavingPlugin;

/// <summary>
/// AdamW that does something bad at <see cref="BadStep"/> (and, per step, <see cref="EveryStep"/>), or already when the
/// harness reads its metadata (name, search space, defaults, constructor).
/// </summary>
public abstract class Misbehaving : ITrainingAlgorithm
{
    /// <summary>The step at which <see cref="AtBadStep"/> runs.</summary>
    public const long BadStep = 30;

    private readonly AdamW _inner = new();

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public virtual SearchSpace SearchSpace => _inner.SearchSpace;

    /// <inheritdoc/>
    public virtual Hyperparameters Defaults => _inner.Defaults;

    /// <inheritdoc/>
    public ITrainingRun Init(AlgorithmInitContext context) => new Run(this, _inner.Init(context), NanFromTheStart(context));

    /// <summary>What happens at the bad step; returns the loss to report.</summary>
    protected virtual double AtBadStep(double loss) => loss;

    /// <summary>Whether this run reports a NaN loss at every step (it still trains).</summary>
    protected virtual bool NanFromTheStart(AlgorithmInitContext context) => false;

    /// <summary>What happens at every step.</summary>
    protected virtual void EveryStep()
    {
    }

    private sealed class Run(Misbehaving owner, ITrainingRun inner, bool nan) : ITrainingRun
    {
        public double Update(StepContext step)
        {
            owner.EveryStep();
            double loss = inner.Update(step);
            return nan ? double.NaN : step.GlobalStep == BadStep ? owner.AtBadStep(loss) : loss;
        }

        public AlgorithmState SaveState() => inner.SaveState();

        public void LoadState(AlgorithmState state) => inner.LoadState(state);

        public IReadOnlyDictionary<string, double> Diagnostics() => new Dictionary<string, double> { ["misbehaving/steps_seen"] = 1 };

        public void Dispose() => inner.Dispose();
    }
}

/// <summary>
/// Reports a NaN loss from its first step on every width-ladder member wider than the ladder's base, at any learning
/// rate: a width where everything diverges. On the base width (and off ladders) it is plain AdamW.
/// </summary>
public sealed class NanWhenWide : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "nan_when_wide";

    /// <inheritdoc/>
    protected override bool NanFromTheStart(AlgorithmInitContext context) => context.Parameters.Any(p => p.Width is { WidthRatio: > 1 });
}

/// <summary>Kills its process with <see cref="Environment.FailFast(string)"/>.</summary>
public sealed class Crash : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "crash";

    /// <inheritdoc/>
    protected override double AtBadStep(double loss)
    {
        Environment.FailFast("misbehaving plugin: deliberate crash");
        return loss;
    }
}

/// <summary>Never returns from the bad step.</summary>
public sealed class Hang : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "hang";

    /// <inheritdoc/>
    protected override double AtBadStep(double loss)
    {
        Thread.Sleep(Timeout.Infinite);
        return loss;
    }
}

/// <summary>Reports a NaN loss at the bad step.</summary>
public sealed class Nan : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "nan";

    /// <inheritdoc/>
    protected override double AtBadStep(double loss) => double.NaN;
}

/// <summary>Keeps 64 MB more (touched) memory every step, 20 ms apart.</summary>
public sealed class Hog : Misbehaving
{
    private static readonly List<byte[]> Kept = [];

    /// <inheritdoc/>
    public override string Name => "hog";

    /// <inheritdoc/>
    protected override void EveryStep()
    {
        var block = new byte[64 << 20];
        for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
        Kept.Add(block);
        Thread.Sleep(20); // give the supervisor's 100 ms memory poll time to see it grow
    }
}

/// <summary>Sleeps 10 ms every step (so a test can interrupt or kill it mid-trial).</summary>
public sealed class Slow : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "slow";

    /// <inheritdoc/>
    protected override void EveryStep() => Thread.Sleep(10);
}

/// <summary>Throws when asked its name.</summary>
public sealed class NameThrows : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => throw new InvalidOperationException("misbehaving plugin: no name today");
}

/// <summary>Throws when asked its search space.</summary>
public sealed class SearchSpaceThrows : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "search_space_throws";

    /// <inheritdoc/>
    public override SearchSpace SearchSpace => throw new InvalidOperationException("misbehaving plugin: no search space today");
}

/// <summary>Throws when asked its defaults.</summary>
public sealed class DefaultsThrows : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "defaults_throws";

    /// <inheritdoc/>
    public override Hyperparameters Defaults => throw new InvalidOperationException("misbehaving plugin: no defaults today");
}

/// <summary>Writes 4 MiB straight to the process's stdout (past any Console.SetOut) when asked its search space.</summary>
public sealed class FloodsStdout : Misbehaving
{
    /// <inheritdoc/>
    public override string Name => "floods_stdout";

    /// <inheritdoc/>
    public override SearchSpace SearchSpace
    {
        get
        {
            using var stdout = Console.OpenStandardOutput();
            var line = new byte[4096];
            Array.Fill(line, (byte)'x');
            for (int i = 0; i < 1024; i++) stdout.Write(line);
            return base.SearchSpace;
        }
    }
}

/// <summary>Ends the process that constructs it, with exit code 0 (a plugin that "exits cleanly" while being loaded).</summary>
public sealed class ExitInConstructor : Misbehaving
{
    /// <summary>
    /// Calls <see cref="Environment.Exit(int)"/> with 0 in an <c>algoperf</c> process; anywhere else (a test host that
    /// loads the plugin by mistake) it throws instead, so that a slip cannot end a test run silently.
    /// </summary>
    public ExitInConstructor()
    {
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name != "algoperf")
        {
            throw new InvalidOperationException("misbehaving plugin: would have called Environment.Exit(0), but this is not an algoperf process");
        }

        Environment.Exit(0);
    }

    /// <inheritdoc/>
    public override string Name => "exit_in_constructor";
}
