using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// <c>struct bpf_map_info</c> up to <c>map_extra</c> (88 bytes; 6.18's struct is 104 bytes and goes on with the map
/// hash, which is only filled when asked for). The kernel fills <c>min(info_len, its size)</c> bytes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal struct MapInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint KeySize;
    [FieldOffset(12)] public uint ValueSize;
    [FieldOffset(16)] public uint MaxEntries;
    [FieldOffset(20)] public uint MapFlags;
    [FieldOffset(24)] public MapName Name;
    [FieldOffset(40)] public uint IfIndex;
    [FieldOffset(44)] public uint BtfVmlinuxValueTypeId;
    [FieldOffset(48)] public ulong NetnsDev;
    [FieldOffset(56)] public ulong NetnsIno;
    [FieldOffset(64)] public uint BtfId;
    [FieldOffset(68)] public uint BtfKeyTypeId;
    [FieldOffset(72)] public uint BtfValueTypeId;
    [FieldOffset(80)] public ulong MapExtra;
}
