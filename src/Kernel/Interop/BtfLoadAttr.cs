using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The BPF_BTF_LOAD part of <c>union bpf_attr</c> up to <c>btf_log_level</c> (reference §9); the later fields
/// (<c>btf_log_true_size</c>, <c>btf_flags</c>, <c>btf_token_fd</c>) are not sent, so the kernel reads them as 0.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 28)]
internal struct BtfLoadAttr
{
    [FieldOffset(0)] public ulong Btf;
    [FieldOffset(8)] public ulong BtfLogBuf;
    [FieldOffset(16)] public uint BtfSize;
    [FieldOffset(20)] public uint BtfLogSize;
    [FieldOffset(24)] public uint BtfLogLevel;
}
