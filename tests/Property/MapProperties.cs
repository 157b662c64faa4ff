using BpfMaps.Conformance;

namespace BpfMaps.PropertyTests;

/// <summary>
/// Properties every backend must satisfy, whatever the map's sizes. They need no second backend to compare with, so
/// they run on each backend alone; a leaf supplies the backend.
/// </summary>
public abstract class MapProperties
{
    private static readonly BpfMapType[] CoreTypes = [.. Maps.CoreTypes];
    private static readonly BpfMapType[] HashTypes = [.. Maps.CoreHashTypes];
    private static readonly BpfMapType[] PerCpuTypes = [BpfMapType.PerCpuHash, BpfMapType.PerCpuArray];

    protected abstract IBpfMapBackend CreateBackend();

    [Fact]
    public void UpdateThenLookupReturnsWhatWasWritten() => Check(CoreTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = RandomKey(map, random);
            var value = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, value), "update");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(value, read, "value read back");
        }
    });

    [Fact]
    public void NoExistTwiceGivesEexistAndKeepsTheFirstValue() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = RandomKey(map, random);
            var first = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, first, BpfElementFlags.NoExist), "first NOEXIST");
            Expect.Errno(Errno.EEXIST, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize), BpfElementFlags.NoExist), "second NOEXIST");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(first, read, "the first value stays");
        }
    });

    [Fact]
    public void PerCpuSlotsAreIndependentAndKeepTheirPadding() => Check(PerCpuTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var key = RandomKey(map, random);
            var value = RandomBytes(random, map.Layout.ValueSize);
            Expect.Errno(Errno.None, backend.Update(map, key, value), "update all slots");
            var cpu = random.Next(backend.PossibleCpuCount);
            var slot = RandomBytes(random, map.Layout.PerCpuSlotSize);
            slot.CopyTo(value.AsSpan((int)map.Layout.SlotOffset(cpu)));
            Expect.Errno(Errno.None, backend.Update(map, key, value), $"update with slot {cpu} changed");
            var read = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, backend.Lookup(map, key, read), "lookup");
            Expect.Bytes(value, read, "every slot, padding included");
        }
    });

    [Fact]
    public void UpdateBatchCountIsTheSuccessfulPrefix() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var max = (int)map.Spec.MaxEntries;
            var count = (uint)random.Next(0, (2 * max) + 1);
            var keys = DistinctKeys(map, random, (int)count);
            var values = RandomBytes(random, count * map.Layout.ValueSize);
            var done = count;
            var errno = backend.UpdateBatch(map, Data.Concat([.. keys]), values, ref done);
            Expect.Errno(count > max ? Errno.E2BIG : Errno.None, errno, "update batch");
            Expect.Equal(Math.Min(count, (uint)max), done, "count");
            Expect.SameSet(keys.Take((int)done), Maps.Keys(backend, map), "keys present");
        }
    });

    [Fact]
    public void LookupBatchFromTheStartToEnoentReturnsEachKeyOnce() => Check(HashTypes, (backend, c) =>
    {
        var (map, random) = Open(backend, c);
        using (map)
        {
            var keys = DistinctKeys(map, random, random.Next(0, (int)map.Spec.MaxEntries + 1));
            foreach (var key in keys)
            {
                Expect.Errno(Errno.None, backend.Update(map, key, RandomBytes(random, map.Layout.ValueSize)), "fill");
            }

            var seen = new List<byte[]>();
            var chunk = (uint)random.Next(1, 9);
            var inBatch = Array.Empty<byte>();
            var outBatch = new byte[BpfMapLayout.CursorSize];
            while (true)
            {
                var count = chunk;
                var keyBuffer = new byte[count * map.Layout.KeySize];
                var errno = backend.LookupBatch(map, inBatch, outBatch, keyBuffer, new byte[count * map.Layout.ValueSize], ref count);
                if (errno == Errno.ENOSPC)
                {
                    chunk *= 2; // a bucket holds more keys than the chunk: grow and retry from the same cursor
                    continue;
                }

                seen.AddRange(Data.Split(keyBuffer, count, map.Layout.KeySize));
                if (errno == Errno.ENOENT)
                {
                    break;
                }

                Expect.Errno(Errno.None, errno, "lookup batch");
                inBatch = outBatch.ToArray();
            }

            Expect.SameSet(keys, seen, "every key exactly once");
        }
    });

    /// <summary>Resolves the backend first, so that a kernel leaf skips before FsCheck runs anything.</summary>
    private void Check(BpfMapType[] types, Action<IBpfMapBackend, MapCase> body)
    {
        var backend = CreateBackend();
        PropertyRunner.Check(Generators.Maps(types), c => body(backend, c));
    }

    private static (BpfMapHandle Map, Random Random) Open(IBpfMapBackend backend, MapCase c)
    {
        Expect.Errno(Errno.None, backend.CreateMap(c.Spec, out var map), $"create {c}");
        return (map!, new Random(c.ContentSeed));
    }

    private static byte[] RandomKey(BpfMapHandle map, Random random) =>
        map.Spec.Type.IsArrayFamily() ? Data.U32((uint)random.Next((int)map.Spec.MaxEntries)) : RandomBytes(random, map.Layout.KeySize);

    private static List<byte[]> DistinctKeys(BpfMapHandle map, Random random, int count)
    {
        var keys = new Dictionary<string, byte[]>();
        while (keys.Count < count)
        {
            var key = RandomBytes(random, map.Layout.KeySize);
            keys.TryAdd(Data.Hex(key), key);
        }

        return [.. keys.Values];
    }

    private static byte[] RandomBytes(Random random, ulong length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
