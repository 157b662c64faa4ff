using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The BPF_MAP_CREATE part of <c>union bpf_attr</c>, up to its last field on 6.18 (<c>excl_prog_hash</c>, ending at
/// byte 96; reference §1.2). Offsets are pinned by a test against the reference.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 96)]
internal struct MapCreateAttr
{
    [FieldOffset(0)] public uint MapType;
    [FieldOffset(4)] public uint KeySize;
    [FieldOffset(8)] public uint ValueSize;
    [FieldOffset(12)] public uint MaxEntries;
    [FieldOffset(16)] public uint MapFlags;
    [FieldOffset(20)] public uint InnerMapFd;
    [FieldOffset(24)] public uint NumaNode;
    [FieldOffset(28)] public MapName MapName;
    [FieldOffset(44)] public uint MapIfIndex;
    [FieldOffset(48)] public uint BtfFd;
    [FieldOffset(52)] public uint BtfKeyTypeId;
    [FieldOffset(56)] public uint BtfValueTypeId;
    [FieldOffset(60)] public uint BtfVmlinuxValueTypeId;
    [FieldOffset(64)] public ulong MapExtra;
    [FieldOffset(72)] public int ValueTypeBtfObjFd;
    [FieldOffset(76)] public int MapTokenFd;
    [FieldOffset(80)] public uint ExclProgHashSize;
    [FieldOffset(88)] public ulong ExclProgHash;
}

/// <summary><c>char map_name[BPF_OBJ_NAME_LEN]</c>.</summary>
[InlineArray(BpfMapSpec.NameFieldSize)]
internal struct MapName
{
    private byte _element0;
}
