using System.Runtime.InteropServices;

namespace BpfMaps.Typed.Tests;

/// <summary>A 7-byte key: hashed byte-wise by jhash (not a multiple of 4).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct FlowKey(uint Address, ushort Port, byte Protocol);

/// <summary>A 12-byte value: per-CPU slots of 16 bytes, so the 8-byte stride has padding to skip.</summary>
public readonly record struct Counters(uint Packets, uint Bytes, uint Drops);
