using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The BPF_*_GET_NEXT_ID part of <c>union bpf_attr</c> for BPF_MAP_GET_NEXT_ID: <c>start_id</c>, <c>next_id</c> (the
/// kernel's answer) and <c>open_flags</c> (unused, 0).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct GetNextIdAttr
{
    [FieldOffset(0)] public uint StartId;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}
