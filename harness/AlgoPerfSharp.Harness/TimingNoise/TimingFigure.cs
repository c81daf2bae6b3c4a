namespace AlgoPerfSharp.Harness.TimingNoise;

/// <summary>The three candidate figures for an algorithm's training time that the timing-noise experiment compares.</summary>
public enum TimingFigure
{
    /// <summary>AlgoPerf's wall-clock submission seconds (the score's figure).</summary>
    WallClock,

    /// <summary>Process CPU seconds (user + system, all threads) inside the same timed calls.</summary>
    CpuTime,

    /// <summary>Wall-clock seconds of each eval interval divided by that eval's probe time ÷ the idle reference probe time.</summary>
    ProbeNormalised,
}
