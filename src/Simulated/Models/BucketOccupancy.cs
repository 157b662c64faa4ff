using System.Numerics;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// Which buckets of a hash map hold elements, with a fast "next non-empty bucket at or after b": iteration and the
/// batch cursor walk buckets in index order and skip empty ones (reference §7.2, §8.3). A bitmap of buckets with a
/// summary bit per 64-bucket word; the bucket words are allocated in pages as elements arrive, so a map with 2^27
/// buckets costs little until it fills.
/// </summary>
internal sealed class BucketOccupancy
{
    private const int WordsPerPage = 1024;

    private readonly uint _bucketCount;
    private readonly ulong[]?[] _pages;
    private readonly ulong[] _summary;

    public BucketOccupancy(uint bucketCount)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bucketCount);
        _bucketCount = bucketCount;
        var words = (int)(((ulong)bucketCount + 63) / 64);
        _pages = new ulong[]?[(words + WordsPerPage - 1) / WordsPerPage];
        _summary = new ulong[(words + 63) / 64];
    }

    /// <summary>Marks <paramref name="bucket"/> as holding elements.</summary>
    public void Add(uint bucket)
    {
        var word = (int)(bucket / 64);
        var page = _pages[word / WordsPerPage] ??= new ulong[WordsPerPage];
        page[word % WordsPerPage] |= 1UL << (int)(bucket % 64);
        _summary[word / 64] |= 1UL << (word % 64);
    }

    /// <summary>Marks <paramref name="bucket"/> as empty.</summary>
    public void Remove(uint bucket)
    {
        var word = (int)(bucket / 64);
        var page = _pages[word / WordsPerPage];
        if (page is null)
        {
            return;
        }

        ref var bits = ref page[word % WordsPerPage];
        bits &= ~(1UL << (int)(bucket % 64));
        if (bits == 0)
        {
            _summary[word / 64] &= ~(1UL << (word % 64));
        }
    }

    /// <summary>The first non-empty bucket at or after <paramref name="bucket"/>, or null when there is none.</summary>
    public uint? NextAtOrAfter(uint bucket)
    {
        if (bucket >= _bucketCount)
        {
            return null;
        }

        var word = (int)(bucket / 64);
        var bits = Word(word) & (ulong.MaxValue << (int)(bucket % 64));
        if (bits != 0)
        {
            return (uint)((word * 64) + BitOperations.TrailingZeroCount(bits));
        }

        // Find the next word with any bit through the summary.
        var next = word + 1;
        for (var s = next / 64; s < _summary.Length; s++)
        {
            var summary = _summary[s];
            if (s == next / 64)
            {
                summary &= ulong.MaxValue << (next % 64);
            }

            if (summary != 0)
            {
                var found = (s * 64) + BitOperations.TrailingZeroCount(summary);
                return (uint)((found * 64) + BitOperations.TrailingZeroCount(Word(found)));
            }
        }

        return null;
    }

    /// <summary>Forgets every bucket.</summary>
    public void Clear()
    {
        Array.Clear(_pages);
        Array.Clear(_summary);
    }

    private ulong Word(int word) => _pages[word / WordsPerPage]?[word % WordsPerPage] ?? 0;
}
