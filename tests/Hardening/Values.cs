using System.Runtime.InteropServices;

namespace BpfMaps.Hardening.Tests;

/// <summary>A 16-byte value (value_size 16).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Value16
{
    public ulong A;
    public ulong B;
}

/// <summary>A 12-byte value: per-CPU slots of 16 bytes, so the typed layer pads and unpads them.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Value12
{
    public uint A;
    public uint B;
    public uint C;
}
