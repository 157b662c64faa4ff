using System.Numerics;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// A hash map's buckets (<c>htab->buckets</c>): the head of each bucket's chain, and which buckets hold elements, with
/// a fast "next non-empty bucket at or after b": iteration and the batch cursor walk buckets in index order and skip
/// empty ones (reference §7.2, §8.3).
/// </summary>
/// <remarks>
/// Buckets are kept in pages of up to 4096, each with its heads and an occupancy bit per bucket, plus a summary bit per
/// 64-bucket word. Pages are allocated as elements arrive, so a map with 2^27 buckets costs little until it fills, and
/// finding a head is two array reads rather than a dictionary probe.
/// </remarks>
internal sealed class BucketTable
{
    private const int PageShift = 12;
    private const uint PageMask = (1u << PageShift) - 1;

    private readonly uint _bucketCount;
    private readonly int _pageLength;
    private readonly HashElement?[]?[] _heads;
    private readonly ulong[]?[] _words;
    private readonly ulong[] _summary;

    public BucketTable(uint bucketCount)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bucketCount);
        _bucketCount = bucketCount;
        _pageLength = (int)Math.Min(bucketCount, 1u << PageShift);
        var pages = (int)(((ulong)bucketCount + PageMask) >> PageShift);
        _heads = new HashElement?[]?[pages];
        _words = new ulong[]?[pages];
        _summary = new ulong[(((ulong)bucketCount + 63) / 64 + 63) / 64];
    }

    /// <summary>The first element of <paramref name="bucket"/>'s chain, or null when the bucket is empty.</summary>
    public HashElement? Head(uint bucket) => _heads[bucket >> PageShift]?[bucket & PageMask];

    /// <summary>Makes <paramref name="element"/> the head of <paramref name="bucket"/>; returns the head it replaces.</summary>
    public HashElement? Push(uint bucket, HashElement element)
    {
        var page = _heads[bucket >> PageShift] ?? AllocatePage(bucket);
        ref var slot = ref page[bucket & PageMask];
        var previous = slot;
        slot = element;
        if (previous is null)
        {
            SetOccupied(bucket, occupied: true);
        }

        return previous;
    }

    /// <summary>
    /// Makes <paramref name="head"/> the head of a bucket that holds elements: the next element of its chain when the
    /// head leaves, or null when the bucket becomes empty.
    /// </summary>
    public void Replace(uint bucket, HashElement? head)
    {
        _heads[bucket >> PageShift]![bucket & PageMask] = head;
        if (head is null)
        {
            SetOccupied(bucket, occupied: false);
        }
    }

    /// <summary>The first non-empty bucket at or after <paramref name="bucket"/>, or null when there is none.</summary>
    public uint? NextOccupied(uint bucket)
    {
        if (bucket >= _bucketCount)
        {
            return null;
        }

        var word = bucket / 64;
        var bits = Word(word) & (ulong.MaxValue << (int)(bucket % 64));
        if (bits != 0)
        {
            return (word * 64) + (uint)BitOperations.TrailingZeroCount(bits);
        }

        // Find the next word with any bit through the summary.
        var next = word + 1;
        for (var s = next / 64; s < (uint)_summary.Length; s++)
        {
            var summary = _summary[s];
            if (s == next / 64)
            {
                summary &= ulong.MaxValue << (int)(next % 64);
            }

            if (summary != 0)
            {
                var found = (s * 64) + (uint)BitOperations.TrailingZeroCount(summary);
                return (found * 64) + (uint)BitOperations.TrailingZeroCount(Word(found));
            }
        }

        return null;
    }

    /// <summary>Empties every bucket and lets its pages go (the map is being freed).</summary>
    public void Clear()
    {
        Array.Clear(_heads);
        Array.Clear(_words);
        Array.Clear(_summary);
    }

    private HashElement?[] AllocatePage(uint bucket)
    {
        _words[bucket >> PageShift] = new ulong[(_pageLength + 63) / 64];
        return _heads[bucket >> PageShift] = new HashElement?[_pageLength];
    }

    private void SetOccupied(uint bucket, bool occupied)
    {
        var word = bucket / 64;
        ref var bits = ref _words[bucket >> PageShift]![(bucket & PageMask) / 64];
        ref var summary = ref _summary[word / 64];
        if (occupied)
        {
            bits |= 1UL << (int)(bucket % 64);
            summary |= 1UL << (int)(word % 64);
        }
        else
        {
            bits &= ~(1UL << (int)(bucket % 64));
            if (bits == 0)
            {
                summary &= ~(1UL << (int)(word % 64));
            }
        }
    }

    private ulong Word(uint word)
    {
        var bucket = word * 64;
        return _words[bucket >> PageShift]?[(bucket & PageMask) / 64] ?? 0;
    }
}
