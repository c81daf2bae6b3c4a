namespace AlgoPerfSharp.Workloads.Data;

/// <summary>
/// Produces language-model batches from a token source as a pure function of (seed, batch index): training windows
/// of <c>Context + 1</c> tokens start at uniformly random offsets; evaluation uses a fixed set of windows spaced
/// evenly over the split (every token predicted at most once). Thread-safe.
/// </summary>
public sealed class LmBatcher
{
    private const ulong WindowStream = 3;
    private readonly ITokenSource _tokens;

    /// <summary>Windows of <paramref name="context"/> inputs (plus one target token) over <paramref name="tokens"/>.</summary>
    public LmBatcher(ITokenSource tokens, int context)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        if (tokens.Length < context + 1)
        {
            throw new InvalidDataException($"the token stream has {tokens.Length} tokens, fewer than one window of {context + 1}");
        }

        _tokens = tokens;
        Context = context;
    }

    /// <summary>Input tokens per window.</summary>
    public int Context { get; }

    /// <summary>The token source.</summary>
    public ITokenSource Tokens => _tokens;

    /// <summary>Training batch <paramref name="index"/>: <paramref name="batchSize"/> windows at random offsets.</summary>
    public LmBatch TrainBatch(ulong seed, long index, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var rng = SplitMix64.For(seed, WindowStream, (ulong)index);
        long span = _tokens.Length - Context; // valid starts: [0, Length − Context − 1]
        var starts = new long[batchSize];
        for (int b = 0; b < batchSize; b++) starts[b] = rng.NextInt64(span);
        return Build(starts);
    }

    /// <summary>The fixed evaluation windows' start offsets: consecutive (stride = Context) or, when more than <paramref name="maxWindows"/> fit, evenly spaced.</summary>
    public long[] EvalWindowStarts(int maxWindows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindows, 1);
        long fit = (_tokens.Length - 1) / Context;
        if (fit <= maxWindows)
        {
            var all = new long[fit];
            for (long k = 0; k < fit; k++) all[k] = k * Context;
            return all;
        }

        long last = _tokens.Length - Context - 1;
        var starts = new long[maxWindows];
        for (int k = 0; k < maxWindows; k++) starts[k] = maxWindows == 1 ? 0 : k * last / (maxWindows - 1);
        return starts;
    }

    /// <summary>Evaluation batch of the windows starting at <paramref name="starts"/>.</summary>
    public LmBatch Build(ReadOnlySpan<long> starts)
    {
        int t = Context;
        var inputs = new long[starts.Length * t];
        var targets = new long[starts.Length * t];
        var window = new long[t + 1];
        for (int b = 0; b < starts.Length; b++)
        {
            _tokens.Read(starts[b], window);
            window.AsSpan(0, t).CopyTo(inputs.AsSpan(b * t, t));
            window.AsSpan(1, t).CopyTo(targets.AsSpan(b * t, t));
        }

        return new LmBatch(inputs, targets, starts.Length, t);
    }
}
