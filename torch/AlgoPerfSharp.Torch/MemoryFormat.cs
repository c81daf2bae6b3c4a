namespace AlgoPerfSharp.Torch;

/// <summary>How a dense tensor's elements are ordered in memory (libtorch's <c>c10::MemoryFormat</c>).</summary>
public enum MemoryFormat
{
    /// <summary>Row-major: the last dim varies fastest.</summary>
    Contiguous = 0,

    /// <summary>For a 4-D (N, C, H, W) tensor, NHWC order: channels vary fastest.</summary>
    ChannelsLast = 1,
}
