using System.Text;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

/// <summary>
/// <see cref="IBpfMapBackend"/> over the real <c>bpf(2)</c> syscall. It translates each call into the command's attr
/// struct and returns the kernel's errno; it decides no map semantics. Arguments are checked by
/// <see cref="BpfMapBackend{THandle}"/> before any syscall.
/// </summary>
public sealed partial class KernelBpfMapBackend : BpfMapBackend<KernelMapHandle>
{
    private long _syscalls;

    /// <summary>Creates the backend; reads the possible-CPU count from sysfs and the kernel's release from procfs.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    public KernelBpfMapBackend()
    {
        PossibleCpuCount = PossibleCpus.Read();
        Release = KernelRelease.Read();
        KernelVersion = LinuxKernelVersion.Parse(Release);
    }

    /// <inheritdoc />
    public override int PossibleCpuCount { get; }

    /// <inheritdoc />
    public override LinuxKernelVersion KernelVersion { get; }

    /// <summary>The running kernel's release, as <c>uname -r</c> prints it.</summary>
    public string Release { get; }

    /// <summary>How many <c>bpf(2)</c> calls this backend has made; tests use it to show a check came before the syscall.</summary>
    public long SyscallCount => Interlocked.Read(ref _syscalls);

    /// <summary>
    /// Whether this process can use <c>bpf(2)</c> maps: creates and closes a one-element array map. When it cannot,
    /// <paramref name="reason"/> says why (not Linux, no syscall, or no privilege).
    /// </summary>
    public static bool IsAvailable(out string reason)
    {
        try
        {
            var backend = new KernelBpfMapBackend();
            var spec = new BpfMapSpec(BpfMapType.Array, 4, 4, 1);
            var errno = backend.CreateMap(spec, out var probe);
            probe?.Dispose();
            // EPERM says CAP_BPF (or root) is needed, ENOSYS that the kernel has no bpf(2): BpfErrorMessages' words.
            reason = errno == Errno.None
                ? "bpf(2) creates maps in this process"
                : "bpf(2) cannot create maps in this process: " + BpfErrorMessages.Format(BpfMapCommand.CreateMap, errno, spec).TrimEnd('.');
            return errno == Errno.None;
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"the kernel backend cannot run here: {ex.Message}";
            return false;
        }
    }

    /// <inheritdoc />
    protected override Errno CreateMapCore(BpfMapSpec spec, out KernelMapHandle? map)
    {
        var attr = new MapCreateAttr
        {
            MapType = (uint)spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            MapFlags = (uint)spec.Flags,
            NumaNode = spec.NumaNode,
            MapExtra = spec.MapExtra,
        };
        spec.WriteNameField(attr.MapName);
        var fd = CreateWithBtf(spec, ref attr, out var errno);
        map = errno == Errno.None ? new KernelMapHandle(this, spec, spec.Access, BpfFileDescriptor.Adopt(fd)) : null;
        return errno;
    }

