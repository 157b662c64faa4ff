using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.Lockstep;

/// <summary>
/// FsCheck generators of lockstep scenarios and their shrinker. Operations cover every command with every flag value
/// (invalid bits included), keys present and absent (a pool a little larger than max_entries), array indexes at and
/// past the bounds, batch counts from 0 to twice max_entries, cursors from earlier results or arbitrary, and NULL
/// buffers. For hash maps with a random seed (compared as sets) only walks and the order-independent forms of
/// order-dependent commands are generated, so that both backends stay in the same state (§7.2). Beside the map
/// commands, a few percent each: handles opened by id (own or unknown ids, raw flags) and closed, steps through any
/// open handle, map info, pins and gets on a pool of paths, and, for LRU maps, switches to another CPU (§10, §12).
/// </summary>
public static class ScenarioGenerator
{
    private static readonly BpfElementFlags[] InvalidUpdateFlags =
        [(BpfElementFlags)3, BpfElementFlags.Lock, (BpfElementFlags)5, (BpfElementFlags)6, (BpfElementFlags)8, (BpfElementFlags)0x10,
         (BpfElementFlags)(1UL << 32), (BpfElementFlags)(1UL << 63)];

    private static readonly BpfElementFlags[] InvalidLookupFlags =
        [BpfElementFlags.NoExist, BpfElementFlags.Exist, (BpfElementFlags)3, BpfElementFlags.Lock, (BpfElementFlags)8, (BpfElementFlags)(1UL << 32)];

    private static readonly BpfBatchFlags[] NonZeroBatchFlags = [(BpfBatchFlags)1, (BpfBatchFlags)2, (BpfBatchFlags)(1UL << 40)];

    /// <summary>
    /// Scenarios of <paramref name="family"/> with 1 to <paramref name="maxOperations"/> steps, with pins and CPU
    /// switches where <paramref name="capabilities"/> allow them.
    /// </summary>
    public static Gen<LockstepScenario> Scenarios(MapFamily family, int possibleCpus, int maxOperations, LockstepCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentOutOfRangeException.ThrowIfLessThan(possibleCpus, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOperations, 1);
        return from spec in family.Specs()
               from ops in Operations(spec, possibleCpus, maxOperations, capabilities)
               select new LockstepScenario(spec, ops);
    }

    /// <summary>The scenarios as an FsCheck arbitrary that shrinks with <see cref="Shrink"/>.</summary>
    public static Arbitrary<LockstepScenario> Arbitrary(MapFamily family, int possibleCpus, int maxOperations, LockstepCapabilities capabilities) =>
        Arb.From(Scenarios(family, possibleCpus, maxOperations, capabilities), Shrink);

    /// <summary>
    /// Smaller scenarios: without chunks of steps (all of them first, then halves, quarters, down to single steps),
    /// then with one step through the first handle instead of another, or one batch step made smaller (half its count,
    /// or one element fewer), then with a smaller max_entries. FsCheck keeps the first that
    /// still fails and shrinks again, so the result is a sequence from which no step and no batch element can be
    /// removed.
    /// </summary>
    public static IEnumerable<LockstepScenario> Shrink(LockstepScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var ops = scenario.Operations;
        for (var chunk = ops.Count; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < ops.Count; start += chunk)
            {
                yield return scenario with { Operations = [.. ops.Take(start), .. ops.Skip(start + chunk)] };
            }
        }

        for (var i = 0; i < ops.Count; i++)
        {
            foreach (var smaller in Smaller(ops[i]))
            {
                yield return scenario with { Operations = [.. ops.Take(i), smaller, .. ops.Skip(i + 1)] };
            }
        }

