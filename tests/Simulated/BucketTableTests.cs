using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated.Tests;

/// <summary>
/// The bucket table against a plain array of heads: random pushes and removals around its page (4096 buckets) and
/// summary-word (4096 buckets per summary word, 64 per bit word) boundaries, then every "next non-empty bucket" query.
/// </summary>
public sealed class BucketTableTests
{
    [Theory]
    [InlineData(1u, 1)]
    [InlineData(64u, 2)]
    [InlineData(4096u, 3)]
    [InlineData(8192u, 4)]
    [InlineData(1u << 20, 5)]
    public void HeadsAndNextOccupiedMatchAPlainArray(uint bucketCount, int seed)
    {
        var random = new Random(seed);
        var table = new BucketTable(bucketCount);
        var expected = new HashElement?[bucketCount];

        // Buckets near the boundaries, and a few anywhere.
        var candidates = new[] { 0u, 1u, 63u, 64u, 65u, 4095u, 4096u, 4097u, 8191u, 262_143u, 262_144u, bucketCount - 1 }
            .Where(b => b < bucketCount)
            .Concat(Enumerable.Range(0, 40).Select(_ => (uint)random.NextInt64(bucketCount)))
            .Distinct()
            .ToArray();

        for (var step = 0; step < 2000; step++)
        {
            var bucket = candidates[random.Next(candidates.Length)];
            if (expected[bucket] is null || random.Next(3) == 0)
            {
                var element = new HashElement([0], 0, 0, 0);
                Assert.Same(expected[bucket], table.Push(bucket, element));
                expected[bucket] = element;
            }
            else
            {
                table.Replace(bucket, null);
                expected[bucket] = null;
            }

            if (step % 97 == 0)
            {
                AssertSame(expected, table, candidates);
            }
        }

        AssertSame(expected, table, candidates);
        table.Clear();
        Assert.Null(table.NextOccupied(0));
    }

    private static void AssertSame(HashElement?[] expected, BucketTable table, uint[] queries)
    {
        foreach (var bucket in queries.Concat(queries.Select(b => b + 1)).Where(b => b <= expected.Length))
        {
            uint? next = null;
            for (var b = bucket; b < expected.Length; b++)
            {
                if (expected[b] is not null)
                {
                    next = b;
                    break;
                }
            }

            Assert.Equal(next, table.NextOccupied(bucket));
            if (bucket < expected.Length)
            {
                Assert.Same(expected[bucket], table.Head(bucket));
            }
        }
    }
}