    /// <inheritdoc />
    protected override unsafe Errno LookupCore(KernelMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        fixed (byte* k = key, v = value)
        {
            return Element(BpfCommand.MapLookupElem, map, k, v, flags);
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno UpdateCore(KernelMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        fixed (byte* k = key, v = value)
        {
            return Element(BpfCommand.MapUpdateElem, map, k, v, flags);
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno LookupAndDeleteCore(KernelMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags)
    {
        fixed (byte* k = key, v = value)
        {
            return Element(BpfCommand.MapLookupAndDeleteElem, map, k, v, flags);
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno DeleteCore(KernelMapHandle map, ReadOnlySpan<byte> key)
    {
        using var lease = map.Descriptor.Borrow();
        fixed (byte* k = key)
        {
            var attr = new MapDeleteElemAttr { MapFd = lease.Fd, Key = (ulong)k };
            Invoke(BpfCommand.MapDeleteElem, ref attr, out var errno);
            return errno;
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno GetNextKeyCore(KernelMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        using var lease = map.Descriptor.Borrow();
        fixed (byte* k = key, n = nextKey)
        {
            var attr = new MapGetNextKeyAttr { MapFd = lease.Fd, Key = (ulong)k, NextKey = (ulong)n };
            Invoke(BpfCommand.MapGetNextKey, ref attr, out var errno);
            return errno;
        }
    }

    /// <inheritdoc />
    protected override Errno FreezeCore(KernelMapHandle map)
    {
        using var lease = map.Descriptor.Borrow();
        var attr = new MapFreezeAttr { MapFd = lease.Fd };
        Invoke(BpfCommand.MapFreeze, ref attr, out var errno);
        return errno;
    }

    /// <inheritdoc />
    protected override unsafe Errno LookupBatchCore(KernelMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys,
        Span<byte> values, ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        fixed (byte* i = inBatch, o = outBatch, k = keys, v = values)
        {
            var command = andDelete ? BpfCommand.MapLookupAndDeleteBatch : BpfCommand.MapLookupBatch;
            return Batch(command, map, i, o, k, v, ref count, elementFlags, flags);
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno UpdateBatchCore(KernelMapHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        fixed (byte* k = keys, v = values)
        {
            return Batch(BpfCommand.MapUpdateBatch, map, null, null, k, v, ref count, elementFlags, flags);
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno DeleteBatchCore(KernelMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        fixed (byte* k = keys)
        {
            return Batch(BpfCommand.MapDeleteBatch, map, null, null, k, null, ref count, elementFlags, flags);
        }
    }

    /// <inheritdoc />
    protected override Errno OpenMapByIdCore(uint id, BpfOpenFlags openFlags, out KernelMapHandle? map)
    {
        var attr = new MapGetFdByIdAttr { MapId = id, OpenFlags = (uint)openFlags };
        var fd = Invoke(BpfCommand.MapGetFdById, ref attr, out var errno);
        return Opened(fd, errno, openFlags, out map);
    }

    /// <inheritdoc />
    protected override Errno GetMapInfoCore(KernelMapHandle map, out BpfMapInfo? info) => QueryInfo(map.Descriptor, out info);

    /// <inheritdoc />
    protected override unsafe Errno PinCore(KernelMapHandle map, string path)
    {
        using var lease = map.Descriptor.Borrow();
        fixed (byte* p = NulTerminated(path))
        {
            var attr = new ObjAttr { Pathname = (ulong)p, BpfFd = lease.Fd };
            Invoke(BpfCommand.ObjPin, ref attr, out var errno);
            return errno;
        }
    }

    /// <inheritdoc />
    protected override unsafe Errno OpenPinnedCore(string path, BpfOpenFlags fileFlags, out KernelMapHandle? map)
    {
        int fd;
        Errno errno;
        fixed (byte* p = NulTerminated(path))
        {
            var attr = new ObjAttr { Pathname = (ulong)p, FileFlags = (uint)fileFlags };
            fd = Invoke(BpfCommand.ObjGet, ref attr, out errno);
        }

        return Opened(fd, errno, fileFlags, out map);
    }

    // A descriptor the kernel opened on an existing map: its spec comes from the map's info (which any descriptor,
    // even a write-only one, may read).
    private Errno Opened(int fd, Errno errno, BpfOpenFlags flags, out KernelMapHandle? map)
    {
        map = null;
        if (errno != Errno.None)
        {
            return errno;
        }

        var descriptor = BpfFileDescriptor.Adopt(fd);
        errno = QueryInfo(descriptor, out var info);
        if (errno != Errno.None)
        {
            descriptor.Dispose();
            return errno;
        }

        map = new KernelMapHandle(this, info!.ToSpec(), flags.ToAccess(), descriptor);
        return Errno.None;
    }

    private unsafe Errno QueryInfo(BpfFileDescriptor descriptor, out BpfMapInfo? info)
    {
        info = null;
        using var lease = descriptor.Borrow();
        var native = default(MapInfo);
        var attr = new ObjGetInfoByFdAttr { BpfFd = lease.Fd, InfoLength = (uint)sizeof(MapInfo), Info = (ulong)&native };
        Invoke(BpfCommand.ObjGetInfoByFd, ref attr, out var errno);
        if (errno != Errno.None)
        {
            return errno;
        }

        ReadOnlySpan<byte> name = native.Name;
        var length = name.IndexOf((byte)0);
        info = new BpfMapInfo(native.Id, (BpfMapType)native.Type, native.KeySize, native.ValueSize, native.MaxEntries,
            (BpfMapFlags)native.MapFlags, Encoding.UTF8.GetString(length < 0 ? name : name[..length]));
        return Errno.None;
    }

    // Paths reach the kernel as NUL-terminated UTF-8 (BpfMapArguments.Path has ruled out embedded NULs).
    private static byte[] NulTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private unsafe Errno Element(BpfCommand command, KernelMapHandle map, byte* key, byte* value, BpfElementFlags flags)
    {
        using var lease = map.Descriptor.Borrow();
        var attr = new MapElemAttr { MapFd = lease.Fd, Key = (ulong)key, Value = (ulong)value, Flags = (ulong)flags };
        Invoke(command, ref attr, out var errno);
        return errno;
    }

    private unsafe Errno Batch(BpfCommand command, KernelMapHandle map, byte* inBatch, byte* outBatch, byte* keys, byte* values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        using var lease = map.Descriptor.Borrow();
        var attr = new MapBatchAttr
        {
            InBatch = (ulong)inBatch,
            OutBatch = (ulong)outBatch,
            Keys = (ulong)keys,
            Values = (ulong)values,
            Count = count,
            MapFd = lease.Fd,
            ElemFlags = (ulong)elementFlags,
            Flags = (ulong)flags,
        };
        Invoke(command, ref attr, out var errno);
        // The kernel writes count back into the attr when it decides to; whatever is there is its answer.
        count = attr.Count;
        return errno;
    }

    private int Invoke<TAttr>(BpfCommand command, ref TAttr attr, out Errno errno)
        where TAttr : unmanaged
    {
        Interlocked.Increment(ref _syscalls);
        return Sys.Bpf(command, ref attr, out errno);
    }
}
