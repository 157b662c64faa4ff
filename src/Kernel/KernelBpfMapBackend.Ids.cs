using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

// Enumerating the maps of the whole system: a kernel-only command, not on the contract (a simulator knows its own maps).
public sealed partial class KernelBpfMapBackend
{
    /// <summary>
    /// BPF_MAP_GET_NEXT_ID: the smallest id of a live map greater than <paramref name="startId"/> (0 for the first).
    /// Returns ENOENT after the last map, and EPERM without CAP_SYS_ADMIN. Open the map with
    /// <see cref="IBpfMapBackend.OpenMapById"/>; it may be gone by then (ENOENT).
    /// </summary>
    public Errno GetNextMapId(uint startId, out uint nextId)
    {
        var attr = new GetNextIdAttr { StartId = startId };
        Invoke(BpfCommand.MapGetNextId, ref attr, out var errno);
        nextId = errno == Errno.None ? attr.NextId : 0;
        return errno;
    }
}
