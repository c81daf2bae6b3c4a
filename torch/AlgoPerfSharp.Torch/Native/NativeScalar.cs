using System.Runtime.InteropServices;

namespace AlgoPerfSharp.Torch.Native;

/// <summary>Blittable mirror of <c>ats_scalar</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct NativeScalar
{
    internal readonly int Kind;
    internal readonly int Reserved;
    internal readonly double F;
    internal readonly long I;

    internal NativeScalar(int kind, double f, long i)
    {
        Kind = kind;
        Reserved = 0;
        F = f;
        I = i;
    }
}
