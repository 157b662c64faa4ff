using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The BPF_*_GET_FD_BY_ID part of <c>union bpf_attr</c> for BPF_MAP_GET_FD_BY_ID: <c>map_id</c>, <c>next_id</c>
/// (unused, 0) and <c>open_flags</c> (reference §10).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct MapGetFdByIdAttr
{
    [FieldOffset(0)] public uint MapId;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}