        // A map that fills up sooner: every step stays valid, since keys, values and counts do not depend on it.
        var max = scenario.Spec.MaxEntries;
        if (max > 1)
        {
            yield return scenario with { Spec = scenario.Spec with { MaxEntries = max / 2 } };
            yield return scenario with { Spec = scenario.Spec with { MaxEntries = max - 1 } };
        }
    }

    // The step through handle 0 or 1; a batch with half its elements, then without one element (each in turn).
    private static IEnumerable<LockstepOperation> Smaller(LockstepOperation op)
    {
        if (op.Handle != 0)
        {
            yield return op with { Handle = 0 };
        }

        if (op.Handle > 1)
        {
            yield return op with { Handle = 1 };
        }

        switch (op)
        {
            case UpdateBatchOp { Count: > 0 } u:
                foreach (var kept in Subsets((int)u.Count))
                {
                    yield return u with { Count = (uint)kept.Length, Keys = Pick(u.Keys, kept), Values = Pick(u.Values, kept) };
                }

                break;
            case DeleteBatchOp { Count: > 0 } d:
                foreach (var kept in Subsets((int)d.Count))
                {
                    yield return d with { Count = (uint)kept.Length, Keys = Pick(d.Keys, kept) };
                }

                break;
            case LookupBatchOp { Count: > 1 } l:
                yield return l with { Count = l.Count / 2 };
                yield return l with { Count = l.Count - 1 };
                break;
            case BatchWalkOp { Chunk: > 1 } w:
                yield return w with { Chunk = w.Chunk / 2 };
                break;
        }
    }

    private static IEnumerable<int[]> Subsets(int count)
    {
        if (count > 1)
        {
            yield return [.. Enumerable.Range(0, count / 2)];
        }

        for (var drop = 0; drop < count; drop++)
        {
            yield return [.. Enumerable.Range(0, count).Where(i => i != drop)];
        }
    }

    private static byte[][]? Pick(IReadOnlyList<byte[]>? items, int[] kept) => items is null ? null : [.. kept.Select(i => items[i])];

    private static Gen<IReadOnlyList<LockstepOperation>> Operations(BpfMapSpec spec, int possibleCpus, int maxOperations, LockstepCapabilities capabilities)
    {
        // A refused create runs no step; no need to generate any.
        if (spec.MaxEntries == 0 || spec.ValueSize == 0 || (spec.KeySize == 0) != spec.Type.IsQueueOrStack()
            || (spec.Type.IsArrayFamily() && spec.KeySize != 4))
        {
            return Gen.Constant<IReadOnlyList<LockstepOperation>>([]);
        }

        var layout = new BpfMapLayout(spec, possibleCpus);
        return from pool in KeyPool(spec)
               let shape = new Shape(spec, layout, pool, possibleCpus, capabilities)
               from length in Gen.Choose(1, maxOperations)
               from ops in Gen.ArrayOf(Operation(shape), length)
               select (IReadOnlyList<LockstepOperation>)ops;
    }

    // Keys the steps draw from: a few more than max_entries, so that maps fill up, keys are present and absent,
    // and small bucket arrays collide.
    private static Gen<byte[][]> KeyPool(BpfMapSpec spec)
    {
        if (!spec.Type.IsHashFamily())
        {
            return Gen.Constant(Array.Empty<byte[]>());
        }

        var size = (int)Math.Min(spec.MaxEntries + (spec.MaxEntries / 2) + 2, spec.KeySize >= 2 ? uint.MaxValue : 256);
        return Gen.ArrayOf(Bytes((int)spec.KeySize), size);
    }

    // Map commands through any open handle, and object steps at 2.5 to 4 percent each (per mille weights).
    private static Gen<LockstepOperation> Operation(Shape s)
    {
        var objects = new List<(int, Gen<LockstepOperation>)>
        {
            (40, OpenById()),
            (30, Through(Gen.Constant<LockstepOperation>(new CloseHandleOp()))),
            (25, Through(Gen.Constant<LockstepOperation>(new GetInfoOp()))),
        };
        if (s.Capabilities.HasFlag(LockstepCapabilities.Pins))
        {
            objects.Add((30, Through(PinPathArg().Select(p => (LockstepOperation)new PinOp(p)))));
            objects.Add((35, from p in PinPathArg() from f in OpenFlags() select (LockstepOperation)new OpenPinnedOp(p, f)));
        }

        if (s.Capabilities.HasFlag(LockstepCapabilities.CpuSwitches) && s.Spec.Type.IsLru())
        {
            objects.Add((25, Gen.Choose(0, s.PossibleCpus - 1).Select(c => (LockstepOperation)new SwitchCpuOp(c))));
        }

        return Gen.Frequency([(1000 - objects.Sum(o => o.Item1), Through(MapOperation(s))), .. objects]);
    }

    // Mostly the first handle; a quarter of the steps through another, when one is open.
    private static Gen<LockstepOperation> Through(Gen<LockstepOperation> op) =>
        from o in op
        from handle in Gen.Frequency((75, Gen.Constant(0)), (25, Gen.Choose(1, 3)))
        select handle == 0 ? o : o with { Handle = handle };

    // The map's own id mostly; else ids no map has (0 is never given, ids stay below INT_MAX, §10).
    private static Gen<LockstepOperation> OpenById() =>
        from id in Gen.Frequency((80, Gen.Constant<uint?>(null)), (20, Gen.Elements<uint?>(0u, 0x7fffffffu, 0xffffffffu)))
        from flags in OpenFlags()
        select (LockstepOperation)new OpenByIdOp(id, flags);

    // open_flags / file_flags: read-write, RDONLY, WRONLY, both (EINVAL), or another bit: BPF_F_RDONLY_PROG,
    // BPF_F_STACK_BUILD_ID, BPF_F_PATH_FD (which BPF_OBJ_GET alone accepts), bit 0, bit 31 (§10).
    private static Gen<BpfOpenFlags> OpenFlags() => Gen.Frequency(
        (40, Gen.Constant(BpfOpenFlags.None)), (20, Gen.Constant(BpfOpenFlags.ReadOnly)), (20, Gen.Constant(BpfOpenFlags.WriteOnly)),
        (8, Gen.Constant(BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly)),
        (12, Gen.Elements((BpfOpenFlags)(1u << 7), (BpfOpenFlags)(1u << 5), (BpfOpenFlags)(1u << 14), BpfOpenFlags.ReadOnly | (BpfOpenFlags)(1u << 14),
            BpfOpenFlags.WriteOnly | (BpfOpenFlags)(1u << 14), (BpfOpenFlags)1, (BpfOpenFlags)(1u << 31))));

    // Mostly the two valid names, so that pins and gets meet each other.
    private static Gen<PinPath> PinPathArg() => Gen.Frequency(
        (35, Gen.Constant(PinPath.A)), (20, Gen.Constant(PinPath.B)), (8, Gen.Constant(PinPath.Dotted)), (7, Gen.Constant(PinPath.MissingDirectory)),
        (8, Gen.Constant(PinPath.ThroughPin)), (7, Gen.Constant(PinPath.TrailingSlash)), (5, Gen.Constant(PinPath.BpfDirectory)),
        (6, Gen.Constant(PinPath.Elsewhere)), (4, Gen.Constant(PinPath.OtherDirectory)));

    private static Gen<LockstepOperation> MapOperation(Shape s) => s.Spec.Type switch
    {
        _ when s.Spec.Type.IsQueueOrStack() => QueueStackOperation(s),
        _ when s.Spec.Type.IsArrayFamily() => Gen.Frequency(
            (1500, Update(s)), (1000, Lookup(s)), (150, Delete(s)), (500, GetNextKey(s)), (150, LookupAndDelete(s)),
            (600, LookupBatch(s, andDelete: false)), (100, LookupBatch(s, andDelete: true)), (500, UpdateBatch(s)), (100, DeleteBatch(s)),
            (100, Gen.Constant<LockstepOperation>(new ContentsOp())), (150, Walk(s)), (2, Freeze())),
        _ when s.Ordering == OrderComparison.Exact => Gen.Frequency(
            (1400, Update(s)), (600, Lookup(s)), (500, Delete(s)), (500, GetNextKey(s)), (250, LookupAndDelete(s)),
            (400, LookupBatch(s, andDelete: false)), (200, LookupBatch(s, andDelete: true)), (400, UpdateBatch(s)), (250, DeleteBatch(s)),
            (100, Gen.Constant<LockstepOperation>(new ContentsOp())), (150, Walk(s)), (2, Freeze())),
        _ => Gen.Frequency(
            (1500, Update(s)), (650, Lookup(s)), (550, Delete(s)), (50, Gen.Constant<LockstepOperation>(new GetNextKeyOp(KeyArg.Null, NullNextKey: true))),
            (300, LookupAndDelete(s)), (150, OrderIndependentLookupBatch(s, andDelete: false)), (100, OrderIndependentLookupBatch(s, andDelete: true)),
            (450, UpdateBatch(s)), (300, DeleteBatch(s)), (200, Gen.Constant<LockstepOperation>(new ContentsOp())), (300, Walk(s)), (2, Freeze())),
    };

    private static Gen<LockstepOperation> Update(Shape s) =>
        from key in Key(s, allowNull: true)
        from value in Gen.Frequency((97, Bytes(s.ValueSize).Select(b => (byte[]?)b)), (3, Gen.Constant<byte[]?>(null)))
        from flags in UpdateFlags(s)
        select (LockstepOperation)new UpdateOp(key, value, flags);

    private static Gen<LockstepOperation> Lookup(Shape s) =>
        from key in Key(s, allowNull: true)
        from nullValue in Chance(5)
        from flags in LookupFlags(s)
        select (LockstepOperation)new LookupOp(key, nullValue, flags);

    private static Gen<LockstepOperation> Delete(Shape s) => Key(s, allowNull: true).Select(k => (LockstepOperation)new DeleteOp(k));

    private static Gen<LockstepOperation> LookupAndDelete(Shape s) =>
        from key in Key(s, allowNull: true)
        from nullValue in Chance(5)
        from flags in LookupFlags(s)
        select (LockstepOperation)new LookupAndDeleteOp(key, nullValue, flags);

    // Exact maps only: the successor depends on the order. Half the calls continue from the last result.
    private static Gen<LockstepOperation> GetNextKey(Shape s) =>
        from key in Gen.Frequency((35, Key(s, allowNull: false)), (20, Gen.Constant(KeyArg.Null)), (45, Gen.Constant(KeyArg.LastNextKey)))
        from nullNext in Chance(5)
        select (LockstepOperation)new GetNextKeyOp(key, nullNext);

    private static Gen<LockstepOperation> Freeze() => Gen.Constant<LockstepOperation>(new FreezeOp());

    private static Gen<LockstepOperation> LookupBatch(Shape s, bool andDelete) =>
        from inBatch in Gen.Frequency(
            (30, Gen.Constant(CursorArg.Null)), (40, Gen.Constant(CursorArg.LastOutBatch)),
            (20, Gen.Choose(0, (int)s.CursorBound + 1).Select(c => CursorArg.Literal((uint)c))),
            (10, AnyUInt().Select(CursorArg.Literal)))
        from nullOut in Chance(5)
        from count in Count(s)
        from nullKeys in Chance(5)
        from nullValues in Chance(5)
        from elementFlags in BatchElementFlags(s)
        from flags in BatchFlags()
        select (LockstepOperation)new LookupBatchOp(andDelete, inBatch, nullOut, count, nullKeys, nullValues, elementFlags, flags);

    // Random-seed hash maps: a lookup batch whose outcome does not depend on the bucket of any key (§8.2, §8.3):
    // count 0, flags refused before count, or a cursor at or past n_buckets.
    private static Gen<LockstepOperation> OrderIndependentLookupBatch(Shape s, bool andDelete) =>
        from form in Gen.Choose(0, 2)
        from nullOut in Chance(5)
        from count in form == 0 ? Gen.Constant(0u) : Count(s)
        from nullKeys in Chance(5)
        from nullValues in Chance(5)
        from invalid in Gen.Elements(
            (BpfElementFlags.Any, (BpfBatchFlags)1), (BpfElementFlags.NoExist, BpfBatchFlags.None),
            (BpfElementFlags.Lock, BpfBatchFlags.None), ((BpfElementFlags)(1UL << 32), BpfBatchFlags.None))
        from past in Gen.Frequency((80, Gen.Choose(0, 3).Select(d => s.BucketCount + (uint)d)), (20, Gen.Constant(uint.MaxValue)))
        let flags = form == 1 ? invalid : (BpfElementFlags.Any, BpfBatchFlags.None)
        let inBatch = form == 2 ? CursorArg.Literal(past) : CursorArg.Null
        select (LockstepOperation)new LookupBatchOp(andDelete, inBatch, nullOut, count, nullKeys, nullValues, flags.Item1, flags.Item2);

    private static Gen<LockstepOperation> UpdateBatch(Shape s) =>
        from count in Count(s)
        from keys in Gen.Frequency((95, Gen.ArrayOf(Key(s, allowNull: false).Select(k => k.Bytes!), (int)count).Select(k => (byte[][]?)k)),
            (5, Gen.Constant<byte[][]?>(null)))
        from values in Gen.Frequency((95, Gen.ArrayOf(Bytes(s.ValueSize), (int)count).Select(v => (byte[][]?)v)),
            (5, Gen.Constant<byte[][]?>(null)))
        from elementFlags in BatchElementFlags(s)
        from flags in BatchFlags()
        select (LockstepOperation)new UpdateBatchOp(keys, values, count, elementFlags, flags);

    private static Gen<LockstepOperation> DeleteBatch(Shape s) =>
        from count in Count(s)
        from keys in Gen.Frequency((95, Gen.ArrayOf(Key(s, allowNull: false).Select(k => k.Bytes!), (int)count).Select(k => (byte[][]?)k)),
            (5, Gen.Constant<byte[][]?>(null)))
        from elementFlags in BatchElementFlags(s)
        from flags in BatchFlags()
        select (LockstepOperation)new DeleteBatchOp(keys, count, elementFlags, flags);

    private static Gen<LockstepOperation> Walk(Shape s) =>
        from andDelete in Chance(30)
        from chunk in Gen.Choose(1, (int)s.Spec.MaxEntries + 2)
        select (LockstepOperation)new BatchWalkOp(andDelete, (uint)chunk);

    // Queues and stacks: keys must be NULL (a key is EINVAL), batches are ENOTSUPP, pops may lose the element to a
    // NULL value (§11.2, §8.1, §14).
    private static Gen<LockstepOperation> QueueStackOperation(Shape s)
    {
        var key = Gen.Frequency((95, Gen.Constant(KeyArg.Null)), (5, Bytes(4).Select(KeyArg.Of)));
        var push =
            from k in key
            from value in Gen.Frequency((97, Bytes(s.ValueSize).Select(b => (byte[]?)b)), (3, Gen.Constant<byte[]?>(null)))
            from flags in Gen.Frequency((55, Gen.Constant(BpfElementFlags.Any)), (30, Gen.Constant(BpfElementFlags.Exist)),
                (15, Gen.Elements(BpfElementFlags.NoExist, (BpfElementFlags)3, BpfElementFlags.Lock, (BpfElementFlags)8)))
            select (LockstepOperation)new UpdateOp(k, value, flags);
        var peek =
            from k in key
            from nullValue in Chance(5)
            from flags in LookupFlags(s)
            select (LockstepOperation)new LookupOp(k, nullValue, flags);
        var pop =
            from k in key
            from nullValue in Chance(5)
            from flags in LookupFlags(s)
            select (LockstepOperation)new LookupAndDeleteOp(k, nullValue, flags);
        var batch =
            from andDelete in Chance(50)
            from count in Count(s)
            select (LockstepOperation)new LookupBatchOp(andDelete, CursorArg.Null, false, count, false, false, BpfElementFlags.Any, BpfBatchFlags.None);
        var updateBatch =
            from count in Count(s)
            from values in Gen.ArrayOf(Bytes(s.ValueSize), (int)count)
            select (LockstepOperation)new UpdateBatchOp(null, values, count, BpfElementFlags.Any, BpfBatchFlags.None);
        return Gen.Frequency(
            (400, push), (200, peek), (250, pop),
            (20, key.Select(k => (LockstepOperation)new DeleteOp(k))),
            (20, key.Select(k => (LockstepOperation)new GetNextKeyOp(k, NullNextKey: false))),
            (20, batch), (10, updateBatch),
            (10, Count(s).Select(c => (LockstepOperation)new DeleteBatchOp(null, c, BpfElementFlags.Any, BpfBatchFlags.None))),
            (10, Gen.Constant<LockstepOperation>(new ContentsOp())), (1, Freeze()));
    }

    // A key of the pool (present or absent), a fresh key (most likely absent), NULL, or the last get-next-key result.
    // Array indexes are mostly in range, sometimes at, just past or far past max_entries (§4, §5.2).
    private static Gen<KeyArg> Key(Shape s, bool allowNull)
    {
        var max = (int)s.Spec.MaxEntries;
        var key = s.Spec.Type.IsArrayFamily()
            ? Gen.Frequency(
                (80, Gen.Choose(0, max - 1).Select(i => KeyArg.Index((uint)i))),
                (6, Gen.Constant(KeyArg.Index((uint)max))),
                (4, Gen.Constant(KeyArg.Index((uint)max + 1))),
                (5, Gen.Choose(max, int.MaxValue).Select(i => KeyArg.Index((uint)i))),
                (5, Gen.Constant(KeyArg.Index(uint.MaxValue))))
            : Gen.Frequency((85, Gen.Elements(s.Pool).Select(KeyArg.Of)), (15, Bytes((int)s.Spec.KeySize).Select(KeyArg.Of)));
        if (!allowNull)
        {
            return key;
        }

        return s.Ordering == OrderComparison.Exact
            ? Gen.Frequency((92, key), (3, Gen.Constant(KeyArg.Null)), (5, Gen.Constant(KeyArg.LastNextKey)))
            : Gen.Frequency((97, key), (3, Gen.Constant(KeyArg.Null)));
    }

    // BPF_F_LOCK is valid, with or without NOEXIST/EXIST, only where the value holds a spin lock (§9.2); elsewhere it
    // is one of the invalid values (§4, §5.1).
    private static Gen<BpfElementFlags> UpdateFlags(Shape s) => s.HasSpinLock
        ? Gen.Frequency((35, Gen.Constant(BpfElementFlags.Any)), (15, Gen.Constant(BpfElementFlags.NoExist)), (15, Gen.Constant(BpfElementFlags.Exist)),
            (25, Gen.Elements(BpfElementFlags.Lock, BpfElementFlags.Lock | BpfElementFlags.NoExist, BpfElementFlags.Lock | BpfElementFlags.Exist)),
            (10, Gen.Elements(BpfElementFlags.Lock | (BpfElementFlags)3, BpfElementFlags.Lock | (BpfElementFlags)8, (BpfElementFlags)3, (BpfElementFlags)8)))
        : Gen.Frequency((50, Gen.Constant(BpfElementFlags.Any)), (20, Gen.Constant(BpfElementFlags.NoExist)),
            (20, Gen.Constant(BpfElementFlags.Exist)), (10, Gen.Elements(InvalidUpdateFlags)));

    private static Gen<BpfElementFlags> LookupFlags(Shape s) => s.HasSpinLock
        ? Gen.Frequency((60, Gen.Constant(BpfElementFlags.Any)), (30, Gen.Constant(BpfElementFlags.Lock)),
            (10, Gen.Elements(BpfElementFlags.Lock | BpfElementFlags.NoExist, BpfElementFlags.Exist, (BpfElementFlags)8)))
        : Gen.Frequency((90, Gen.Constant(BpfElementFlags.Any)), (10, Gen.Elements(InvalidLookupFlags)));

    private static Gen<BpfElementFlags> BatchElementFlags(Shape s) => s.HasSpinLock
        ? Gen.Frequency((55, Gen.Constant(BpfElementFlags.Any)), (30, Gen.Constant(BpfElementFlags.Lock)),
            (15, Gen.Elements(BpfElementFlags.Lock | BpfElementFlags.NoExist, BpfElementFlags.Exist, (BpfElementFlags)8)))
        : Gen.Frequency((85, Gen.Constant(BpfElementFlags.Any)), (15, Gen.Elements(InvalidLookupFlags)));

    private static Gen<BpfBatchFlags> BatchFlags() =>
        Gen.Frequency((92, Gen.Constant(BpfBatchFlags.None)), (8, Gen.Elements(NonZeroBatchFlags)));

    // 0 to twice max_entries, small counts more often.
    private static Gen<uint> Count(Shape s)
    {
        var max = (int)s.Spec.MaxEntries;
        return Gen.Frequency(
            (10, Gen.Constant(0)), (20, Gen.Choose(1, Math.Min(3, max))), (45, Gen.Choose(1, max)), (25, Gen.Choose(max, 2 * max))).Select(c => (uint)c);
    }

    private static Gen<bool> Chance(int percent) => Gen.Choose(1, 100).Select(p => p <= percent);

    private static Gen<uint> AnyUInt() =>
        from high in Gen.Choose(0, 0xFFFF)
        from low in Gen.Choose(0, 0xFFFF)
        select ((uint)high << 16) | (uint)low;

    // Random bytes from one generated seed: cheaper than a generator per byte, and as random.
    private static Gen<byte[]> Bytes(int length) => Gen.Choose(0, int.MaxValue).Select(seed => Expand(seed, length));

    private static byte[] Expand(int seed, int length)
    {
        var bytes = new byte[length];
        var state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        for (var i = 0; i < length; i++)
        {
            // splitmix64
            state = unchecked(state + 0x9E3779B97F4A7C15UL);
            var z = state;
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            bytes[i] = (byte)(z ^ (z >> 31));
        }

        return bytes;
    }

    /// <summary>What the step generators need to know about the map.</summary>
    private sealed class Shape(BpfMapSpec spec, BpfMapLayout layout, byte[][] pool, int possibleCpus, LockstepCapabilities capabilities)
    {
        public BpfMapSpec Spec { get; } = spec;

        public int PossibleCpus { get; } = possibleCpus;

        public LockstepCapabilities Capabilities { get; } = capabilities;

        public int ValueSize { get; } = (int)layout.ValueSize;

        public byte[][] Pool { get; } = pool;

        public OrderComparison Ordering { get; } = LockstepScenario.OrderingOf(spec);

        public bool HasSpinLock { get; } = spec.Btf is { SpinLockOffsets.Count: > 0 };

        // n_buckets of a hash map: roundup_pow_of_two of max_entries, itself rounded up to a multiple of ncpus with
        // BPF_F_NO_COMMON_LRU (§3.1, §7.2).
        public uint BucketCount { get; } = Jhash.BucketCount((spec.Flags & BpfMapFlags.NoCommonLru) != 0 && spec.Type.IsLru()
            ? (spec.MaxEntries + (uint)possibleCpus - 1) / (uint)possibleCpus * (uint)possibleCpus
            : spec.MaxEntries);

        // Literal cursors up to just past the end: n_buckets for hash maps, max_entries for arrays.
        public uint CursorBound => Spec.Type.IsArrayFamily() ? Spec.MaxEntries : BucketCount;
    }
}
