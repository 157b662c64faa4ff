using System.Text;
using BpfMaps.Kernel.Btf;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

/// <summary>BPF_MAP_CREATE with BTF (reference §9): the spec's BTF is loaded first, and its errno is the create's.</summary>
public sealed partial class KernelBpfMapBackend
{
    /// <summary>
    /// Loads a BTF blob with BPF_BTF_LOAD. On success <paramref name="btf"/> owns the new descriptor. With a non-empty
    /// <paramref name="log"/> the kernel writes its verifier log there (level 1), for diagnostics.
    /// </summary>
    internal unsafe Errno LoadBtf(ReadOnlySpan<byte> blob, out BpfFileDescriptor? btf, Span<byte> log = default)
    {
        fixed (byte* b = blob, l = log)
        {
            var attr = new BtfLoadAttr
            {
                Btf = (ulong)b,
                BtfSize = (uint)blob.Length,
                BtfLogBuf = (ulong)l,
                BtfLogSize = (uint)log.Length,
                BtfLogLevel = log.IsEmpty ? 0u : 1u,
            };
            var fd = Invoke(BpfCommand.BtfLoad, ref attr, out var errno);
            btf = errno == Errno.None ? BpfFileDescriptor.Adopt(fd) : null;
            return errno;
        }
    }

    /// <summary>The kernel's verifier log for <paramref name="spec"/>'s BTF (empty when it loads), for diagnostics.</summary>
    internal string BtfLog(BpfMapSpec spec)
    {
        var log = new byte[1 << 16];
        var errno = LoadBtf(MapBtfEncoder.Encode(spec).Blob, out var btf, log);
        btf?.Dispose();
        return errno == Errno.None ? "" : $"{errno}: {Encoding.UTF8.GetString(log).TrimEnd('\0')}";
    }

    // Without BTF the attr goes as it is. With BTF, the blob is loaded, its descriptor and type ids go into the attr,
    // and the descriptor is closed after the create: a map holds its own reference to its BTF.
    private int CreateWithBtf(BpfMapSpec spec, ref MapCreateAttr attr, out Errno errno)
    {
        if (spec.Btf is null)
        {
            return Invoke(BpfCommand.MapCreate, ref attr, out errno);
        }

        var encoded = MapBtfEncoder.Encode(spec);
        errno = LoadBtf(encoded.Blob, out var btf);
        if (errno != Errno.None)
        {
            return -1;
        }

        using (btf)
        {
            using var lease = btf!.Borrow();
            attr.BtfFd = lease.Fd;
            attr.BtfKeyTypeId = encoded.KeyTypeId;
            attr.BtfValueTypeId = encoded.ValueTypeId;
            return Invoke(BpfCommand.MapCreate, ref attr, out errno);
        }
    }
}
