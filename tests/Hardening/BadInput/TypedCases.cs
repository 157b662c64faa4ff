using System.Runtime.ExceptionServices;

namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>
/// Bad calls of every public member of the typed maps and their readers: a disposed map for every method, spans that
/// do not hold one value per CPU, batches of unequal lengths, bad handles for the constructors that take one over,
/// bad paths, and kernel refusals that must surface as a <see cref="BpfException"/> naming the command, the map and
/// the errno.
/// </summary>
internal static class TypedCases
{
    private const uint Entries = BadInputTarget.MaxEntries;
    private const BpfMapFlags UndefinedMapFlag = (BpfMapFlags)(1u << 31);

    public static IEnumerable<BadInputCase> All() =>
    [
        .. KeyValue("BpfHashMap", BpfMapType.Hash,
            (b, n, f, name) => new BpfHashMap<uint, Value16>(b, n, f, name), h => new BpfHashMap<uint, Value16>(h)),
        .. KeyValue("BpfLruHashMap", BpfMapType.LruHash,
            (b, n, f, name) => new BpfLruHashMap<uint, Value16>(b, n, f, name), h => new BpfLruHashMap<uint, Value16>(h)),
        .. PerCpuKeyValue("BpfPerCpuHashMap", BpfMapType.PerCpuHash,
            (b, n, f, name) => new BpfPerCpuHashMap<uint, Value12>(b, n, f, name), h => new BpfPerCpuHashMap<uint, Value12>(h)),
        .. PerCpuKeyValue("BpfLruPerCpuHashMap", BpfMapType.LruPerCpuHash,
            (b, n, f, name) => new BpfLruPerCpuHashMap<uint, Value12>(b, n, f, name), h => new BpfLruPerCpuHashMap<uint, Value12>(h)),
        .. Array(),
        .. PerCpuArray(),
        .. QueueOrStack("BpfQueue", BpfMapType.Queue,
            (b, n, f, name) => new BpfQueue<Value16>(b, n, f, name), h => new BpfQueue<Value16>(h)),
        .. QueueOrStack("BpfStack", BpfMapType.Stack,
            (b, n, f, name) => new BpfStack<Value16>(b, n, f, name), h => new BpfStack<Value16>(h)),
        .. Readers(),
        .. Statics(),
        .. Options(),
        .. PerCpuValues(),
    ];

    private static BadInputCase Case(string type, string member, string problem, BpfMapType mapType, Action<BadInputTarget> call, Expectation expected) =>
        new($"{type}.{member}", problem, mapType, t =>
        {
            call(t);
            return Errno.None;
        }, expected);

    private static Expectation Throws<TException>()
        where TException : Exception => Expectation.Throwing<TException>();

    // What every typed map has: BpfMap's methods and the two constructors.
    private static IEnumerable<BadInputCase> Common<TMap>(string name, BpfMapType type, Func<IBpfMapBackend, uint, BpfMapFlags, string?, TMap> create,
        Func<BpfMapHandle, TMap> adopt, (string Member, Action<TMap> Call)[] methods)
        where TMap : BpfMap
    {
        (string Member, Action<TMap> Call)[] all =
        [
            .. methods,
            ("Freeze/0", m => m.Freeze()),
            ("Pin/1", m => m.Pin("/sys/fs/bpf/unused")),
            ("GetInfo/0", m => m.GetInfo()),
        ];
        foreach (var (member, call) in all)
        {
            // Adopting and disposing the spare handle makes no call, so the bad call must make none either.
            yield return Case(name, member, "disposed-map", type, t =>
            {
                var map = adopt(t.Spare);
                map.Dispose();
                call(map);
            }, Throws<ObjectDisposedException>());
        }

        yield return new BadInputCase($"{name}.Dispose/0", "disposed-twice", type, t =>
        {
            var map = adopt(t.Spare);
            map.Dispose();
            map.Dispose();
            return Errno.None;
        }, new Expectation.Accepts((t, before) =>
        {
            Assert.True(t.Spare.IsClosed);
            Assert.Equal(before, t.State());
        }));

        yield return Case(name, "Pin/1", "null-path", type, t => adopt(t.Map).Pin(null!), Throws<ArgumentNullException>());
        yield return Case(name, "Pin/1", "empty-path", type, t => adopt(t.Map).Pin(""), Throws<ArgumentException>());
        yield return Case(name, "Pin/1", "nul-in-the-path", type, t => adopt(t.Map).Pin("/sys/fs/bpf/a\0b"), Throws<ArgumentException>());
        yield return Case(name, "Pin/1", "path-outside-a-bpffs", type, t => adopt(t.Map).Pin(Path.Combine(t.Scratch, "pin")),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Pin));
        yield return Case(name, "Freeze/0", "read-only-handle", type, t => adopt(ReadOnly(t)).Freeze(), new Expectation.Raises(Errno.EPERM, BpfMapCommand.Freeze));

