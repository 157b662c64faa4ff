using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

/// <summary>
/// The element-command part of <c>union bpf_attr</c> for LOOKUP_ELEM, UPDATE_ELEM and LOOKUP_AND_DELETE_ELEM,
/// whose last field is <c>flags</c> (reference §1.2).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct MapElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    [FieldOffset(16)] public ulong Value;
    [FieldOffset(24)] public ulong Flags;
}

/// <summary>BPF_MAP_DELETE_ELEM, whose last field is <c>key</c>: value and flags must not be sent (reference §1.2).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct MapDeleteElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
}

/// <summary>BPF_MAP_GET_NEXT_KEY, whose last field is <c>next_key</c> (reference §1.2).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct MapGetNextKeyAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    [FieldOffset(16)] public ulong NextKey;
}

/// <summary>BPF_MAP_FREEZE, whose last field is <c>map_fd</c> (reference §1.2).</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
internal struct MapFreezeAttr
{
    [FieldOffset(0)] public uint MapFd;
}
