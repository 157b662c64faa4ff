using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The BPF_OBJ_* part of <c>union bpf_attr</c> for BPF_OBJ_PIN and BPF_OBJ_GET: a pointer to a NUL-terminated path,
/// the descriptor to pin (0 for BPF_OBJ_GET) and <c>file_flags</c>. <c>path_fd</c> (6.5+) is not sent: paths are
/// resolved as given.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ObjAttr
{
    [FieldOffset(0)] public ulong Pathname;
    [FieldOffset(8)] public uint BpfFd;
    [FieldOffset(12)] public uint FileFlags;
}