        yield return Case(name, ".ctor/4", "null-backend", type, _ => create(null!, Entries, BpfMapFlags.None, null), Throws<ArgumentNullException>());
        yield return Case(name, ".ctor/4", "name-over-16-bytes", type, t => create(t.Backend, Entries, BpfMapFlags.None, "a_name_of_17_byte"), Throws<ArgumentException>());
        yield return Case(name, ".ctor/4", "undefined-map-flag", type, t => create(t.Backend, Entries, UndefinedMapFlag, null).Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.CreateMap));
        yield return Case(name, ".ctor/4", "max-entries-zero", type, t => create(t.Backend, 0, BpfMapFlags.None, null).Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.CreateMap));
        yield return Case(name, ".ctor/4", "name-with-a-dash", type, t => create(t.Backend, Entries, BpfMapFlags.None, "bad-name").Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.CreateMap));

        yield return Case(name, ".ctor/1", "null-handle", type, _ => adopt(null!), Throws<ArgumentNullException>());
        yield return Case(name, ".ctor/1", "disposed-handle", type, t => adopt(t.Closed), Throws<ObjectDisposedException>());
        // A handle that does not fit is refused and left open.
        var otherType = type == BpfMapType.Hash ? BpfMapType.LruHash : BpfMapType.Hash;
        yield return Case(name, ".ctor/1", "handle-of-another-map-type", type,
            t => AdoptLeavesOpen(t, BadInputTarget.SpecOf(otherType), adopt), Throws<ArgumentException>());
        yield return Case(name, ".ctor/1", "handle-of-another-value-size", type,
            t => AdoptLeavesOpen(t, BadInputTarget.SpecOf(type) with { ValueSize = 24 }, adopt), Throws<ArgumentException>());
    }

    private static IEnumerable<BadInputCase> KeyValue<TMap>(string name, BpfMapType type, Func<IBpfMapBackend, uint, BpfMapFlags, string?, TMap> create,
        Func<BpfMapHandle, TMap> adopt)
        where TMap : BpfKeyValueMap<uint, Value16>
    {
        (string Member, Action<TMap> Call)[] methods =
        [
            ("TryLookup/2", m => m.TryLookup(0, out _)),
            ("Lookup/1", m => m.Lookup(0)),
            ("Update/2", m => m.Update(5, default)),
            ("TryAdd/2", m => m.TryAdd(5, default)),
            ("TryReplace/2", m => m.TryReplace(0, default)),
            ("TryDelete/1", m => m.TryDelete(0)),
            ("TryLookupAndDelete/2", m => m.TryLookupAndDelete(0, out _)),
            ("UpdateBatch/2", m => m.UpdateBatch([5u], [default(Value16)])),
            ("DeleteBatch/1", m => m.DeleteBatch([0u])),
            ("DeleteBatchSkippingMissing/1", m => m.DeleteBatchSkippingMissing([0u])),
            ("Read/1", m => m.Read().Dispose()),
            ("Drain/1", m => m.Drain().Dispose()),
        ];
        foreach (var c in Common(name, type, create, adopt, methods))
        {
            yield return c;
        }

        yield return Case(name, "Lookup/1", "missing-key", type, t => adopt(t.Map).Lookup(7), new Expectation.Raises(Errno.ENOENT, BpfMapCommand.Lookup));
        yield return Case(name, "TryLookup/2", "write-only-handle", type, t => adopt(WriteOnly(t)).TryLookup(0, out _),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Lookup));
        yield return Case(name, "Update/2", "read-only-handle", type, t => adopt(ReadOnly(t)).Update(5, default),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryAdd/2", "read-only-handle", type, t => adopt(ReadOnly(t)).TryAdd(5, default),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryReplace/2", "read-only-handle", type, t => adopt(ReadOnly(t)).TryReplace(0, default),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryDelete/1", "read-only-handle", type, t => adopt(ReadOnly(t)).TryDelete(0),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Delete));
        yield return Case(name, "TryLookupAndDelete/2", "read-only-handle", type, t => adopt(ReadOnly(t)).TryLookupAndDelete(0, out _),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.LookupAndDelete));
        if (type == BpfMapType.Hash)
        {
            yield return Case(name, "Update/2", "map-full", type, t =>
            {
                using var full = create(t.Backend, 1, BpfMapFlags.None, null);
                full.Update(0, default);
                full.Update(1, default);
            }, new Expectation.Raises(Errno.E2BIG, BpfMapCommand.Update));
        }

        yield return Case(name, "UpdateBatch/2", "spans-of-different-lengths", type, t => adopt(t.Map).UpdateBatch([5u, 6u], [default(Value16)]),
            Throws<ArgumentException>());
        yield return Case(name, "UpdateBatch/2", "read-only-handle", type, t => adopt(ReadOnly(t)).UpdateBatch([5u], [default(Value16)]).ThrowIfFailed(),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.UpdateBatch));
        yield return Case(name, "DeleteBatch/1", "missing-key", type, t => adopt(t.Map).DeleteBatch([7u]).ThrowIfFailed(),
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.DeleteBatch));
        yield return Case(name, "DeleteBatchSkippingMissing/1", "read-only-handle", type,
            t => adopt(ReadOnly(t)).DeleteBatchSkippingMissing([0u]).ThrowIfFailed(), new Expectation.Raises(Errno.EPERM, BpfMapCommand.DeleteBatch));
        yield return Case(name, "Read/1", "initial-chunk-above-the-maximum", type, t => adopt(t.Map).Read(BadOptions()), Throws<ArgumentException>());
        yield return Case(name, "Drain/1", "initial-chunk-above-the-maximum", type, t => adopt(t.Map).Drain(BadOptions()), Throws<ArgumentException>());
        yield return Case(name, "Read/1", "write-only-handle", type, t =>
        {
            using var reader = adopt(WriteOnly(t)).Read();
            reader.ReadChunk();
        }, new Expectation.Raises(Errno.EPERM, BpfMapCommand.LookupBatch));
    }

    private static IEnumerable<BadInputCase> PerCpuKeyValue<TMap>(string name, BpfMapType type, Func<IBpfMapBackend, uint, BpfMapFlags, string?, TMap> create,
        Func<BpfMapHandle, TMap> adopt)
        where TMap : BpfPerCpuKeyValueMap<uint, Value12>
    {
        (string Member, Action<TMap> Call)[] methods =
        [
            ("TryLookup/2", m => m.TryLookup(0, new Value12[m.PossibleCpuCount])),
            ("Lookup/2", m => m.Lookup(0, new Value12[m.PossibleCpuCount])),
            ("Update/2", m => m.Update(5, new Value12[m.PossibleCpuCount])),
            ("TryAdd/2", m => m.TryAdd(5, new Value12[m.PossibleCpuCount])),
            ("TryReplace/2", m => m.TryReplace(0, new Value12[m.PossibleCpuCount])),
            ("TryDelete/1", m => m.TryDelete(0)),
            ("TryLookupAndDelete/2", m => m.TryLookupAndDelete(0, new Value12[m.PossibleCpuCount])),
            ("UpdateBatch/2", m => m.UpdateBatch([5u], new Value12[m.PossibleCpuCount])),
            ("DeleteBatch/1", m => m.DeleteBatch([0u])),
            ("DeleteBatchSkippingMissing/1", m => m.DeleteBatchSkippingMissing([0u])),
            ("Read/1", m => m.Read().Dispose()),
            ("Drain/1", m => m.Drain().Dispose()),
        ];
        foreach (var c in Common(name, type, create, adopt, methods))
        {
            yield return c;
        }

        // A per-CPU value is one value per possible CPU, exactly.
        foreach (var (problem, delta) in new[] { ("one-value-short", -1), ("one-value-over", 1), ("empty-span", int.MinValue) })
        {
            Value12[] Span(TMap m) => delta == int.MinValue ? [] : new Value12[m.PossibleCpuCount + delta];
            yield return Case(name, "TryLookup/2", problem, type, t => { var m = adopt(t.Map); m.TryLookup(0, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "Lookup/2", problem, type, t => { var m = adopt(t.Map); m.Lookup(0, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "Update/2", problem, type, t => { var m = adopt(t.Map); m.Update(5, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "TryAdd/2", problem, type, t => { var m = adopt(t.Map); m.TryAdd(5, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "TryReplace/2", problem, type, t => { var m = adopt(t.Map); m.TryReplace(0, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "TryLookupAndDelete/2", problem, type, t => { var m = adopt(t.Map); m.TryLookupAndDelete(0, Span(m)); }, Throws<ArgumentException>());
            yield return Case(name, "UpdateBatch/2", problem, type, t => { var m = adopt(t.Map); m.UpdateBatch([5u, 6u], [.. Span(m), .. Span(m)]); },
                Throws<ArgumentException>());
        }

        yield return Case(name, "Lookup/2", "missing-key", type, t => { var m = adopt(t.Map); m.Lookup(7, new Value12[m.PossibleCpuCount]); },
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.Lookup));
        yield return Case(name, "Update/2", "read-only-handle", type, t => { var m = adopt(ReadOnly(t)); m.Update(5, new Value12[m.PossibleCpuCount]); },
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryLookupAndDelete/2", "read-only-handle", type,
            t => { var m = adopt(ReadOnly(t)); m.TryLookupAndDelete(0, new Value12[m.PossibleCpuCount]); },
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.LookupAndDelete));
        yield return Case(name, "DeleteBatch/1", "missing-key", type, t => adopt(t.Map).DeleteBatch([7u]).ThrowIfFailed(),
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.DeleteBatch));
        yield return Case(name, "Read/1", "initial-chunk-above-the-maximum", type, t => adopt(t.Map).Read(BadOptions()), Throws<ArgumentException>());
        yield return Case(name, "Drain/1", "initial-chunk-above-the-maximum", type, t => adopt(t.Map).Drain(BadOptions()), Throws<ArgumentException>());
    }

    private static IEnumerable<BadInputCase> Array()
    {
        const string name = "BpfArrayMap";
        const BpfMapType type = BpfMapType.Array;
        static BpfArrayMap<Value16> Adopt(BpfMapHandle h) => new(h);
        (string Member, Action<BpfArrayMap<Value16>> Call)[] methods =
        [
            ("Lookup/1", m => m.Lookup(0)),
            ("Update/2", m => m.Update(0, default)),
            ("UpdateBatch/2", m => m.UpdateBatch([0u], [default(Value16)])),
            ("Read/1", m => m.Read().Dispose()),
        ];
        foreach (var c in Common(name, type, (b, n, f, s) => new BpfArrayMap<Value16>(b, n, f, s), Adopt, methods))
        {
            yield return c;
        }

        yield return Case(name, "Lookup/1", "index-uint-max", type, t => Adopt(t.Map).Lookup(uint.MaxValue), new Expectation.Raises(Errno.ENOENT, BpfMapCommand.Lookup));
        yield return Case(name, "Lookup/1", "index-max-entries", type, t => Adopt(t.Map).Lookup(Entries), new Expectation.Raises(Errno.ENOENT, BpfMapCommand.Lookup));
        yield return Case(name, "Update/2", "index-uint-max", type, t => Adopt(t.Map).Update(uint.MaxValue, default), new Expectation.Raises(Errno.E2BIG, BpfMapCommand.Update));
        yield return Case(name, "Update/2", "read-only-handle", type, t => Adopt(ReadOnly(t)).Update(0, default), new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "UpdateBatch/2", "spans-of-different-lengths", type, t => Adopt(t.Map).UpdateBatch([0u], []), Throws<ArgumentException>());
        yield return Case(name, "UpdateBatch/2", "index-uint-max", type, t => Adopt(t.Map).UpdateBatch([uint.MaxValue], [default(Value16)]).ThrowIfFailed(),
            new Expectation.Raises(Errno.E2BIG, BpfMapCommand.UpdateBatch));
        yield return Case(name, "Read/1", "initial-chunk-above-the-maximum", type, t => Adopt(t.Map).Read(BadOptions()), Throws<ArgumentException>());
    }

    private static IEnumerable<BadInputCase> PerCpuArray()
    {
        const string name = "BpfPerCpuArrayMap";
        const BpfMapType type = BpfMapType.PerCpuArray;
        static BpfPerCpuArrayMap<Value12> Adopt(BpfMapHandle h) => new(h);
        (string Member, Action<BpfPerCpuArrayMap<Value12>> Call)[] methods =
        [
            ("Lookup/2", m => m.Lookup(0, new Value12[m.PossibleCpuCount])),
            ("Update/2", m => m.Update(0, new Value12[m.PossibleCpuCount])),
            ("UpdateBatch/2", m => m.UpdateBatch([0u], new Value12[m.PossibleCpuCount])),
            ("Read/1", m => m.Read().Dispose()),
        ];
        foreach (var c in Common(name, type, (b, n, f, s) => new BpfPerCpuArrayMap<Value12>(b, n, f, s), Adopt, methods))
        {
            yield return c;
        }

        foreach (var (problem, delta) in new[] { ("one-value-short", -1), ("one-value-over", 1) })
        {
            yield return Case(name, "Lookup/2", problem, type, t => { var m = Adopt(t.Map); m.Lookup(0, new Value12[m.PossibleCpuCount + delta]); }, Throws<ArgumentException>());
            yield return Case(name, "Update/2", problem, type, t => { var m = Adopt(t.Map); m.Update(0, new Value12[m.PossibleCpuCount + delta]); }, Throws<ArgumentException>());
            yield return Case(name, "UpdateBatch/2", problem, type, t => { var m = Adopt(t.Map); m.UpdateBatch([0u], new Value12[m.PossibleCpuCount + delta]); },
                Throws<ArgumentException>());
        }

        yield return Case(name, "Lookup/2", "index-uint-max", type, t => { var m = Adopt(t.Map); m.Lookup(uint.MaxValue, new Value12[m.PossibleCpuCount]); },
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.Lookup));
        yield return Case(name, "Update/2", "index-uint-max", type, t => { var m = Adopt(t.Map); m.Update(uint.MaxValue, new Value12[m.PossibleCpuCount]); },
            new Expectation.Raises(Errno.E2BIG, BpfMapCommand.Update));
        yield return Case(name, "Read/1", "initial-chunk-above-the-maximum", type, t => Adopt(t.Map).Read(BadOptions()), Throws<ArgumentException>());
    }

    private static IEnumerable<BadInputCase> QueueOrStack<TMap>(string name, BpfMapType type, Func<IBpfMapBackend, uint, BpfMapFlags, string?, TMap> create,
        Func<BpfMapHandle, TMap> adopt)
        where TMap : BpfQueueOrStack<Value16>
    {
        (string Member, Action<TMap> Call)[] methods =
        [
            ("Push/2", m => m.Push(default)),
            ("TryPush/1", m => m.TryPush(default)),
            ("TryPeek/1", m => m.TryPeek(out _)),
            ("TryPop/1", m => m.TryPop(out _)),
            ("Drain/1", m => m.Drain(new Value16[4])),
        ];
        foreach (var c in Common(name, type, create, adopt, methods))
        {
            yield return c;
        }

        yield return Case(name, "Push/2", "full", type, t =>
        {
            using var full = create(t.Backend, 1, BpfMapFlags.None, null);
            full.Push(default);
            full.Push(default);
        }, new Expectation.Raises(Errno.E2BIG, BpfMapCommand.Update));
        yield return Case(name, "Push/2", "read-only-handle", type, t => adopt(ReadOnly(t)).Push(default), new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryPush/1", "read-only-handle", type, t => adopt(ReadOnly(t)).TryPush(default), new Expectation.Raises(Errno.EPERM, BpfMapCommand.Update));
        yield return Case(name, "TryPeek/1", "write-only-handle", type, t => adopt(WriteOnly(t)).TryPeek(out _), new Expectation.Raises(Errno.EPERM, BpfMapCommand.Lookup));
        yield return Case(name, "TryPop/1", "read-only-handle", type, t => adopt(ReadOnly(t)).TryPop(out _),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.LookupAndDelete));
        yield return Case(name, "Drain/1", "read-only-handle", type, t => adopt(ReadOnly(t)).Drain(new Value16[4]),
            new Expectation.Raises(Errno.EPERM, BpfMapCommand.LookupAndDelete));
        yield return new BadInputCase($"{name}.Drain/1", "empty-span", type, t => adopt(t.Map).Drain([]) == 0 ? Errno.None : Errno.EIO,
            new Expectation.Accepts((t, before) =>
            {
                Assert.Equal(Errno.None, t.Answer);
                Assert.Equal(before, t.State());
            }));
    }

    private static IEnumerable<BadInputCase> Readers()
    {
        const BpfMapType hash = BpfMapType.Hash;
        const BpfMapType perCpu = BpfMapType.PerCpuHash;
        foreach (var (member, call) in new (string, Action<BpfMapReader<uint, Value16>>)[]
        {
            ("ReadChunk/0", r => r.ReadChunk()),
            ("Reset/0", r => r.Reset()),
            ("GetEnumerator/0", r => r.GetEnumerator()),
        })
        {
            yield return Case("BpfMapReader", member, "disposed-reader", hash, t =>
            {
                var reader = new BpfHashMap<uint, Value16>(t.Map).Read();
                reader.Dispose();
                call(reader);
            }, Throws<ObjectDisposedException>());
            yield return Case("BpfMapReader", member, "map-disposed-under-it", hash, t =>
            {
                var map = new BpfHashMap<uint, Value16>(t.Spare);
                using var reader = map.Read();
                map.Dispose();
                call(reader);
                reader.ReadChunk();
            }, Throws<ObjectDisposedException>());
        }

        foreach (var (member, call) in new (string, Action<BpfPerCpuMapReader<uint, Value12>>)[]
        {
            ("ReadChunk/0", r => r.ReadChunk()),
            ("Reset/0", r => r.Reset()),
            ("GetEnumerator/0", r => r.GetEnumerator()),
            ("ValuesAt/1", r => r.ValuesAt(0)),
        })
        {
            yield return Case("BpfPerCpuMapReader", member, "disposed-reader", perCpu, t =>
            {
                var reader = new BpfPerCpuHashMap<uint, Value12>(t.Map).Read();
                reader.Dispose();
                call(reader);
            }, member == "ValuesAt/1" ? Throws<ArgumentOutOfRangeException>() : Throws<ObjectDisposedException>());
        }

        foreach (var (problem, index) in new[] { ("index-minus-one", -1), ("index-count", 0), ("index-int-max", int.MaxValue) })
        {
            yield return new BadInputCase("BpfPerCpuMapReader.ValuesAt/1", problem, perCpu, t =>
            {
                using var reader = new BpfPerCpuHashMap<uint, Value12>(t.Map).Read();
                reader.ReadChunk();
                t.Mark();
                reader.ValuesAt(index == 0 ? reader.Count : index);
                return Errno.None;
            }, Throws<ArgumentOutOfRangeException>());
        }

        foreach (var (type, reader) in new[] { ("BpfMapReader", hash), ("BpfPerCpuMapReader", perCpu) })
        {
            yield return new BadInputCase($"{type}.Dispose/0", "disposed-twice", reader, t =>
            {
                IDisposable r = reader == hash ? new BpfHashMap<uint, Value16>(t.Map).Read() : new BpfPerCpuHashMap<uint, Value12>(t.Map).Read();
                r.Dispose();
                r.Dispose();
                return Errno.None;
            }, new Expectation.Accepts((t, before) => Assert.Equal(before, t.State())));
        }
    }

    private static IEnumerable<BadInputCase> Statics()
    {
        const BpfMapType type = BpfMapType.Hash;
        const string name = "BpfMap";
        yield return Case(name, "OpenHandleById/3", "null-backend", type, _ => BpfMap.OpenHandleById(null!, 1), Throws<ArgumentNullException>());
        yield return Case(name, "OpenHandleById/3", "id-zero", type, t => BpfMap.OpenHandleById(t.Backend, 0).Dispose(),
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.OpenMapById, HasMap: false));
        yield return Case(name, "OpenHandleById/3", "both-access-bits", type,
            t => BpfMap.OpenHandleById(t.Backend, new BpfHashMap<uint, Value16>(t.Map).GetInfo().Id, BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly).Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.OpenMapById, HasMap: false));
        yield return Case(name, "OpenHandleById/3", "undefined-flag", type,
            t => BpfMap.OpenHandleById(t.Backend, new BpfHashMap<uint, Value16>(t.Map).GetInfo().Id, (BpfOpenFlags)(1u << 20)).Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.OpenMapById, HasMap: false));
        yield return Case(name, "OpenPinnedHandle/3", "null-backend", type, _ => BpfMap.OpenPinnedHandle(null!, "/sys/fs/bpf/x"), Throws<ArgumentNullException>());
        yield return Case(name, "OpenPinnedHandle/3", "null-path", type, t => BpfMap.OpenPinnedHandle(t.Backend, null!), Throws<ArgumentNullException>());
        yield return Case(name, "OpenPinnedHandle/3", "empty-path", type, t => BpfMap.OpenPinnedHandle(t.Backend, ""), Throws<ArgumentException>());
        yield return Case(name, "OpenPinnedHandle/3", "nul-in-the-path", type, t => BpfMap.OpenPinnedHandle(t.Backend, "/sys/fs/bpf/a\0b"), Throws<ArgumentException>());
        yield return Case(name, "OpenPinnedHandle/3", "missing-path", type, t => BpfMap.OpenPinnedHandle(t.Backend, Path.Combine(t.Scratch, "missing")).Dispose(),
            new Expectation.Raises(Errno.ENOENT, BpfMapCommand.OpenPinned, HasMap: false));
        yield return Case(name, "OpenPinnedHandle/3", "undefined-flag", type,
            t => BpfMap.OpenPinnedHandle(t.Backend, Path.Combine(t.Scratch, "missing"), (BpfOpenFlags)(1u << 20)).Dispose(),
            new Expectation.Raises(Errno.EINVAL, BpfMapCommand.OpenPinned, HasMap: false));
    }

    // The reader options validate in their setters.
    private static IEnumerable<BadInputCase> Options()
    {
        foreach (var (property, set) in new (string, Action<BpfIterationOptions, int>)[]
        {
            ("InitialChunkSize", (o, v) => o.InitialChunkSize = v),
            ("MaxChunkSize", (o, v) => o.MaxChunkSize = v),
            ("MaxSteps", (o, v) => o.MaxSteps = v),
        })
        {
            foreach (var (problem, value) in new[] { ("minus-one", -1), ("int-min", int.MinValue) })
            {
                yield return Case(nameof(BpfIterationOptions), $"set_{property}/1", problem, BpfMapType.Hash, _ => set(new BpfIterationOptions(), value),
                    Throws<ArgumentOutOfRangeException>());
            }
        }
    }

    // PerCpu<T>, the view a per-CPU reader hands out: sizes and CPU indexes are checked.
    private static IEnumerable<BadInputCase> PerCpuValues()
    {
        const BpfMapType type = BpfMapType.PerCpuHash;
        const string name = "PerCpu";
        yield return Case(name, ".ctor/2", "no-cpu", type, _ => new PerCpu<Value12>(new byte[64], 0).Fill(default), Throws<ArgumentOutOfRangeException>());
        yield return Case(name, ".ctor/2", "bytes-one-short", type, _ => new PerCpu<Value12>(new byte[31], 2).Fill(default), Throws<ArgumentException>());
        yield return Case(name, ".ctor/2", "empty-bytes", type, _ => new PerCpu<Value12>([], 1).Fill(default), Throws<ArgumentException>());
        foreach (var (problem, cpu) in new[] { ("cpu-minus-one", -1), ("cpu-count", 2), ("cpu-int-max", int.MaxValue) })
        {
            yield return Case(name, "get_Item/1", problem, type, _ => new PerCpu<Value12>(new byte[32], 2)[cpu] = default, Throws<ArgumentOutOfRangeException>());
        }

        yield return Case(name, "CopyTo/1", "destination-one-short", type, _ => new PerCpu<Value12>(new byte[32], 2).CopyTo(new Value12[1]), Throws<ArgumentException>());
        yield return Case(name, "CopyFrom/1", "source-one-short", type, _ => new PerCpu<Value12>(new byte[32], 2).CopyFrom(new Value12[1]), Throws<ArgumentException>());
        yield return Case(name, "CopyFrom/1", "source-one-over", type, _ => new PerCpu<Value12>(new byte[32], 2).CopyFrom(new Value12[3]), Throws<ArgumentException>());
    }

    private static BpfIterationOptions BadOptions() => new() { InitialChunkSize = 8, MaxChunkSize = 4 };

    private static BpfMapHandle ReadOnly(BadInputTarget t) => Reopen(t, BpfOpenFlags.ReadOnly);

    private static BpfMapHandle WriteOnly(BadInputTarget t) => Reopen(t, BpfOpenFlags.WriteOnly);

    // Another handle to the target's map with its own access mode (BPF_MAP_GET_FD_BY_ID), closed with the target.
    private static BpfMapHandle Reopen(BadInputTarget t, BpfOpenFlags flags)
    {
        var errno = t.Backend.GetMapInfo(t.Map, out var info);
        if (errno == Errno.None)
        {
            errno = t.Backend.OpenMapById(info!.Id, flags, out var handle);
            if (errno == Errno.None)
            {
                return t.Own(handle!);
            }
        }

        throw new InvalidOperationException($"Reopening the map {flags} answered {errno}.");
    }

    private static void AdoptLeavesOpen<TMap>(BadInputTarget t, BpfMapSpec spec, Func<BpfMapHandle, TMap> adopt)
    {
        var errno = t.Backend.CreateMap(spec, out var created);
        if (errno != Errno.None)
        {
            throw new InvalidOperationException($"Creating a {spec.Type} map answered {errno}.");
        }

        var handle = t.Own(created!);
        t.Mark();
        Exception? refused = null;
        try
        {
            adopt(handle);
        }
        catch (ArgumentException ex)
        {
            refused = ex;
        }

        if (handle.IsClosed)
        {
            throw new InvalidOperationException("A handle the typed map refused was closed.");
        }

        if (refused is not null)
        {
            ExceptionDispatchInfo.Throw(refused);
        }
    }
}
