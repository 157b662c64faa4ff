using System.Globalization;

namespace BpfMaps;

/// <summary>
/// What an errno means for the command and map that returned it, in words: the one place that turns kernel outcomes
/// into messages ("the map is full", not "argument list too long"). <see cref="BpfException"/> and tools use it.
/// </summary>
public static class BpfErrorMessages
{
    /// <summary>The UAPI name of <paramref name="command"/> (<c>BPF_MAP_UPDATE_ELEM</c>, ...).</summary>
    public static string CommandName(BpfMapCommand command) => command switch
    {
        BpfMapCommand.CreateMap => "BPF_MAP_CREATE",
        BpfMapCommand.Lookup => "BPF_MAP_LOOKUP_ELEM",
        BpfMapCommand.Update => "BPF_MAP_UPDATE_ELEM",
        BpfMapCommand.Delete => "BPF_MAP_DELETE_ELEM",
        BpfMapCommand.GetNextKey => "BPF_MAP_GET_NEXT_KEY",
        BpfMapCommand.LookupAndDelete => "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
        BpfMapCommand.Freeze => "BPF_MAP_FREEZE",
        BpfMapCommand.LookupBatch => "BPF_MAP_LOOKUP_BATCH",
        BpfMapCommand.LookupAndDeleteBatch => "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
        BpfMapCommand.UpdateBatch => "BPF_MAP_UPDATE_BATCH",
        BpfMapCommand.DeleteBatch => "BPF_MAP_DELETE_BATCH",
        BpfMapCommand.OpenMapById => "BPF_MAP_GET_FD_BY_ID",
        BpfMapCommand.GetMapInfo => "BPF_OBJ_GET_INFO_BY_FD",
        BpfMapCommand.Pin => "BPF_OBJ_PIN",
        BpfMapCommand.OpenPinned => "BPF_OBJ_GET",
        _ => "bpf command " + ((int)command).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The UAPI name of <paramref name="type"/> without its prefix (<c>HASH</c>, <c>LRU_PERCPU_HASH</c>, ...).</summary>
    public static string MapTypeName(BpfMapType type) => type switch
    {
        BpfMapType.Hash => "HASH",
        BpfMapType.Array => "ARRAY",
        BpfMapType.PerCpuHash => "PERCPU_HASH",
        BpfMapType.PerCpuArray => "PERCPU_ARRAY",
        BpfMapType.LruHash => "LRU_HASH",
        BpfMapType.LruPerCpuHash => "LRU_PERCPU_HASH",
        BpfMapType.Queue => "QUEUE",
        BpfMapType.Stack => "STACK",
        _ => "type " + ((uint)type).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The errno's symbolic name (<c>E2BIG</c>), or <c>errno N</c> for a number this library has no name for.</summary>
    public static string ErrnoName(Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : "errno " + ((int)errno).ToString(CultureInfo.InvariantCulture);

    /// <summary>A map in a message: <c>HASH map "flows" (key 8 B, value 16 B, max_entries 1024)</c>.</summary>
    public static string DescribeMap(BpfMapSpec map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var name = map.Name is { Length: > 0 } n ? $" \"{n}\"" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{MapTypeName(map.Type)} map{name} (key {map.KeySize} B, value {map.ValueSize} B, max_entries {map.MaxEntries})");
    }

    /// <summary>
    /// What <paramref name="errno"/> from <paramref name="command"/> means, on a map of <paramref name="type"/> (null
    /// when the command has no map, as <see cref="BpfMapCommand.OpenMapById"/>).
    /// </summary>
    public static string WhatHappened(BpfMapCommand command, Errno errno, BpfMapType? type)
    {
        var writes = command is BpfMapCommand.Update or BpfMapCommand.UpdateBatch;
        var array = type?.IsArrayFamily() == true;
        var keyless = type?.IsQueueOrStack() == true;
        var container = type == BpfMapType.Stack ? "stack" : "queue";
        return errno switch
        {
            Errno.E2BIG when writes && array => "the index is past max_entries",
            Errno.E2BIG when writes && keyless => $"the {container} is full",
            Errno.E2BIG when writes => "the map is full",
            Errno.E2BIG when command == BpfMapCommand.CreateMap => "the map is too large: a size or max_entries is beyond the kernel's limits",
            Errno.E2BIG => "a size is beyond the kernel's limits",

            Errno.EEXIST when writes && array => "array elements always exist, so none can be added",
            Errno.EEXIST when writes => "the key already exists",
            Errno.EEXIST when command == BpfMapCommand.Pin => "something is pinned at this path already",
            Errno.EEXIST => "it exists already",

            Errno.ENOENT when keyless && command is BpfMapCommand.Lookup or BpfMapCommand.LookupAndDelete => $"the {container} is empty",
            Errno.ENOENT when array && command == BpfMapCommand.Lookup => "the index is past max_entries",
            Errno.ENOENT when command is BpfMapCommand.Lookup or BpfMapCommand.Update or BpfMapCommand.Delete
                or BpfMapCommand.LookupAndDelete or BpfMapCommand.DeleteBatch => "no such key",
            Errno.ENOENT when command == BpfMapCommand.GetNextKey => "there is no next key",
            Errno.ENOENT when command is BpfMapCommand.LookupBatch or BpfMapCommand.LookupAndDeleteBatch => "there are no more elements",
            Errno.ENOENT when command == BpfMapCommand.OpenMapById => "no map has this id",
            Errno.ENOENT => "no such file or directory",

            Errno.EPERM when command == BpfMapCommand.CreateMap => "not permitted: creating BPF maps needs CAP_BPF (or root)",
            Errno.EPERM when command == BpfMapCommand.OpenMapById => "not permitted: opening a map by id needs CAP_SYS_ADMIN",
            Errno.EPERM when command == BpfMapCommand.Pin => "not permitted: the path is not in a BPF file system",
            Errno.EPERM when command == BpfMapCommand.OpenPinned => "not permitted by the BPF file system",
            Errno.EPERM when command == BpfMapCommand.Freeze => "not permitted: this handle cannot write, or the map is frozen already",
            Errno.EPERM when command is BpfMapCommand.Lookup or BpfMapCommand.GetNextKey or BpfMapCommand.LookupBatch
                or BpfMapCommand.GetMapInfo => "not permitted: this handle is write-only",
            Errno.EPERM when command is BpfMapCommand.LookupAndDelete or BpfMapCommand.LookupAndDeleteBatch =>
                "not permitted: this command needs a handle that can read and write, on a map that is not frozen",
            Errno.EPERM => "not permitted: this handle is read-only, or the map is frozen",

            Errno.EINVAL when command == BpfMapCommand.CreateMap => "the kernel refused the map's type, sizes, flags or name",
            Errno.EINVAL when keyless && command is BpfMapCommand.Delete or BpfMapCommand.GetNextKey => "queues and stacks have no keys",
            Errno.EINVAL when array && command == BpfMapCommand.Delete => "array elements cannot be deleted",
            Errno.EINVAL when command is BpfMapCommand.OpenMapById or BpfMapCommand.OpenPinned => "the open flags are invalid",
            Errno.EINVAL => "invalid argument: flags this map or command does not accept",

            Errno.ENOTSUPP when command == BpfMapCommand.CreateMap =>
                "the kernel does not support this map configuration (such as an LRU map with BPF_F_NO_PREALLOC)",
            Errno.ENOTSUPP when command == BpfMapCommand.Freeze =>
                "a map whose values hold a spin lock (or another BTF special field) cannot be frozen",
            Errno.ENOTSUPP => "the map type does not support this command",

            Errno.EOPNOTSUPP when command == BpfMapCommand.CreateMap => "this map type does not support spin-lock values",
            Errno.EOPNOTSUPP => "the operation is not supported",

            Errno.ENOSPC when command is BpfMapCommand.LookupBatch or BpfMapCommand.LookupAndDeleteBatch =>
                "a hash bucket holds more elements than the batch buffer",
            Errno.ENOSPC => "no space left on the device",

            Errno.ENOMEM when command == BpfMapCommand.CreateMap => "the kernel could not allocate the map",
            Errno.ENOMEM => "out of memory",
            Errno.EFAULT => "a buffer could not be read or written (bad address)",
            Errno.EBADF => "the handle is not an open descriptor",
            Errno.EACCES when command == BpfMapCommand.OpenPinned => "permission denied: the path is not a pinned BPF object, or its file mode refuses this access",
            Errno.EACCES => "permission denied",
            Errno.ENOSYS => "this kernel has no bpf(2) syscall",
            Errno.EBUSY => "the map is busy",
            Errno.EAGAIN => "the resource is temporarily unavailable; try again",
            Errno.EINTR => "the call was interrupted",
            Errno.EMFILE => "this process has too many open files",
            Errno.ENFILE => "the system has too many open files",
            Errno.ENOTDIR => "a component of the path is not a directory",
            Errno.ENAMETOOLONG => "the path is too long",
            Errno.EDEADLK or Errno.ETIMEDOUT => "a map lock could not be taken",
            Errno.ESRCH => "no such process",
            Errno.EIO => "an I/O error occurred",
            Errno.ERANGE => "a value is out of range",
            Errno.None => "it succeeded",
            _ => "the kernel reported an error",
        };
    }

    /// <summary>
    /// The message of a failed command: <c>BPF_MAP_UPDATE_ELEM on HASH map "flows" (key 8 B, value 16 B, max_entries
    /// 1024) failed: the map is full (E2BIG, errno 7).</c> <paramref name="detail"/>, when given, follows "failed"
    /// (" after 2 of 4 elements", " for id 7").
    /// </summary>
    public static string Format(BpfMapCommand command, Errno errno, BpfMapSpec? map, string? detail = null)
    {
        var target = map is null ? "" : (command == BpfMapCommand.CreateMap ? " of " : " on ") + DescribeMap(map);
        return $"{CommandName(command)}{target} failed{detail}: {WhatHappened(command, errno, map?.Type)} ({ErrnoCode(errno)}).";
    }

    /// <summary>The errno's name and number, as a message ends: <c>E2BIG, errno 7</c> (<c>errno 600</c> for a number without a name).</summary>
    public static string ErrnoCode(Errno errno)
    {
        var number = string.Create(CultureInfo.InvariantCulture, $"errno {(int)errno}");
        return Enum.IsDefined(errno) ? $"{errno}, {number}" : number;
    }
}
