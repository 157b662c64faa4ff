namespace BpfMaps.Simulated.Tests;

/// <summary>Concurrent commands on one map behave as some serial order of them.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void ParallelUpdatesAndDeletesLeaveExactlyTheSurvivors()
    {
        var backend = new SimulatedBpfMapBackend();
        Assert.Equal(Errno.None, backend.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 8, 4096), out var map));
        using (map)
        {
            Parallel.For(0, 4096, i =>
            {
                var key = BitConverter.GetBytes((uint)i);
                Assert.Equal(Errno.None, backend.Update(map!, key, BitConverter.GetBytes((long)i)));
                if (i % 3 == 0)
                {
                    Assert.Equal(Errno.None, backend.Delete(map!, key));
                }
            });

            var keys = new List<uint>();
            var key = Array.Empty<byte>();
            var next = new byte[4];
            while (backend.GetNextKey(map!, key, next) == Errno.None)
            {
                keys.Add(BitConverter.ToUInt32(next));
                key = next.ToArray();
            }

            Assert.Equal(Enumerable.Range(0, 4096).Where(i => i % 3 != 0).Select(i => (uint)i), keys.Order());
        }
    }
}
