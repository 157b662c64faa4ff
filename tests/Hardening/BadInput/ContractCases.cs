namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>
/// Bad calls of every <see cref="IBpfMapBackend"/> method, per map type: every class of bad handle, short and
/// oversized buffers, counts past the buffers and <see cref="uint.MaxValue"/>, undefined flag and enum values, null
/// and malformed paths.
/// </summary>
internal static class ContractCases
{
    public const string Prefix = "IBpfMapBackend.";

    public static readonly BpfMapType[] Types =
    [
        BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.Array, BpfMapType.PerCpuArray,
        BpfMapType.LruHash, BpfMapType.LruPerCpuHash, BpfMapType.Queue, BpfMapType.Stack,
    ];

    private const BpfElementFlags UndefinedElementFlag = (BpfElementFlags)0x80;
    private const BpfBatchFlags UndefinedBatchFlag = (BpfBatchFlags)1;

    public static IEnumerable<BadInputCase> All() =>
        Types.SelectMany(type => HandleCases(type).Concat(BufferCases(type)).Concat(CreateCases(type)))
            .Concat(HandlelessCases());

    // Every command that takes a handle, made otherwise correctly, with each kind of bad handle.
    private static IEnumerable<BadInputCase> HandleCases(BpfMapType type)
    {
        (string Member, Func<BadInputTarget, BpfMapHandle, Errno> Call)[] calls =
        [
            ("Lookup", (t, h) => t.Backend.Lookup(h, t.Key(0), new byte[t.Layout.ValueSize])),
            ("Update", (t, h) => t.Backend.Update(h, t.Key(5), t.Value(5))),
            ("Delete", (t, h) => t.Backend.Delete(h, t.Key(0))),
            ("GetNextKey", (t, h) => t.Backend.GetNextKey(h, [], new byte[t.Layout.KeySize])),
            ("LookupAndDelete", (t, h) => t.Backend.LookupAndDelete(h, t.Key(0), new byte[t.Layout.ValueSize])),
            ("Freeze", (t, h) => t.Backend.Freeze(h)),
            ("LookupBatch", (t, h) => LookupBatch(t, h, andDelete: false, 4, [], new byte[4], 4, 4)),
            ("LookupAndDeleteBatch", (t, h) => LookupBatch(t, h, andDelete: true, 4, [], new byte[4], 4, 4)),
            ("UpdateBatch", (t, h) => UpdateBatch(t, h, 2, t.Keys(3, 2), t.Values(3, 2))),
            ("DeleteBatch", (t, h) => DeleteBatch(t, h, 1, t.Keys(0, 1))),
            ("GetMapInfo", (t, h) => t.Backend.GetMapInfo(h, out _)),
            ("Pin", (t, h) => t.Backend.Pin(h, Path.Combine(t.Scratch, "pin"))),
        ];
        (string Problem, Func<BadInputTarget, BpfMapHandle> Handle, Expectation Expected)[] handles =
        [
            ("null-handle", _ => null!, Expectation.Throwing<ArgumentNullException>()),
            ("disposed-handle", t => t.Closed, Expectation.Throwing<ObjectDisposedException>()),
            ("handle-of-another-instance", t => t.AnotherInstance, Expectation.Throwing<ArgumentException>()),
            ("handle-of-another-backend", t => t.OtherBackend, Expectation.Throwing<ArgumentException>()),
        ];
        foreach (var (member, call) in calls)
        {
            foreach (var (problem, handle, expected) in handles)
            {
                yield return new BadInputCase(Prefix + member, problem, type, t => call(t, handle(t)), expected);
            }
        }
    }

