using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel.Tests;

/// <summary>The BPF_BTF_LOAD attr, pinned to reference §9.</summary>
public sealed class BtfAttrLayoutTests
{
    [Fact]
    public void BtfLoadAttrMatchesTheUapiUpToBtfLogLevel()
    {
        Assert.Equal(28, Unsafe.SizeOf<BtfLoadAttr>());
        foreach (var (field, offset) in new[] { ("Btf", 0), ("BtfLogBuf", 8), ("BtfSize", 16), ("BtfLogSize", 20), ("BtfLogLevel", 24) })
        {
            Assert.True(offset == (int)Marshal.OffsetOf<BtfLoadAttr>(field), $"BtfLoadAttr.{field}: expected offset {offset}, got {Marshal.OffsetOf<BtfLoadAttr>(field)}");
        }
    }

    [Fact]
    public void BtfLoadIsCommand18() => Assert.Equal(18, (int)BpfCommand.BtfLoad);
}
