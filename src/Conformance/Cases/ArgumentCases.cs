namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Programming errors the kernel cannot see: every command throws before anything reaches the map, and the map is
/// left as it was (design.md, "Programming errors"). These are the library's rules, identical on every backend.
/// </summary>
internal static class ArgumentCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Maps.CoreTypes)
        {
            foreach (var misuse in BufferMisuse.For(type))
            {
                yield return new ConformanceCase(
                    $"arguments/{Maps.Slug(type)}/{misuse.Command}-{misuse.Problem}-throws-and-leaves-the-map-unchanged",
                    "§2",
                    ctx => ThrowsAndLeavesMapUnchanged<ArgumentException>(ctx, type, misuse.Call));
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

    private static void ThrowsAndLeavesMapUnchanged<TException>(ConformanceContext ctx, BpfMapType type, Action<IBpfMapBackend, BpfMapHandle> call)
        where TException : Exception
    {
        // value_size 4: a per-CPU value (round_up(4, 8) × CPUs) is longer than value_size even on one CPU.
        var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 4, valueSize: 4));
        for (var i = 0u; i < 3; i++)
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(map, Data.Key(i, map.Spec.KeySize), Data.Value(map, (int)i)), $"seed element {i}");
        }

        var before = Maps.Dump(ctx.Backend, map);
        Expect.Throws<TException>(() => call(ctx.Backend, map), "the misuse");
        Expect.Contents(before, Maps.Dump(ctx.Backend, map), "the map after the misuse");
    }

    private static IEnumerable<(string Command, Action<IBpfMapBackend, BpfMapHandle> Call)> EveryCommand()
    {
        yield return ("lookup", (b, m) => b.Lookup(m, Data.Key(0, m.Spec.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("update", (b, m) => b.Update(m, Data.Key(0, m.Spec.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("delete", (b, m) => b.Delete(m, Data.Key(0, m.Spec.KeySize)));
        yield return ("get-next-key", (b, m) => b.GetNextKey(m, [], new byte[m.Layout.KeySize]));
        yield return ("lookup-and-delete", (b, m) => b.LookupAndDelete(m, Data.Key(0, m.Spec.KeySize), new byte[m.Layout.ValueSize]));
        yield return ("freeze", (b, m) => b.Freeze(m));
        yield return ("lookup-batch", (b, m) => BufferMisuse.LookupBatch(b, m, false, 1, [], new byte[4], 1, 1));
        yield return ("lookup-and-delete-batch", (b, m) => BufferMisuse.LookupBatch(b, m, true, 1, [], new byte[4], 1, 1));
        yield return ("update-batch", (b, m) => BufferMisuse.UpdateBatch(b, m, 1, 1, 1));
        yield return ("delete-batch", (b, m) =>
        {
            var count = 1u;
            b.DeleteBatch(m, Data.Key(0, m.Spec.KeySize), ref count);
        });
    }
}
