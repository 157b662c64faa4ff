using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The <c>batch</c> part of <c>union bpf_attr</c> for the four batch commands, whose last field on 6.18 is
/// <c>flags</c> (reference §1.2). The kernel writes <c>count</c> back into it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct MapBatchAttr
{
    [FieldOffset(0)] public ulong InBatch;
    [FieldOffset(8)] public ulong OutBatch;
    [FieldOffset(16)] public ulong Keys;
    [FieldOffset(24)] public ulong Values;
    [FieldOffset(32)] public uint Count;
    [FieldOffset(36)] public uint MapFd;
    [FieldOffset(40)] public ulong ElemFlags;
    [FieldOffset(48)] public ulong Flags;
}
