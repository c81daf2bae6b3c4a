using System.Runtime.CompilerServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>A list argument for <see cref="ListArgs.SameLength(ReadOnlySpan{ListLength})"/>: its count (null for a null list) and its name.</summary>
internal readonly record struct ListLength(int? Count, string Name);

/// <summary>
/// The argument check of a call over lists that pair by index: every list non-null and all of one length. The generic
/// overloads take the names from the caller's argument expressions, so pass the parameters themselves.
/// </summary>
internal static class ListArgs
{
    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC, TD>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c, IReadOnlyList<TD>? d,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "", [CallerArgumentExpression(nameof(d))] string dName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName), new(d?.Count, dName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC, TD, TE>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c, IReadOnlyList<TD>? d, IReadOnlyList<TE>? e,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "", [CallerArgumentExpression(nameof(d))] string dName = "", [CallerArgumentExpression(nameof(e))] string eName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName), new(d?.Count, dName), new(e?.Count, eName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC, TD, TE, TF>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c, IReadOnlyList<TD>? d, IReadOnlyList<TE>? e, IReadOnlyList<TF>? f,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "", [CallerArgumentExpression(nameof(d))] string dName = "", [CallerArgumentExpression(nameof(e))] string eName = "", [CallerArgumentExpression(nameof(f))] string fName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName), new(d?.Count, dName), new(e?.Count, eName), new(f?.Count, fName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC, TD, TE, TF, TG>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c, IReadOnlyList<TD>? d, IReadOnlyList<TE>? e, IReadOnlyList<TF>? f, IReadOnlyList<TG>? g,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "", [CallerArgumentExpression(nameof(d))] string dName = "", [CallerArgumentExpression(nameof(e))] string eName = "", [CallerArgumentExpression(nameof(f))] string fName = "", [CallerArgumentExpression(nameof(g))] string gName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName), new(d?.Count, dName), new(e?.Count, eName), new(f?.Count, fName), new(g?.Count, gName)]);

    /// <inheritdoc cref="SameLength(ReadOnlySpan{ListLength})"/>
    internal static int SameLength<TA, TB, TC, TD, TE, TF, TG, TH>(
        IReadOnlyList<TA>? a, IReadOnlyList<TB>? b, IReadOnlyList<TC>? c, IReadOnlyList<TD>? d, IReadOnlyList<TE>? e, IReadOnlyList<TF>? f, IReadOnlyList<TG>? g, IReadOnlyList<TH>? h,
        [CallerArgumentExpression(nameof(a))] string aName = "", [CallerArgumentExpression(nameof(b))] string bName = "", [CallerArgumentExpression(nameof(c))] string cName = "", [CallerArgumentExpression(nameof(d))] string dName = "", [CallerArgumentExpression(nameof(e))] string eName = "", [CallerArgumentExpression(nameof(f))] string fName = "", [CallerArgumentExpression(nameof(g))] string gName = "", [CallerArgumentExpression(nameof(h))] string hName = "") =>
        SameLength([new(a?.Count, aName), new(b?.Count, bName), new(c?.Count, cName), new(d?.Count, dName), new(e?.Count, eName), new(f?.Count, fName), new(g?.Count, gName), new(h?.Count, hName)]);

    /// <summary>
    /// The common count of <paramref name="lists"/>. Throws <see cref="ArgumentNullException"/> for the first null list,
    /// else <see cref="ArgumentException"/> naming every list with its count (the parameter: the first list whose count
    /// differs from the first's) when the counts differ.
    /// </summary>
    internal static int SameLength(params ReadOnlySpan<ListLength> lists)
    {
        foreach (var list in lists)
        {
            if (list.Count is null) throw new ArgumentNullException(list.Name);
        }

        int n = lists[0].Count!.Value;
        foreach (var list in lists)
        {
            if (list.Count != n) throw Mismatch(lists, list.Name);
        }

        return n;
    }

    private static ArgumentException Mismatch(ReadOnlySpan<ListLength> lists, string paramName)
    {
        var parts = new string[lists.Length];
        for (int i = 0; i < lists.Length; i++) parts[i] = $"{lists[i].Name} {lists[i].Count}";
        return new ArgumentException($"lists differ in length: {string.Join(", ", parts)}", paramName);
    }
}
