using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The <c>info</c> part of <c>union bpf_attr</c> for BPF_OBJ_GET_INFO_BY_FD. The kernel fills at most
/// <c>info_len</c> bytes of the buffer and writes back how many it filled.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ObjGetInfoByFdAttr
{
    [FieldOffset(0)] public uint BpfFd;
    [FieldOffset(4)] public uint InfoLength;
    [FieldOffset(8)] public ulong Info;
}