    private static IEnumerable<BadInputCase> BufferCases(BpfMapType type)
    {
        var keyed = !type.IsQueueOrStack();
        var perCpu = type.IsPerCpu();
        var hash = type.IsHashFamily();
        var argument = Expectation.Throwing<ArgumentException>();
        var einval = new Expectation.Answers(Errno.EINVAL);
        var notSupported = new Expectation.Answers(Errno.ENOTSUPP);
        BadInputCase Case(string member, string problem, Func<BadInputTarget, Errno> call, Expectation expected) =>
            new(Prefix + member, problem, type, call, expected);

        // Element commands: short keys and values throw, longer ones are read and written only as far as the map needs.
        if (keyed)
        {
            yield return Case("Lookup", "short-key", t => t.Backend.Lookup(t.Map, Short(t.Layout.KeySize), new byte[t.Layout.ValueSize]), argument);
            yield return Case("Lookup", "one-byte-key", t => t.Backend.Lookup(t.Map, [0], new byte[t.Layout.ValueSize]), argument);
            yield return Case("Update", "short-key", t => t.Backend.Update(t.Map, Short(t.Layout.KeySize), t.Value(5)), argument);
            yield return Case("Delete", "short-key", t => t.Backend.Delete(t.Map, Short(t.Layout.KeySize)), argument);
            yield return Case("GetNextKey", "short-key", t => t.Backend.GetNextKey(t.Map, Short(t.Layout.KeySize), new byte[t.Layout.KeySize]), argument);
            yield return Case("GetNextKey", "short-next-key", t => t.Backend.GetNextKey(t.Map, t.Key(0), Short(t.Layout.KeySize)), argument);
            yield return Case("LookupAndDelete", "short-key", t => t.Backend.LookupAndDelete(t.Map, Short(t.Layout.KeySize), new byte[t.Layout.ValueSize]), argument);
            yield return Case("GetNextKey", "oversized-next-key", OversizedNextKey, new Expectation.Accepts(VerifyOversizedNextKey));
        }
        else
        {
            // key_size is 0: a key is a non-NULL pointer the kernel refuses.
            yield return Case("Lookup", "key-given-to-a-keyless-map", t => t.Backend.Lookup(t.Map, [1, 2, 3, 4], new byte[t.Layout.ValueSize]), einval);
            yield return Case("Update", "key-given-to-a-keyless-map", t => t.Backend.Update(t.Map, [1, 2, 3, 4], t.Value(5)), einval);
            yield return Case("LookupAndDelete", "key-given-to-a-keyless-map", t => t.Backend.LookupAndDelete(t.Map, [1, 2, 3, 4], new byte[t.Layout.ValueSize]), einval);
            yield return Case("GetNextKey", "next-key-buffer-on-a-keyless-map", t => t.Backend.GetNextKey(t.Map, [], new byte[8]), new Expectation.Agrees());
            yield return Case("Delete", "keyless-map", t => t.Backend.Delete(t.Map, []), einval);
        }

        yield return Case("Lookup", "short-value", t => t.Backend.Lookup(t.Map, t.Key(0), Short(t.Layout.ValueSize)), argument);
        yield return Case("Update", "short-value", t => t.Backend.Update(t.Map, t.Key(5), Short(t.Layout.ValueSize)), argument);
        yield return Case("LookupAndDelete", "short-value", t => t.Backend.LookupAndDelete(t.Map, t.Key(0), Short(t.Layout.ValueSize)), argument);
        if (perCpu)
        {
            // The classic per-CPU mistake: value_size bytes instead of one slot per possible CPU.
            yield return Case("Lookup", "value-of-value-size-bytes", t => t.Backend.Lookup(t.Map, t.Key(0), new byte[t.Spec.ValueSize]), argument);
            yield return Case("Update", "value-of-value-size-bytes", t => t.Backend.Update(t.Map, t.Key(5), new byte[t.Spec.ValueSize]), argument);
            if (hash)
            {
                yield return Case("LookupAndDelete", "value-of-value-size-bytes", t => t.Backend.LookupAndDelete(t.Map, t.Key(0), new byte[t.Spec.ValueSize]), argument);
            }
        }

        yield return Case("Lookup", "oversized-key-and-value", OversizedLookup, new Expectation.Accepts(VerifyOversizedLookup));
        yield return Case("Update", "oversized-key-and-value", OversizedUpdate, new Expectation.Accepts(VerifyOversizedUpdate));
        if (keyed)
        {
            // Array elements cannot be deleted, whatever the key buffer.
            yield return Case("Delete", "oversized-key", t => t.Backend.Delete(t.Map, Backends.Padded(t.Key(0), 8)),
                hash ? new Expectation.Accepts(VerifyRemoved(0)) : einval);
        }

        yield return type.IsArrayFamily()
            ? Case("LookupAndDelete", "oversized-key-and-value", OversizedLookupAndDelete, notSupported)
            : Case("LookupAndDelete", "oversized-key-and-value", OversizedLookupAndDelete, new Expectation.Accepts(VerifyOversizedLookupAndDelete));

        // Raw element flags: an undefined bit, both NOEXIST and EXIST, and BPF_F_LOCK on a value without a spin lock.
        foreach (var (problem, flags) in new[] { ("undefined-flag", UndefinedElementFlag), ("noexist-and-exist", BpfElementFlags.NoExist | BpfElementFlags.Exist), ("lock-without-a-spin-lock", BpfElementFlags.Lock) })
        {
            if (problem != "noexist-and-exist")
            {
                yield return Case("Lookup", problem, t => t.Backend.Lookup(t.Map, t.Key(0), new byte[t.Layout.ValueSize], flags), einval);
                yield return Case("LookupAndDelete", problem, t => t.Backend.LookupAndDelete(t.Map, t.Key(0), new byte[t.Layout.ValueSize], flags), einval);
            }

            yield return Case("Update", problem, t => t.Backend.Update(t.Map, t.Key(5), t.Value(5), flags), einval);
        }

        // Batches. The command exists for the type, or the kernel answers ENOTSUPP before it reads anything (§8.1).
        var lookupBatch = !type.IsQueueOrStack();
        var lookupAndDeleteBatch = hash;
        var updateBatch = !type.IsQueueOrStack();
        var deleteBatch = hash;
        foreach (var (member, andDelete, supported) in new[] { ("LookupBatch", false, lookupBatch), ("LookupAndDeleteBatch", true, lookupAndDeleteBatch) })
        {
            yield return Case(member, "short-in-batch", t => LookupBatch(t, t.Map, andDelete, 4, new byte[3], new byte[4], 4, 4), argument);
            yield return Case(member, "short-out-batch", t => LookupBatch(t, t.Map, andDelete, 4, [], new byte[3], 4, 4), argument);
            if (keyed)
            {
                // Keys of queues and stacks take no bytes: any count fits.
                yield return Case(member, "count-past-the-keys", t => LookupBatch(t, t.Map, andDelete, 5, [], new byte[4], 4, 5), argument);
            }

            yield return Case(member, "count-past-the-values", t => LookupBatch(t, t.Map, andDelete, 5, [], new byte[4], 5, 4), argument);
            yield return Case(member, "count-uint-max", t => LookupBatch(t, t.Map, andDelete, uint.MaxValue, [], new byte[4], 4, 4), argument);
            yield return Case(member, "undefined-element-flag", t => LookupBatch(t, t.Map, andDelete, 4, [], new byte[4], 4, 4, UndefinedElementFlag),
                supported ? einval : notSupported);
            // batch.flags: hash maps refuse any bit, the generic array batch ignores the field (§8.2).
            yield return Case(member, "undefined-batch-flag", t => LookupBatch(t, t.Map, andDelete, 4, [], new byte[4], 4, 4, flags: UndefinedBatchFlag),
                !supported ? notSupported : hash ? einval : new Expectation.Answers(Errno.None));
            yield return Case(member, "oversized-buffers", t => OversizedLookupBatch(t, andDelete),
                supported ? new Expectation.Accepts((t, before) => VerifyOversizedLookupBatch(t, before, andDelete)) : notSupported);
            if (!andDelete)
            {
                // NULL keys and values with the largest count: whatever the kernel answers, nothing is written.
                yield return Case(member, "count-uint-max-with-null-buffers", t => LookupBatch(t, t.Map, andDelete, uint.MaxValue, [], [], 0, 0), new Expectation.Agrees());
            }
        }

        if (keyed)
        {
            yield return Case("UpdateBatch", "count-past-the-keys", t => UpdateBatch(t, t.Map, 3, t.Keys(3, 2), t.Values(3, 3)), argument);
            yield return Case("DeleteBatch", "count-past-the-keys", t => DeleteBatch(t, t.Map, 2, t.Keys(0, 1)), argument);
            yield return Case("DeleteBatch", "count-uint-max", t => DeleteBatch(t, t.Map, uint.MaxValue, t.Keys(0, 2)), argument);
        }

        yield return Case("UpdateBatch", "count-past-the-values", t => UpdateBatch(t, t.Map, 3, t.Keys(3, 3), t.Values(3, 2)), argument);
        yield return Case("UpdateBatch", "count-uint-max", t => UpdateBatch(t, t.Map, uint.MaxValue, t.Keys(3, 3), t.Values(3, 3)), argument);
        yield return Case("UpdateBatch", "count-uint-max-with-null-buffers", t => UpdateBatch(t, t.Map, uint.MaxValue, [], []), new Expectation.Agrees());
        yield return Case("UpdateBatch", "undefined-element-flag", t => UpdateBatch(t, t.Map, 2, t.Keys(3, 2), t.Values(3, 2), UndefinedElementFlag),
            updateBatch ? einval : notSupported);
        yield return Case("UpdateBatch", "undefined-batch-flag", t => UpdateBatch(t, t.Map, 2, t.Keys(3, 2), t.Values(3, 2), flags: UndefinedBatchFlag),
            updateBatch ? new Expectation.Accepts(VerifyUpdated(3, 2)) : notSupported);
        yield return Case("UpdateBatch", "oversized-buffers", t => UpdateBatch(t, t.Map, 2, t.Keys(3, 4), t.Values(3, 4)),
            updateBatch ? new Expectation.Accepts(VerifyUpdated(3, 2)) : notSupported);

        yield return Case("DeleteBatch", "count-uint-max-with-null-buffers", t => DeleteBatch(t, t.Map, uint.MaxValue, []), new Expectation.Agrees());
        yield return Case("DeleteBatch", "undefined-element-flag", t => DeleteBatch(t, t.Map, 1, t.Keys(0, 1), UndefinedElementFlag),
            deleteBatch ? einval : notSupported);
        yield return Case("DeleteBatch", "undefined-batch-flag", t => DeleteBatch(t, t.Map, 1, t.Keys(0, 1), flags: UndefinedBatchFlag),
            deleteBatch ? new Expectation.Accepts(VerifyRemoved(0)) : notSupported);
        yield return Case("DeleteBatch", "oversized-buffers", t => DeleteBatch(t, t.Map, 1, t.Keys(0, 3)),
            deleteBatch ? new Expectation.Accepts(VerifyRemoved(0)) : notSupported);

        // Paths are NUL-terminated strings: null, empty and embedded NULs cannot be sent.
        yield return Case("Pin", "null-path", t => t.Backend.Pin(t.Map, null!), Expectation.Throwing<ArgumentNullException>());
        yield return Case("Pin", "empty-path", t => t.Backend.Pin(t.Map, ""), argument);
        yield return Case("Pin", "nul-in-the-path", t => t.Backend.Pin(t.Map, "/sys/fs/bpf/a\0b"), argument);
        yield return Case("Pin", "path-outside-a-bpffs", t => t.Backend.Pin(t.Map, Path.Combine(t.Scratch, "pin")), new Expectation.Answers(Errno.EPERM));
    }

