namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Programming errors the kernel cannot see: every command throws before anything reaches the map, and the map is
/// left as it was (design.md, "Programming errors"). These are the library's rules, identical on every backend.
/// </summary>
internal static class ArgumentCases
{
    private delegate void Call(IBpfMapBackend backend, BpfMapHandle map);

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Maps.CoreTypes)
        {
            foreach (var (command, problem, call) in Misuses(type))
            {
                yield return new ConformanceCase(
                    $"arguments/{Maps.Slug(type)}/{command}-{problem}-throws-and-leaves-the-map-unchanged",
                    "§2",
                    ctx => ThrowsAndLeavesMapUnchanged<ArgumentException>(ctx, type, call));
            }

            foreach (var (command, call) in EveryCommand())
            {
                yield return new ConformanceCase(
                    $"arguments/{Maps.Slug(type)}/{command}-with-a-disposed-handle-throws",
                    "§1.3",
                    ctx =>
                    {
                        var map = ctx.CreateMap(Maps.Spec(type));
                        map.Dispose();
                        Expect.Throws<ObjectDisposedException>(() => call(ctx.Backend, map), command);
                    });
                yield return new ConformanceCase(
                    $"arguments/{Maps.Slug(type)}/{command}-with-a-handle-of-another-backend-throws",
                    "§1.3",
                    ctx =>
                    {
                        var foreign = ForeignBackend.HandleFor(Maps.Spec(type));
                        var ex = Expect.Throws<ArgumentException>(() => call(ctx.Backend, foreign), command);
                        Expect.Equal("map", ex.ParamName, "the exception names the map argument");
                    });
            }
        }

        yield return new ConformanceCase("arguments/create/a-null-spec-throws", "§3", ctx =>
            Expect.Throws<ArgumentNullException>(() => ctx.Backend.CreateMap(null!, out _), "create"));
        yield return new ConformanceCase("arguments/create/a-name-longer-than-the-16-byte-field-throws", "§3.3", ctx =>
            Expect.Throws<ArgumentException>(() => ctx.TryCreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 1) { Name = new string('a', 17) }), "spec name"));
    }

    private static void ThrowsAndLeavesMapUnchanged<TException>(ConformanceContext ctx, BpfMapType type, Call call)
        where TException : Exception
    {
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4));
        for (var i = 0u; i < 3; i++)
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.Key(i, map.Spec.KeySize), Data.Value(map, (int)i)), $"seed element {i}");
        }

        var before = Maps.Dump(ctx.Backend, map);
        Expect.Throws<TException>(() => call(ctx.Backend, map), "the misuse");
        Expect.Contents(before, Maps.Dump(ctx.Backend, map), "the map after the misuse");
    }

    private static byte[] Short(ulong needed) => new byte[needed - 1];

    private static byte[] KeyOf(BpfMapHandle map, uint id) => Data.Key(id, map.Spec.KeySize);

    private static IEnumerable<(string Command, string Problem, Call Call)> Misuses(BpfMapType type)
    {
        yield return ("lookup", "short-key", (b, m) => b.Lookup(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("lookup", "short-value", (b, m) => b.Lookup(m, KeyOf(m, 0), Short(m.Layout.ValueSize)));
        // The classic per-CPU mistake: a buffer of value_size bytes instead of one slot per possible CPU.
        if (type.IsPerCpu())
        {
            yield return ("lookup", "value-of-value-size-bytes", (b, m) => b.Lookup(m, KeyOf(m, 0), new byte[m.Spec.ValueSize]));
            yield return ("update", "value-of-value-size-bytes", (b, m) => b.Update(m, KeyOf(m, 0), new byte[m.Spec.ValueSize]));
        }
        yield return ("update", "short-key", (b, m) => b.Update(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("update", "short-value", (b, m) => b.Update(m, KeyOf(m, 3), Short(m.Layout.ValueSize)));
        yield return ("delete", "short-key", (b, m) => b.Delete(m, Short(m.Layout.KeySize)));
        yield return ("get-next-key", "short-key", (b, m) => b.GetNextKey(m, Short(m.Layout.KeySize), new byte[m.Layout.KeySize]));
        yield return ("get-next-key", "short-next-key", (b, m) => b.GetNextKey(m, KeyOf(m, 0), Short(m.Layout.KeySize)));
        yield return ("lookup-and-delete", "short-key", (b, m) => b.LookupAndDelete(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("lookup-and-delete", "short-value", (b, m) => b.LookupAndDelete(m, KeyOf(m, 0), Short(m.Layout.ValueSize)));
        foreach (var (name, andDelete) in new[] { ("lookup-batch", false), ("lookup-and-delete-batch", true) })
        {
            yield return (name, "short-in-batch", (b, m) => LookupBatch(b, m, andDelete, 4, new byte[3], new byte[4], 4, 4));
            yield return (name, "short-out-batch", (b, m) => LookupBatch(b, m, andDelete, 4, [], new byte[3], 4, 4));
            yield return (name, "count-past-the-keys", (b, m) => LookupBatch(b, m, andDelete, 5, [], new byte[4], 4, 5));
            yield return (name, "count-past-the-values", (b, m) => LookupBatch(b, m, andDelete, 5, [], new byte[4], 5, 4));
            yield return (name, "count-uint-max", (b, m) => LookupBatch(b, m, andDelete, uint.MaxValue, [], new byte[4], 4, 4));
        }

        yield return ("update-batch", "count-past-the-keys", (b, m) => UpdateBatch(b, m, 3, 2, 3));
        yield return ("update-batch", "count-past-the-values", (b, m) => UpdateBatch(b, m, 3, 3, 2));
        yield return ("update-batch", "count-uint-max", (b, m) => UpdateBatch(b, m, uint.MaxValue, 3, 3));
        yield return ("delete-batch", "count-past-the-keys", (b, m) =>
        {
            var count = 3u;
            b.DeleteBatch(m, Data.Keys(m, 0, 1), ref count);
        });
        yield return ("delete-batch", "count-uint-max", (b, m) =>
        {
            var count = uint.MaxValue;
            b.DeleteBatch(m, Data.Keys(m, 0, 1), ref count);
        });
    }

    private static void LookupBatch(IBpfMapBackend b, BpfMapHandle m, bool andDelete, uint count, byte[] inBatch, byte[] outBatch, int keySlots, int valueSlots)
    {
        var keys = new byte[(ulong)keySlots * m.Layout.KeySize];
        var values = new byte[(ulong)valueSlots * m.Layout.ValueSize];
        _ = andDelete
            ? b.LookupAndDeleteBatch(m, inBatch, outBatch, keys, values, ref count)
            : b.LookupBatch(m, inBatch, outBatch, keys, values, ref count);
    }

    private static void UpdateBatch(IBpfMapBackend b, BpfMapHandle m, uint count, int keySlots, int valueSlots)
    {
        var keys = Data.Keys(m, [.. Enumerable.Range(0, keySlots).Select(i => (uint)i)]);
        var values = Data.Bytes(7, (ulong)valueSlots * m.Layout.ValueSize);
        b.UpdateBatch(m, keys, values, ref count);
    }

    private static IEnumerable<(string Command, Call Call)> EveryCommand()
    {
        yield return ("lookup", (b, m) => b.Lookup(m, KeyOf(m, 0), new byte[m.Layout.ValueSize]));
        yield return ("update", (b, m) => b.Update(m, KeyOf(m, 0), new byte[m.Layout.ValueSize]));
        yield return ("delete", (b, m) => b.Delete(m, KeyOf(m, 0)));
        yield return ("get-next-key", (b, m) => b.GetNextKey(m, [], new byte[m.Layout.KeySize]));
        yield return ("lookup-and-delete", (b, m) => b.LookupAndDelete(m, KeyOf(m, 0), new byte[m.Layout.ValueSize]));
        yield return ("freeze", (b, m) => b.Freeze(m));
        yield return ("lookup-batch", (b, m) => LookupBatch(b, m, false, 1, [], new byte[4], 1, 1));
        yield return ("lookup-and-delete-batch", (b, m) => LookupBatch(b, m, true, 1, [], new byte[4], 1, 1));
        yield return ("update-batch", (b, m) => UpdateBatch(b, m, 1, 1, 1));
        yield return ("delete-batch", (b, m) =>
        {
            var count = 1u;
            b.DeleteBatch(m, KeyOf(m, 0), ref count);
        });
    }
}
