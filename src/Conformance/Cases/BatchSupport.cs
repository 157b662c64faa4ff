namespace BpfMaps.Conformance.Cases;

/// <summary>
/// What the batch cases (reference §8) share: keys and values by id, sentinel-filled output buffers so that
/// "untouched" can be checked byte for byte, one lookup-batch call with its whole outcome, and exact checks.
/// </summary>
internal static class Batch
{
    /// <summary>Fills key buffers before a call: slots the kernel does not write keep it.</summary>
    public const byte KeySentinel = 0xC5;

    /// <summary>Fills value buffers before a call.</summary>
    public const byte ValueSentinel = 0xD7;

    /// <summary>Fills <c>out_batch</c> before a call; no map here has that many buckets or entries.</summary>
    public const uint CursorSentinel = 0xEEEEEEEE;

    /// <summary>The hash types: all four support every batch command with the bucket cursor (reference §8.1).</summary>
    public static IReadOnlyList<BpfMapType> HashTypes { get; } =
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash];

    /// <summary>Every type that supports UPDATE_BATCH (reference §8.1).</summary>
    public static IReadOnlyList<BpfMapType> UpdatableTypes { get; } =
        [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash, BpfMapType.Array, BpfMapType.PerCpuArray];

    /// <summary>Element-flag values no batch command accepts on a map without a spin lock, named for case names (reference §8.2).</summary>
    public static IReadOnlyList<(string Name, BpfElementFlags Flags)> InvalidElementFlags { get; } =
    [
        ("noexist", BpfElementFlags.NoExist),
        ("exist", BpfElementFlags.Exist),
        ("noexist-and-exist", BpfElementFlags.NoExist | BpfElementFlags.Exist),
        ("f-lock-without-spin-lock", BpfElementFlags.Lock),
        ("f-lock-and-noexist-without-spin-lock", BpfElementFlags.Lock | BpfElementFlags.NoExist),
        ("bit-3", (BpfElementFlags)8),
        ("bit-32", (BpfElementFlags)(1UL << 32)),
    ];

    /// <summary>
    /// Whether <paramref name="flags"/> of <see cref="InvalidElementFlags"/> is BPF_F_CPU on CPU 0 for a per-CPU map's
    /// LOOKUP_BATCH or UPDATE_BATCH, which takes it where the kernel has the CPU flags (<see cref="KernelChanges.CpuFlags"/>).
    /// </summary>
    public static bool IsCpuFlagOf(BpfMapType type, BpfElementFlags flags, BatchCommand command) =>
        flags == BpfElementFlags.Cpu && type.IsPerCpu() && command is BatchCommand.Lookup or BatchCommand.Update;

    /// <summary>Non-zero <c>batch.flags</c> values, named for case names (no bit is defined, reference §8.2).</summary>
    public static IReadOnlyList<(string Name, BpfBatchFlags Flags)> NonZeroBatchFlags { get; } =
    [
        ("1", (BpfBatchFlags)1),
        ("bit-63", (BpfBatchFlags)(1UL << 63)),
        ("all-bits", (BpfBatchFlags)ulong.MaxValue),
    ];

    /// <summary>The key of <paramref name="id"/> for <paramref name="map"/>.</summary>
    public static byte[] Key(BpfMapHandle map, uint id) => Data.Key(id, map.Spec.KeySize);

    /// <summary>The value stored under <paramref name="id"/> (a whole per-CPU value, padding included).</summary>
    public static byte[] Value(BpfMapHandle map, uint id) => Data.Value(map, (int)id + 1);

    /// <summary>What the map keeps of <see cref="Value"/> of <paramref name="id"/> (<see cref="Elements.Stored"/>): what reads return.</summary>
    public static byte[] Stored(ConformanceContext ctx, BpfMapHandle map, uint id) => Elements.Stored(ctx, map, Value(map, id));

    /// <summary>A second value for <paramref name="id"/>, distinct from <see cref="Value"/>.</summary>
    public static byte[] OtherValue(BpfMapHandle map, uint id) => Data.Value(map, (int)id + 101);

    /// <summary>An all-zero value: what an array index holds before anything was written.</summary>
    public static byte[] Zero(BpfMapHandle map) => new byte[map.Layout.ValueSize];

    /// <summary>Inserts <paramref name="ids"/> in order with UPDATE_ELEM, each with <see cref="Value"/>.</summary>
    public static void Insert(ConformanceContext ctx, BpfMapHandle map, params uint[] ids)
    {
        foreach (var id in ids)
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Key(map, id), Value(map, id)), $"insert key {id}");
        }
    }

    /// <summary>A buffer of <paramref name="length"/> bytes of <paramref name="fill"/>.</summary>
    public static byte[] Filled(ulong length, byte fill)
    {
        var buffer = new byte[length];
        Array.Fill(buffer, fill);
        return buffer;
    }

    /// <summary>
    /// Runs LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) with sentinel-filled buffers of <paramref name="slots"/>
    /// elements (default: <paramref name="count"/>); a null <paramref name="inBatch"/> and the <c>null*</c> switches
    /// pass empty spans, that is NULL pointers.
    /// </summary>
    public static LookupCall Lookup(ConformanceContext ctx, BpfMapHandle map, bool andDelete, uint? inBatch, uint count,
        uint? slots = null, bool nullKeys = false, bool nullValues = false, bool nullOut = false,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var n = slots ?? count;
        var call = new LookupCall(
            ctx,
            map,
            nullOut ? [] : Data.U32(CursorSentinel),
            nullKeys ? [] : Filled(n * map.Layout.KeySize, KeySentinel),
            nullValues ? [] : Filled(n * map.Layout.ValueSize, ValueSentinel));
        var input = inBatch is { } b ? Data.U32(b) : [];
        var c = count;
        call.Errno = andDelete
            ? ctx.Backend.LookupAndDeleteBatch(map, input, call.OutBatch, call.Keys, call.Values, ref c, elementFlags, flags)
            : ctx.Backend.LookupBatch(map, input, call.OutBatch, call.Keys, call.Values, ref c, elementFlags, flags);
        call.Count = c;
        return call;
    }

    /// <summary>
    /// Checks a buffer of elements of <paramref name="stride"/> bytes: the first slots hold <paramref name="items"/>,
    /// the rest still hold <paramref name="sentinel"/>. An empty buffer (NULL) is not checked.
    /// </summary>
    public static void ExpectSlots(ReadOnlySpan<byte> buffer, ulong stride, IReadOnlyList<byte[]> items, byte sentinel, string step)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        var slots = (uint)((ulong)buffer.Length / stride);
        var actual = Data.Split(buffer, slots, stride);
        var expected = new List<byte[]>(items);
        while (expected.Count < actual.Count)
        {
            expected.Add(Filled(stride, sentinel));
        }

        Expect.Sequence(expected, actual, step);
    }

    /// <summary>Checks every entry of the map, in iteration order (GET_NEXT_KEY + LOOKUP_ELEM).</summary>
    public static void ExpectMap(ConformanceContext ctx, BpfMapHandle map, IEnumerable<(byte[] Key, byte[] Value)> expected, string step) =>
        Expect.Sequence(
            expected.Select(e => Data.Concat(e.Key, e.Value)),
            Maps.Dump(ctx.Backend, map).Select(e => Data.Concat(e.Key, e.Value)),
            step);

    /// <summary>Checks the map's entries as a set (for maps whose order is not the point or not deterministic).</summary>
    public static void ExpectMapSet(ConformanceContext ctx, BpfMapHandle map, IEnumerable<(byte[] Key, byte[] Value)> expected, string step) =>
        Expect.Contents(expected, Maps.Dump(ctx.Backend, map), step);

    /// <summary>Checks an array map: index i holds <paramref name="values"/>[i].</summary>
    public static void ExpectArray(ConformanceContext ctx, BpfMapHandle map, IReadOnlyList<byte[]> values, string step) =>
        ExpectMap(ctx, map, values.Select((v, i) => (Data.U32((uint)i), v)), step);

    /// <summary>
    /// The bucket of <paramref name="key"/> in a ZERO_SEED hash map of <paramref name="spec"/>:
    /// <c>hash &amp; (roundup_pow_of_two(max_entries) − 1)</c> with seed 0 (reference §7.2).
    /// </summary>
    public static uint BucketOf(BpfMapSpec spec, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Type.IsHashFamily() || (spec.Flags & BpfMapFlags.ZeroSeed) == 0 || (ulong)key.Length != spec.KeySize)
        {
            throw new ArgumentException("Buckets are predictable only for ZERO_SEED hash maps, with keys of key_size bytes.", nameof(spec));
        }

        return Jhash.Bucket(key, Jhash.BucketCount(spec.MaxEntries));
    }

    /// <summary>The ids of <paramref name="count"/> keys landing in <paramref name="bucket"/> of a ZERO_SEED hash map, searched from id 1 upward.</summary>
    public static uint[] IdsInBucket(BpfMapSpec spec, uint bucket, int count, ICollection<uint>? taken = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ids = new List<uint>();
        for (var id = 1u; ids.Count < count; id++)
        {
            if (taken?.Contains(id) != true && Batch.BucketOf(spec, Data.Key(id, spec.KeySize)) == bucket)
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}

/// <summary>The whole outcome of one lookup batch call: errno, count, and the three output buffers as left.</summary>
internal sealed class LookupCall(ConformanceContext ctx, BpfMapHandle map, byte[] outBatch, byte[] keys, byte[] values)
{
    public BpfMapHandle Map { get; } = map;

    public Errno Errno { get; set; }

    public uint Count { get; set; }

    /// <summary>The <c>out_batch</c> buffer (empty when NULL was passed).</summary>
    public byte[] OutBatch { get; } = outBatch;

    public byte[] Keys { get; } = keys;

    public byte[] Values { get; } = values;

    /// <summary>
    /// Checks errno, count, <c>out_batch</c> (<paramref name="outBatch"/> null = untouched, still the sentinel),
    /// the keys and values written (every later slot untouched).
    /// </summary>
    public void Expect(Errno errno, uint count, uint? outBatch, IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> values)
    {
        Conformance.Expect.Errno(errno, Errno, "errno");
        Conformance.Expect.Equal(count, Count, "count");
        if (OutBatch.Length != 0)
        {
            Conformance.Expect.Bytes(Data.U32(outBatch ?? Batch.CursorSentinel), OutBatch, outBatch is null ? "out_batch untouched" : "out_batch");
        }

        Batch.ExpectSlots(Keys, Map.Layout.KeySize, keys, Batch.KeySentinel, "keys buffer");
        Batch.ExpectSlots(Values, Map.Layout.ValueSize, values, Batch.ValueSentinel, "values buffer");
    }

    /// <summary>As <see cref="Expect(Errno, uint, uint?, IReadOnlyList{byte[]}, IReadOnlyList{byte[]})"/> with keys and values of ids.</summary>
    public void Expect(Errno errno, uint count, uint? outBatch, IReadOnlyList<uint> ids) =>
        Expect(errno, count, outBatch, [.. ids.Select(id => Batch.Key(Map, id))], [.. ids.Select(id => Batch.Stored(ctx, Map, id))]);

    /// <summary>No out_batch, no key, no value was written; errno and count (as the kernel left it) are checked.</summary>
    public void ExpectUntouched(Errno errno, uint count) => Expect(errno, count, null, [], []);
}

/// <summary>
/// A ZERO_SEED hash map filled so that chosen buckets hold chosen numbers of keys: the expected iteration order is
/// buckets ascending, newest first within a bucket (reference §7.2).
/// </summary>
internal sealed class BucketMap
{
    private readonly List<(uint Id, uint Bucket, int Inserted)> _entries = [];

    private BucketMap(BpfMapHandle map) => Map = map;

    public BpfMapHandle Map { get; }

    /// <summary><c>roundup_pow_of_two(max_entries)</c>.</summary>
    public uint Buckets => Jhash.BucketCount(Map.Spec.MaxEntries);

    /// <summary>Every id, in iteration order.</summary>
    public IReadOnlyList<uint> Order => [.. _entries.OrderBy(e => e.Bucket).ThenByDescending(e => e.Inserted).Select(e => e.Id)];

    /// <summary>The ids in <paramref name="buckets"/>, in iteration order.</summary>
    public IReadOnlyList<uint> In(params uint[] buckets) => [.. Order.Where(id => buckets.Contains(BucketOf(id)))];

    /// <summary>The bucket of <paramref name="id"/>.</summary>
    public uint BucketOf(uint id) => _entries.Single(e => e.Id == id).Bucket;

    /// <summary>
    /// Creates a ZERO_SEED map of <paramref name="type"/> and inserts, bucket by bucket in the order given, the
    /// number of keys asked for each bucket (ids ascending within a bucket).
    /// </summary>
    public static BucketMap Create(ConformanceContext ctx, BpfMapType type, uint maxEntries, params (uint Bucket, int Keys)[] layout) =>
        Create(ctx, Maps.Spec(type, maxEntries), layout);

    /// <inheritdoc cref="Create(ConformanceContext, BpfMapType, uint, ValueTuple{uint, int}[])"/>
    public static BucketMap Create(ConformanceContext ctx, BpfMapSpec spec, params (uint Bucket, int Keys)[] layout)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var result = new BucketMap(ctx.CreateMap(spec));
        var taken = new HashSet<uint>();
        foreach (var (bucket, keys) in layout)
        {
            foreach (var id in Batch.IdsInBucket(spec, bucket, keys, taken))
            {
                taken.Add(id);
                result.Add(ctx, id);
            }
        }

        return result;
    }

    /// <summary>Creates a ZERO_SEED map of <paramref name="spec"/> and inserts <paramref name="ids"/> in order.</summary>
    public static BucketMap FromIds(ConformanceContext ctx, BpfMapSpec spec, IEnumerable<uint> ids)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(ids);
        var result = new BucketMap(ctx.CreateMap(spec));
        foreach (var id in ids)
        {
            result.Add(ctx, id);
        }

        return result;
    }

    /// <summary>Inserts (or re-inserts) <paramref name="id"/>; a re-insert moves it to the head when <paramref name="movesToHead"/>.</summary>
    public void Add(ConformanceContext ctx, uint id, bool movesToHead = true)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Batch.Insert(ctx, Map, id);
        Track(id, movesToHead);
    }

    /// <summary>Records that <paramref name="id"/> was written by a call other than <see cref="Add"/>.</summary>
    public void Track(uint id, bool movesToHead = true)
    {
        var index = _entries.FindIndex(e => e.Id == id);
        if (index >= 0 && !movesToHead)
        {
            return;
        }

        if (index >= 0)
        {
            _entries.RemoveAt(index);
        }

        _entries.Add((id, Batch.BucketOf(Map.Spec, Batch.Key(Map, id)), _entries.Count == 0 ? 0 : _entries.Max(e => e.Inserted) + 1));
    }

    /// <summary>Records that <paramref name="ids"/> were deleted.</summary>
    public void Forget(IEnumerable<uint> ids)
    {
        var gone = ids.ToHashSet();
        _entries.RemoveAll(e => gone.Contains(e.Id));
    }

    /// <summary>Keys of <paramref name="ids"/>.</summary>
    public IReadOnlyList<byte[]> Keys(IEnumerable<uint> ids) => [.. ids.Select(id => Batch.Key(Map, id))];

    /// <summary>Checks that the map holds exactly <paramref name="ids"/>, with their values, in this order.</summary>
    public void ExpectHolds(ConformanceContext ctx, IEnumerable<uint> ids, string step) =>
        Batch.ExpectMap(ctx, Map, ids.Select(id => (Batch.Key(Map, id), Batch.Stored(ctx, Map, id))), step);

    /// <summary>Checks that the map still holds everything it was filled with, in iteration order.</summary>
    public void ExpectUnchanged(ConformanceContext ctx, string step = "the map afterwards") => ExpectHolds(ctx, Order, step);
}