    // BPF_MAP_CREATE with raw values the kernel refuses; a map created by mistake is closed again.
    private static IEnumerable<BadInputCase> CreateCases(BpfMapType type)
    {
        var spec = BadInputTarget.SpecOf(type);
        var einval = new Expectation.Answers(Errno.EINVAL);
        (string Problem, BpfMapSpec Spec, Expectation Expected)[] cases =
        [
            ("undefined-map-flag", spec with { Flags = (BpfMapFlags)(1u << 31) }, einval),
            ("max-entries-zero", spec with { MaxEntries = 0 }, einval),
            ("value-size-zero", spec with { ValueSize = 0 }, einval),
            ("value-size-uint-max", spec with { ValueSize = uint.MaxValue }, new Expectation.Agrees()),
            ("key-size-uint-max", spec with { KeySize = uint.MaxValue }, new Expectation.Agrees()),
            ("name-with-a-dash", spec with { Name = "bad-name" }, einval),
            (type.IsQueueOrStack() ? "a-key-size" : "key-size-zero", spec with { KeySize = type.IsQueueOrStack() ? 4u : 0u }, einval),
        ];
        foreach (var (problem, bad, expected) in cases)
        {
            yield return new BadInputCase(Prefix + "CreateMap", problem, type, t => Create(t, bad), expected);
        }

        yield return new BadInputCase(Prefix + "CreateMap", "null-spec", type, t => Create(t, null!), Expectation.Throwing<ArgumentNullException>());
    }

