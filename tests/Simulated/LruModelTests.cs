namespace BpfMaps.Simulated.Tests;

/// <summary>
/// The LRU model against the insert-only numbers the reference verified on a 2-CPU machine with the process pinned
/// to one CPU (§12.1, §12.2). The simulator always runs as if pinned to CPU 0.
/// </summary>
public sealed class LruModelTests
{
    [Theory]
    [InlineData(BpfMapType.LruHash, 100u, 101, 76)]
    [InlineData(BpfMapType.LruPerCpuHash, 100u, 101, 76)]
    [InlineData(BpfMapType.LruHash, 1000u, 896, 896)]
    [InlineData(BpfMapType.LruHash, 1000u, 897, 873)]
    [InlineData(BpfMapType.LruHash, 1000u, 1000, 976)]
    [InlineData(BpfMapType.LruHash, 130u, 128, 128)]
    [InlineData(BpfMapType.LruHash, 130u, 129, 99)]
    public void InsertOnlyCountsMatchTheReference(BpfMapType type, uint maxEntries, int inserts, int expectedCount)
    {
        var (backend, map) = Create(type, maxEntries);
        using (map)
        {
            for (var i = 0u; i < inserts; i++)
            {
                Assert.Equal(Errno.None, backend.Update(map, BitConverter.GetBytes(i), new byte[map.Layout.ValueSize]));
            }

            var keys = Keys(backend, map);
            Assert.Equal(expectedCount, keys.Count);

            // §12.1: the survivors are exactly the newest keys.
            Assert.Equal(Enumerable.Range(inserts - expectedCount, expectedCount).Select(i => (uint)i).Order(), keys.Order());
        }
    }

    /// <summary>The reference's "steady state" counts are the counts after 3 × max_entries inserts (checked on the kernel).</summary>
    [Theory]
    [InlineData(1000u, 928)]
    [InlineData(130u, 104)]
    public void CountsAfterThreeTimesMaxEntriesInsertsMatchTheReference(uint maxEntries, int expectedCount)
    {
        var (backend, map) = Create(BpfMapType.LruHash, maxEntries);
        using (map)
        {
            for (var i = 0u; i < maxEntries * 3; i++)
            {
                Assert.Equal(Errno.None, backend.Update(map, BitConverter.GetBytes(i), new byte[4]));
            }

            Assert.Equal(expectedCount, Keys(backend, map).Count);
        }
    }

    [Fact]
    public void ExistUpdateOfAnOldKeyInAFullMapCanEvictThatKey()
    {
        // §5.3: LRU_HASH max 100 full, EXIST update of old key 2 ⇒ ENOENT, count 100 → 75.
        var (backend, map) = Create(BpfMapType.LruHash, 100);
        using (map)
        {
            for (var i = 0u; i < 100; i++)
            {
                Assert.Equal(Errno.None, backend.Update(map, BitConverter.GetBytes(i), new byte[4]));
            }

            Assert.Equal(Errno.ENOENT, backend.Update(map, BitConverter.GetBytes(2u), new byte[4], BpfElementFlags.Exist));
            Assert.Equal(75, Keys(backend, map).Count);
        }
    }

    [Fact]
    public void NoCommonLruGivesOneCpuMaxOverNcpusNodesAndEvictsUpToFour()
    {
        // §12.2: max 16 on 2 CPUs ⇒ 8 keys per CPU; the 9th insert evicts 4 ⇒ 5 left.
        var (backend, map) = Create(BpfMapType.LruHash, 16, BpfMapFlags.NoCommonLru);
        using (map)
        {
            for (var i = 0u; i < 9; i++)
            {
                Assert.Equal(Errno.None, backend.Update(map, BitConverter.GetBytes(i), new byte[4]));
                Assert.Equal(i < 8 ? (int)i + 1 : 5, Keys(backend, map).Count);
            }
        }
    }

    private static (SimulatedBpfMapBackend Backend, BpfMapHandle Map) Create(BpfMapType type, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None)
    {
        var backend = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = 2 });
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(type, 4, 4, maxEntries) { Flags = flags }, out var map));
        return (backend, map!);
    }

    private static List<uint> Keys(SimulatedBpfMapBackend backend, BpfMapHandle map)
    {
        var keys = new List<uint>();
        var key = Array.Empty<byte>();
        var next = new byte[4];
        while (backend.GetNextKey(map, key, next) == Errno.None)
        {
            keys.Add(BitConverter.ToUInt32(next));
            key = next.ToArray();
        }

        return keys;
    }
}
