using System.Text;
using AlgoPerfSharp.Harness.Trial.Workers;
using AlgoPerfSharp.Harness.Store;

namespace AlgoPerfSharp.Harness.Tests;

public sealed class BoundedTailTests
{
    [Fact]
    public void KeepsTheLastBytesAcrossTheRingsEndAndSaysHowManyWereDropped()
    {
        var tail = new BoundedTail(8);
        tail.Append("abcdef"u8);
        Assert.Equal("abcdef", tail.ToString());
        tail.Append("ghijkl"u8); // wraps: keeps "efghijkl"
        Assert.Equal("[4 earlier bytes dropped]\nefghijkl", tail.ToString());
        tail.Append(Encoding.UTF8.GetBytes("0123456789")); // longer than the ring
        Assert.Equal("[14 earlier bytes dropped]\n23456789", tail.ToString()); // 6 + 6 + 10 seen, 8 kept
        Assert.Equal(22, tail.Total);
    }
}