    private static IEnumerable<BadInputCase> HandlelessCases()
    {
        const BpfMapType type = BpfMapType.Hash;
        var einval = new Expectation.Answers(Errno.EINVAL);
        var enoent = new Expectation.Answers(Errno.ENOENT);
        BadInputCase Case(string member, string problem, Func<BadInputTarget, Errno> call, Expectation expected) =>
            new(Prefix + member, problem, type, call, expected);

        yield return Case("CreateMap", "undefined-map-type", t => Create(t, new BpfMapSpec((BpfMapType)0x7fff, 4, 8, 8)), einval);
        yield return Case("CreateMap", "map-type-uint-max", t => Create(t, new BpfMapSpec((BpfMapType)uint.MaxValue, 4, 8, 8)), einval);
        yield return Case("CreateMap", "unspecified-map-type", t => Create(t, new BpfMapSpec(BpfMapType.Unspecified, 4, 8, 8)), einval);

        yield return Case("OpenMapById", "id-zero", t => Open(t, 0, BpfOpenFlags.None), enoent);
        yield return Case("OpenMapById", "id-uint-max", t => Open(t, uint.MaxValue, BpfOpenFlags.None), enoent);
        yield return Case("OpenMapById", "both-access-bits", t => Open(t, Id(t), BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly), einval);
        yield return Case("OpenMapById", "undefined-flag", t => Open(t, Id(t), (BpfOpenFlags)(1u << 20)), einval);
        yield return Case("OpenMapById", "flags-uint-max", t => Open(t, Id(t), (BpfOpenFlags)uint.MaxValue), einval);

        yield return Case("OpenPinned", "null-path", t => OpenPinned(t, null!, BpfOpenFlags.None), Expectation.Throwing<ArgumentNullException>());
        yield return Case("OpenPinned", "empty-path", t => OpenPinned(t, "", BpfOpenFlags.None), Expectation.Throwing<ArgumentException>());
        yield return Case("OpenPinned", "nul-in-the-path", t => OpenPinned(t, "/sys/fs/bpf/a\0b", BpfOpenFlags.None), Expectation.Throwing<ArgumentException>());
        yield return Case("OpenPinned", "missing-path", t => OpenPinned(t, Path.Combine(t.Scratch, "missing"), BpfOpenFlags.None), enoent);
        yield return Case("OpenPinned", "both-access-bits", t => OpenPinned(t, Path.Combine(t.Scratch, "missing"), BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly), einval);
        yield return Case("OpenPinned", "undefined-flag", t => OpenPinned(t, Path.Combine(t.Scratch, "missing"), (BpfOpenFlags)(1u << 20)), einval);
    }

