namespace BpfMaps.Conformance.Cases;

/// <summary>The four batch commands, for generators that cover all of them.</summary>
internal enum BatchCommand
{
    Lookup,
    LookupAndDelete,
    Update,
    Delete,
}

/// <summary>
/// The support matrix of reference §8.1 and the first steps of the batch check order of §1.4: a map type without the
/// command answers ENOTSUPP (524, not 95) before any flag check and before the <c>count == 0</c> shortcut, and touches
/// nothing; a supported command with <c>count == 0</c> succeeds and touches nothing.
/// </summary>
internal static class BatchSupportMatrix
{
    /// <summary>The case-name area of <paramref name="command"/>.</summary>
    public static string Area(BatchCommand command) => command switch
    {
        BatchCommand.Lookup => "lookup-batch",
        BatchCommand.LookupAndDelete => "lookup-and-delete-batch",
        BatchCommand.Update => "update-batch",
        _ => "delete-batch",
    };

    /// <summary>The types that lack <paramref name="command"/> (reference §8.1).</summary>
    public static IEnumerable<BpfMapType> UnsupportedTypes(BatchCommand command) => command switch
    {
        BatchCommand.LookupAndDelete or BatchCommand.Delete =>
            [BpfMapType.Array, BpfMapType.PerCpuArray, BpfMapType.Queue, BpfMapType.Stack],
        _ => [BpfMapType.Queue, BpfMapType.Stack],
    };

