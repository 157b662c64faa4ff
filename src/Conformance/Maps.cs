namespace BpfMaps.Conformance;

/// <summary>Specs and whole-map reads shared by the cases.</summary>
public static class Maps
{
    /// <summary>The map types whose element and batch semantics the core cases cover.</summary>
    public static IReadOnlyList<BpfMapType> CoreTypes { get; } =
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.Array, BpfMapType.PerCpuArray];

    /// <summary>The hash types among <see cref="CoreTypes"/>.</summary>
    public static IReadOnlyList<BpfMapType> CoreHashTypes { get; } = [BpfMapType.Hash, BpfMapType.PerCpuHash];

    /// <summary>The array types among <see cref="CoreTypes"/>.</summary>
    public static IReadOnlyList<BpfMapType> ArrayTypes { get; } = [BpfMapType.Array, BpfMapType.PerCpuArray];

    /// <summary>The name segment of a type in case names: <c>hash</c>, <c>percpu_array</c>, ...</summary>
    public static string Slug(BpfMapType type) => type switch
    {
        BpfMapType.Hash => "hash",
        BpfMapType.Array => "array",
        BpfMapType.PerCpuHash => "percpu_hash",
        BpfMapType.PerCpuArray => "percpu_array",
        BpfMapType.LruHash => "lru_hash",
        BpfMapType.LruPerCpuHash => "lru_percpu_hash",
        BpfMapType.Queue => "queue",
        BpfMapType.Stack => "stack",
        _ => $"type{(uint)type}",
    };

    /// <summary>
    /// A spec of <paramref name="type"/>: arrays get 4-byte keys; hash maps get <see cref="BpfMapFlags.ZeroSeed"/>
    /// so that their iteration order is the same on every backend (reference §7.2).
    /// </summary>
    public static BpfMapSpec Spec(BpfMapType type, uint maxEntries = 8, uint valueSize = 8, uint keySize = 4) =>
        new(type, type.IsArrayFamily() ? 4 : keySize, valueSize, maxEntries)
        {
            Flags = type.IsHashFamily() ? BpfMapFlags.ZeroSeed : BpfMapFlags.None,
        };

    /// <summary>
    /// Every entry of a hash or array map, in iteration order, read with GET_NEXT_KEY and LOOKUP_ELEM.
    /// </summary>
    public static List<(byte[] Key, byte[] Value)> Dump(IBpfMapBackend backend, BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(map);
        var entries = new List<(byte[], byte[])>();
        var key = Array.Empty<byte>();
        var next = new byte[map.Spec.KeySize];
        // An iteration visits each element once; more steps than max_entries mean a restart loop.
        for (var steps = 0L; steps <= map.Spec.MaxEntries; steps++)
        {
            var errno = backend.GetNextKey(map, key, next);
            if (errno == Errno.ENOENT)
            {
                return entries;
            }

            Expect.Errno(Errno.None, errno, "dump: get-next-key");
            var value = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, next, value), "dump: lookup");
            entries.Add((next.ToArray(), value));
            key = next.ToArray();
        }

        throw new ConformanceFailureException($"dump: iteration did not end after {map.Spec.MaxEntries + 1} steps");
    }

    /// <summary>The keys of <see cref="Dump"/>, in iteration order.</summary>
    public static List<byte[]> Keys(IBpfMapBackend backend, BpfMapHandle map) =>
        [.. Dump(backend, map).Select(e => e.Key)];
}
