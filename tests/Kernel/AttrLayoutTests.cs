using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel.Tests;

/// <summary>Each attr struct's size and field offsets, pinned to reference §1.2 (the 6.18 union bpf_attr).</summary>
public sealed class AttrLayoutTests
{
    [Fact]
    public void MapCreateAttrMatchesTheUapiUpToExclProgHash()
    {
        Assert.Equal(96, Unsafe.SizeOf<MapCreateAttr>());
        AssertOffsets<MapCreateAttr>(
            ("MapType", 0), ("KeySize", 4), ("ValueSize", 8), ("MaxEntries", 12), ("MapFlags", 16), ("InnerMapFd", 20),
            ("NumaNode", 24), ("MapName", 28), ("MapIfIndex", 44), ("BtfFd", 48), ("BtfKeyTypeId", 52), ("BtfValueTypeId", 56),
            ("BtfVmlinuxValueTypeId", 60), ("MapExtra", 64), ("ValueTypeBtfObjFd", 72), ("MapTokenFd", 76),
            ("ExclProgHashSize", 80), ("ExclProgHash", 88));
        Assert.Equal(BpfMapSpec.NameFieldSize, Unsafe.SizeOf<MapName>());
    }

    [Fact]
    public void ElementAttrsEndAtEachCommandsLastField()
    {
        Assert.Equal(32, Unsafe.SizeOf<MapElemAttr>());
        AssertOffsets<MapElemAttr>(("MapFd", 0), ("Key", 8), ("Value", 16), ("Flags", 24));
        Assert.Equal(16, Unsafe.SizeOf<MapDeleteElemAttr>());
        AssertOffsets<MapDeleteElemAttr>(("MapFd", 0), ("Key", 8));
        Assert.Equal(24, Unsafe.SizeOf<MapGetNextKeyAttr>());
        AssertOffsets<MapGetNextKeyAttr>(("MapFd", 0), ("Key", 8), ("NextKey", 16));
        Assert.Equal(4, Unsafe.SizeOf<MapFreezeAttr>());
        AssertOffsets<MapFreezeAttr>(("MapFd", 0));
    }

    [Fact]
    public void BatchAttrMatchesTheUapi()
    {
        Assert.Equal(56, Unsafe.SizeOf<MapBatchAttr>());
        AssertOffsets<MapBatchAttr>(
            ("InBatch", 0), ("OutBatch", 8), ("Keys", 16), ("Values", 24), ("Count", 32), ("MapFd", 36), ("ElemFlags", 40), ("Flags", 48));
    }

    private static void AssertOffsets<T>(params (string Field, int Offset)[] expected)
    {
        foreach (var (field, offset) in expected)
        {
            Assert.True(offset == (int)Marshal.OffsetOf<T>(field), $"{typeof(T).Name}.{field}: expected offset {offset}, got {Marshal.OffsetOf<T>(field)}");
        }
    }
}