    /// <summary>
    /// Sends <paramref name="command"/> with the given buffers (empty = NULL); the keys and values buffers are
    /// outputs of the lookups and inputs of update and delete.
    /// </summary>
    public static Errno Invoke(ConformanceContext ctx, BpfMapHandle map, BatchCommand command, ref uint count, byte[] inBatch, byte[] outBatch,
        byte[] keys, byte[] values, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return command switch
        {
            BatchCommand.Lookup => ctx.Backend.LookupBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags),
            BatchCommand.LookupAndDelete => ctx.Backend.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags),
            BatchCommand.Update => ctx.Backend.UpdateBatch(map, keys, values, ref count, elementFlags, flags),
            _ => ctx.Backend.DeleteBatch(map, keys, ref count, elementFlags, flags),
        };
    }

    /// <summary>The unsupported rows of §8.1 for <paramref name="command"/>, and the ENOTSUPP-first rows of §1.4.</summary>
    public static IEnumerable<ConformanceCase> Unsupported(BatchCommand command)
    {
        var area = Area(command);
        foreach (var type in UnsupportedTypes(command))
        {
            var t = Maps.Slug(type);
            yield return new ConformanceCase($"{area}/{t}/unsupported-gives-enotsupp-524-even-with-count-0-and-null-buffers", "§8.1", ctx =>
            {
                var map = Filled(ctx, type);
                var count = 0u;
                Expect.Errno(Errno.ENOTSUPP, Invoke(ctx, map, command, ref count, [], [], [], []), area);
                Expect.Equal(0u, count, "count");
                ExpectUnchanged(ctx, map);
            });
            yield return new ConformanceCase($"{area}/{t}/unsupported-gives-enotsupp-524-and-touches-nothing", "§8.1", ctx =>
            {
                var map = Filled(ctx, type);
                ExpectRefusedUntouched(ctx, map, command, Errno.ENOTSUPP, BpfElementFlags.Any, BpfBatchFlags.None);
            });
            yield return new ConformanceCase($"{area}/{t}/enotsupp-beats-invalid-elem-flags", "§1.4", ctx =>
            {
                var map = Filled(ctx, type);
                ExpectRefusedUntouched(ctx, map, command, Errno.ENOTSUPP, BpfElementFlags.NoExist | BpfElementFlags.Exist, BpfBatchFlags.None);
            });
            yield return new ConformanceCase($"{area}/{t}/enotsupp-beats-invalid-batch-flags", "§1.4", ctx =>
            {
                var map = Filled(ctx, type);
                ExpectRefusedUntouched(ctx, map, command, Errno.ENOTSUPP, BpfElementFlags.Any, (BpfBatchFlags)1);
            });
            yield return new ConformanceCase($"{area}/{t}/enotsupp-beats-invalid-flags-with-count-0", "§1.4", ctx =>
            {
                var map = Filled(ctx, type);
                var count = 0u;
                Expect.Errno(Errno.ENOTSUPP, Invoke(ctx, map, command, ref count, [], [], [], [], BpfElementFlags.Lock | (BpfElementFlags)8, (BpfBatchFlags)1), area);
                Expect.Equal(0u, count, "count");
                ExpectUnchanged(ctx, map);
            });
        }
    }

    /// <summary>
    /// The batch cases of <paramref name="command"/> as every profile runs them: on a map type that gained the
    /// command later (PERCPU_ARRAY, <see cref="KernelChanges.PerCpuArrayBatches"/>), a case checks on older profiles
    /// that the command is ENOTSUPP and touches nothing (<see cref="Absent"/>).
    /// </summary>
    public static IEnumerable<ConformanceCase> ByKernel(IEnumerable<ConformanceCase> cases, BatchCommand command) =>
        cases.Select(c => ByKernel(c, command));

    /// <summary>One batch case of <paramref name="command"/> as every profile runs it (<see cref="ByKernel(IEnumerable{ConformanceCase}, BatchCommand)"/>).</summary>
    public static ConformanceCase ByKernel(ConformanceCase batchCase, BatchCommand command)
    {
        ArgumentNullException.ThrowIfNull(batchCase);
        return batchCase.Name.Split('/').Contains(Maps.Slug(BpfMapType.PerCpuArray))
            ? batchCase.Until(KernelChanges.PerCpuArrayBatches, "gives-enotsupp", Absent(BpfMapType.PerCpuArray, command))
            : batchCase;
    }

    /// <summary>
    /// What a batch command the map type lacks answers (§8.1): ENOTSUPP with count 0 and NULL buffers, with real
    /// buffers, and with invalid flags, touching nothing.
    /// </summary>
    public static Action<ConformanceContext> Absent(BpfMapType type, BatchCommand command) => ctx =>
    {
        var map = Filled(ctx, type);
        var count = 0u;
        Expect.Errno(Errno.ENOTSUPP, Invoke(ctx, map, command, ref count, [], [], [], []), Area(command));
        Expect.Equal(0u, count, "count");
        ExpectRefusedUntouched(ctx, map, command, Errno.ENOTSUPP, BpfElementFlags.Any, BpfBatchFlags.None);
        ExpectRefusedUntouched(ctx, map, command, Errno.ENOTSUPP, BpfElementFlags.NoExist | BpfElementFlags.Exist, (BpfBatchFlags)1);
    };

    /// <summary>
    /// Sends <paramref name="command"/> with count 2, sentinel buffers (real keys and values for update and delete)
    /// and the flags given; expects <paramref name="errno"/> with count, out_batch, buffers and map untouched.
    /// </summary>
    public static void ExpectRefusedUntouched(ConformanceContext ctx, BpfMapHandle map, BatchCommand command, Errno errno,
        BpfElementFlags elementFlags, BpfBatchFlags flags)
    {
        ArgumentNullException.ThrowIfNull(map);
        var area = Area(command);
        var lookup = command is BatchCommand.Lookup or BatchCommand.LookupAndDelete;
        var keys = lookup ? Batch.Filled(2 * map.Layout.KeySize, Batch.KeySentinel) : Data.Keys(map, 5, 6);
        var values = lookup ? Batch.Filled(2 * map.Layout.ValueSize, Batch.ValueSentinel) : Data.Values(map, 5, 6);
        var keysBefore = keys.ToArray();
        var valuesBefore = values.ToArray();
        var outBatch = Data.U32(Batch.CursorSentinel);
        var count = 2u;
        // A queue cannot be read without popping it: it is compared with what Filled pushed, afterwards.
        var before = map.Spec.Type.IsQueueOrStack() ? null : Snapshot(ctx, map);
        Expect.Errno(errno, Invoke(ctx, map, command, ref count, [], outBatch, keys, values, elementFlags, flags), area);
        Expect.Equal(2u, count, "count untouched");
        Expect.Bytes(Data.U32(Batch.CursorSentinel), outBatch, "out_batch untouched");
        Expect.Bytes(keysBefore, keys, "keys buffer untouched");
        Expect.Bytes(valuesBefore, values, "values buffer untouched");
        if (before is null)
        {
            ExpectUnchanged(ctx, map);
        }
        else
        {
            Expect.Sequence(before, Snapshot(ctx, map), "the map afterwards");
        }
    }

    /// <summary>A map of <paramref name="type"/> holding two elements (ids 1 and 2); queues and stacks get key size 0.</summary>
    public static BpfMapHandle Filled(ConformanceContext ctx, BpfMapType type)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (type.IsQueueOrStack())
        {
            var queue = ctx.CreateMap(new BpfMapSpec(type, 0, 8, 4));
            foreach (var id in new uint[] { 1, 2 })
            {
                Expect.Errno(Errno.None, ctx.Backend.Update(queue, [], Batch.Value(queue, id)), $"push {id}");
            }

            return queue;
        }

        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 8));
        Batch.Insert(ctx, map, 1, 2);
        return map;
    }

    /// <summary>
    /// What a map holds, as key‖value in iteration order; for queues and stacks the values popped, in pop order
    /// (the pop empties it, so snapshot a queue only once, at the end).
    /// </summary>
    public static List<byte[]> Snapshot(ConformanceContext ctx, BpfMapHandle map)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(map);
        if (!map.Spec.Type.IsQueueOrStack())
        {
            return [.. Maps.Dump(ctx.Backend, map).Select(e => Data.Concat(e.Key, e.Value))];
        }

        var popped = new List<byte[]>();
        for (var i = 0; i <= map.Spec.MaxEntries; i++)
        {
            var value = new byte[map.Layout.ValueSize];
            var errno = ctx.Backend.LookupAndDelete(map, [], value);
            if (errno == Errno.ENOENT)
            {
                return popped;
            }

            Expect.Errno(Errno.None, errno, "pop");
            popped.Add(value);
        }

        throw new ConformanceFailureException("pop: the queue did not empty");
    }

    private static void ExpectUnchanged(ConformanceContext ctx, BpfMapHandle map)
    {
        var expected = map.Spec.Type switch
        {
            BpfMapType.Queue => new[] { Batch.Value(map, 1), Batch.Value(map, 2) },
            BpfMapType.Stack => [Batch.Value(map, 2), Batch.Value(map, 1)],
            _ => null,
        };
        if (expected is null)
        {
            Batch.ExpectMapSet(ctx, map, Expected(map), "the map afterwards");
        }
        else
        {
            Expect.Sequence(expected, Snapshot(ctx, map), "the queue or stack afterwards (pop order)");
        }
    }

    private static IEnumerable<(byte[] Key, byte[] Value)> Expected(BpfMapHandle map)
    {
        if (!map.Spec.Type.IsArrayFamily())
        {
            return [(Batch.Key(map, 1), Batch.Value(map, 1)), (Batch.Key(map, 2), Batch.Value(map, 2))];
        }

        return Enumerable.Range(0, (int)map.Spec.MaxEntries)
            .Select(i => (Data.U32((uint)i), i is 1 or 2 ? Batch.Value(map, (uint)i) : Batch.Zero(map)));
    }
}