    internal static byte[] Short(ulong needed) => new byte[needed - 1];

    internal static Errno LookupBatch(BadInputTarget t, BpfMapHandle map, bool andDelete, uint count, byte[] inBatch, byte[] outBatch, int keySlots,
        int valueSlots, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None)
    {
        var keys = new byte[(ulong)keySlots * t.Layout.KeySize];
        var values = new byte[(ulong)valueSlots * t.Layout.ValueSize];
        return andDelete
            ? t.Backend.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags)
            : t.Backend.LookupBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags);
    }

    private static Errno UpdateBatch(BadInputTarget t, BpfMapHandle map, uint count, byte[] keys, byte[] values,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
        t.Backend.UpdateBatch(map, keys, values, ref count, elementFlags, flags);

    private static Errno DeleteBatch(BadInputTarget t, BpfMapHandle map, uint count, byte[] keys,
        BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
        t.Backend.DeleteBatch(map, keys, ref count, elementFlags, flags);

    private static Errno Create(BadInputTarget t, BpfMapSpec spec)
    {
        var errno = t.Backend.CreateMap(spec, out var map);
        map?.Dispose();
        return errno;
    }

    private static uint Id(BadInputTarget t)
    {
        var errno = t.Backend.GetMapInfo(t.Map, out var info);
        return errno == Errno.None ? info!.Id : throw new InvalidOperationException($"GetMapInfo answered {errno}.");
    }

    private static Errno Open(BadInputTarget t, uint id, BpfOpenFlags flags)
    {
        var errno = t.Backend.OpenMapById(id, flags, out var map);
        map?.Dispose();
        return errno;
    }

    private static Errno OpenPinned(BadInputTarget t, string path, BpfOpenFlags flags)
    {
        var errno = t.Backend.OpenPinned(path, flags, out var map);
        map?.Dispose();
        return errno;
    }

    // Oversized buffers: each call keeps what it read into in the target, for its check.
    private static Errno Keep(BadInputTarget t, Errno errno, params byte[][] buffers)
    {
        t.Kept = buffers;
        return errno;
    }

    private static byte[][] Kept(BadInputTarget t) => t.Kept;

    private static Errno OversizedLookup(BadInputTarget t)
    {
        var value = Backends.Padded([], (int)t.Layout.ValueSize + 8);
        return Keep(t, t.Backend.Lookup(t.Map, t.Keyed ? Backends.Padded(t.Key(1), 8) : [], value), value);
    }

    private static void VerifyOversizedLookup(BadInputTarget t, IReadOnlyList<string> before)
    {
        Assert.Equal(Errno.None, t.Answer);
        var value = Kept(t)[0];
        var size = (int)t.Layout.ValueSize;
        // Element 1 on keyed maps; the next to pop (the queue's first, the stack's last) otherwise.
        var expected = t.Type switch { BpfMapType.Queue => t.Value(0), BpfMapType.Stack => t.Value(2), _ => t.Value(1) };
        Assert.Equal(Backends.Hex(expected), Backends.Hex(value.AsSpan(0, size)));
        AssertUntouched(value.AsSpan(size), "the value buffer past the value");
        Assert.Equal(before, t.State());
    }

    private static Errno OversizedUpdate(BadInputTarget t) =>
        t.Backend.Update(t.Map, t.Keyed ? Backends.Padded(t.Key(5), 8) : [], Backends.Padded(t.Value(5), 8));

    private static void VerifyOversizedUpdate(BadInputTarget t, IReadOnlyList<string> before) => VerifyUpdated(5, 1)(t, before);

    /// <summary>Elements <paramref name="first"/>.. were written with exactly their key and value bytes, and nothing else changed.</summary>
    private static Action<BadInputTarget, IReadOnlyList<string>> VerifyUpdated(uint first, int count) => (t, before) =>
    {
        Assert.Equal(Errno.None, t.Answer);
        var added = Enumerable.Range(0, count).Select(i => first + (uint)i).ToArray();
        if (!t.Keyed)
        {
            var values = added.Select(id => Backends.Hex(t.Value(id)));
            Assert.Equal(t.Type == BpfMapType.Queue ? before.Concat(values) : values.Reverse().Concat(before), t.State());
            return;
        }

        var expected = before.Where(line => !added.Any(id => line.StartsWith(Backends.Hex(t.Key(id)) + "=", StringComparison.Ordinal)))
            .Concat(added.Select(id => $"{Backends.Hex(t.Key(id))}={Backends.Hex(t.Value(id))}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, t.State());
    };

    /// <summary>Element <paramref name="id"/> is gone and nothing else changed.</summary>
    private static Action<BadInputTarget, IReadOnlyList<string>> VerifyRemoved(uint id) => (t, before) =>
    {
        Assert.Equal(Errno.None, t.Answer);
        var prefix = Backends.Hex(t.Key(id)) + "=";
        Assert.Contains(before, line => line.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(before.Where(line => !line.StartsWith(prefix, StringComparison.Ordinal)), t.State());
    };

    private static Errno OversizedNextKey(BadInputTarget t)
    {
        var next = Backends.Padded([], (int)t.Layout.KeySize + 8);
        return Keep(t, t.Backend.GetNextKey(t.Map, [], next), next);
    }

    private static void VerifyOversizedNextKey(BadInputTarget t, IReadOnlyList<string> before)
    {
        Assert.Equal(Errno.None, t.Answer);
        var next = Kept(t)[0];
        var size = (int)t.Layout.KeySize;
        var exact = new byte[size];
        Assert.Equal(Errno.None, t.Backend.GetNextKey(t.Map, [], exact));
        Assert.Equal(Backends.Hex(exact), Backends.Hex(next.AsSpan(0, size)));
        AssertUntouched(next.AsSpan(size), "the next-key buffer past the key");
        Assert.Equal(before, t.State());
    }

    private static Errno OversizedLookupAndDelete(BadInputTarget t)
    {
        var value = Backends.Padded([], (int)t.Layout.ValueSize + 8);
        return Keep(t, t.Backend.LookupAndDelete(t.Map, t.Keyed ? Backends.Padded(t.Key(1), 8) : [], value), value);
    }

    private static void VerifyOversizedLookupAndDelete(BadInputTarget t, IReadOnlyList<string> before)
    {
        Assert.Equal(Errno.None, t.Answer);
        var value = Kept(t)[0];
        var size = (int)t.Layout.ValueSize;
        var expected = t.Type switch { BpfMapType.Queue => t.Value(0), BpfMapType.Stack => t.Value(2), _ => t.Value(1) };
        Assert.Equal(Backends.Hex(expected), Backends.Hex(value.AsSpan(0, size)));
        AssertUntouched(value.AsSpan(size), "the value buffer past the value");
        if (t.Keyed)
        {
            VerifyRemoved(1)(t, before);
        }
        else
        {
            // The popped value is gone: the queue's first, the stack's top (the first in pop order too).
            Assert.Equal(before.Skip(1), t.State());
        }
    }

    // count 4 into buffers of 8 elements and cursors of 8 bytes: nothing is written past 4 elements or 4 cursor bytes.
    private static Errno OversizedLookupBatch(BadInputTarget t, bool andDelete)
    {
        var keys = Backends.Padded([], 8 * (int)t.Layout.KeySize);
        var values = Backends.Padded([], 8 * (int)t.Layout.ValueSize);
        var outBatch = Backends.Padded([], 2 * BpfMapLayout.CursorSize);
        var count = 4u;
        var errno = andDelete
            ? t.Backend.LookupAndDeleteBatch(t.Map, [], outBatch, keys, values, ref count)
            : t.Backend.LookupBatch(t.Map, [], outBatch, keys, values, ref count);
        return Keep(t, errno, keys, values, outBatch, BitConverter.GetBytes(count));
    }

    private static void VerifyOversizedLookupBatch(BadInputTarget t, IReadOnlyList<string> before, bool andDelete)
    {
        Assert.Contains(t.Answer, new[] { Errno.None, Errno.ENOENT });
        var kept = Kept(t);
        var (keys, values, outBatch, count) = (kept[0], kept[1], kept[2], BitConverter.ToUInt32(kept[3]));
        var keySize = (int)t.Layout.KeySize;
        var valueSize = (int)t.Layout.ValueSize;
        Assert.InRange(count, 1u, 4u);
        AssertUntouched(keys.AsSpan(4 * keySize), "the keys buffer past count keys");
        AssertUntouched(values.AsSpan(4 * valueSize), "the values buffer past count values");
        AssertUntouched(outBatch.AsSpan(BpfMapLayout.CursorSize), "out_batch past the cursor");
        var read = Enumerable.Range(0, (int)count)
            .Select(i => $"{Backends.Hex(keys.AsSpan(i * keySize, keySize))}={Backends.Hex(values.AsSpan(i * valueSize, valueSize))}")
            .ToList();
        Assert.Subset(before.ToHashSet(), read.ToHashSet());
        Assert.Equal(andDelete ? before.Except(read) : before, t.State());
    }

    private static void AssertUntouched(ReadOnlySpan<byte> bytes, string what)
    {
        var index = bytes.IndexOfAnyExcept(Backends.Sentinel);
        if (index >= 0)
        {
            Assert.Fail($"{what} was written at byte {index}: {Backends.Hex(bytes)}");
        }
    }
}
