namespace BpfMaps.Conformance.Cases;

/// <summary>Shared steps for cases about map objects: ids, info, other handles and pins.</summary>
internal static class Objects
{
    /// <summary>The map's info, which must be readable.</summary>
    public static BpfMapInfo Info(ConformanceContext ctx, BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var errno = ctx.Backend.GetMapInfo(map, out var info);
        Expect.Errno(Errno.None, errno, "get map info");
        Expect.True(info is not null, "get map info: an info on success");
        return info!;
    }

    /// <summary>Opens another handle to <paramref name="map"/> by its id; it must succeed. The handle is closed when the case ends.</summary>
    public static BpfMapHandle OpenById(ConformanceContext ctx, BpfMapHandle map, BpfOpenFlags flags = BpfOpenFlags.None)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Opened(ctx, ctx.Backend.OpenMapById(Info(ctx, map).Id, flags, out var other), other, flags, "open by id");
    }

    /// <summary>Opens the map pinned at <paramref name="path"/>; it must succeed. The handle is closed when the case ends.</summary>
    public static BpfMapHandle OpenPinned(ConformanceContext ctx, string path, BpfOpenFlags flags = BpfOpenFlags.None)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return Opened(ctx, ctx.Backend.OpenPinned(path, flags, out var map), map, flags, $"open pinned {path}");
    }

    /// <summary>A failed open: the errno, and no handle.</summary>
    public static void OpenFails(Errno expected, Errno errno, BpfMapHandle? map, string step)
    {
        map?.Dispose();
        Expect.Errno(expected, errno, step);
        Expect.True(map is null, $"{step}: no handle on failure");
    }

    /// <summary>
    /// Reads the map through a new read-write handle: key‖value in iteration order for hash and array maps; for queues
    /// and stacks the values popped, in pop order, or, when the map is frozen and cannot be popped, what a peek sees.
    /// Popping empties a queue, so read one only once, at the end.
    /// </summary>
    public static List<byte[]> Contents(ConformanceContext ctx, BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(map);
        var reader = OpenById(ctx, map);
        if (!map.Spec.Type.IsQueueOrStack())
        {
            return [.. Maps.Dump(ctx.Backend, reader).Select(e => Data.Concat(e.Key, e.Value))];
        }

        var popped = new List<byte[]>();
        for (var i = 0; i <= map.Spec.MaxEntries; i++)
        {
            var value = new byte[map.Layout.ValueSize];
            var errno = ctx.Backend.LookupAndDelete(reader, [], value);
            if (errno == Errno.ENOENT)
            {
                return popped;
            }

            if (errno == Errno.EPERM && i == 0)
            {
                // Frozen: a peek is all that can be read.
                var peeked = new byte[map.Layout.ValueSize];
                var peek = ctx.Backend.Lookup(reader, [], peeked);
                return [[.. "frozen, peek "u8, (byte)peek, .. peeked]];
            }

            Expect.Errno(Errno.None, errno, "read: pop");
            popped.Add(value);
        }

        throw new ConformanceFailureException("read: the queue did not empty");
    }

    private static BpfMapHandle Opened(ConformanceContext ctx, Errno errno, BpfMapHandle? map, BpfOpenFlags flags, string step)
    {
        if (map is not null)
        {
            ctx.Track(map);
        }

        Expect.Errno(Errno.None, errno, step);
        Expect.True(map is not null, $"{step}: a handle on success");
        Expect.Equal(flags.ToAccess(), map!.Access, $"{step}: the handle's access mode");
        return map;
    }
}
