using System.Text;
using AlgoPerfSharp.Workloads.Data;

namespace AlgoPerfSharp.Workloads.Suite;

/// <summary>
/// Stand-in text for the <c>tiny</c> preset when the State of the Union corpus is not installed: sentences drawn
/// from a fixed small vocabulary by a seeded generator (learnable structure: words, spaces, full stops).
/// </summary>
internal static class SyntheticText
{
    private static readonly string[] Words =
    [
        "the", "union", "state", "of", "congress", "people", "nation", "we", "must", "and", "our", "will", "is",
        "a", "to", "in", "that", "for", "government", "year", "world", "peace", "work", "new", "america",
    ];

    public static byte[] Create(int bytes, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var sb = new StringBuilder(bytes + 64);
        while (sb.Length < bytes)
        {
            int n = 4 + (int)rng.NextInt64(8);
            for (int i = 0; i < n; i++)
            {
                string w = Words[rng.NextInt64(Words.Length)];
                sb.Append(i == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w).Append(i == n - 1 ? ". " : " ");
            }
        }

        return Encoding.ASCII.GetBytes(sb.ToString(0, bytes));
    }
}
