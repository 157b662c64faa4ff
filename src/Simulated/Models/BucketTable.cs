using System.Numerics;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// A hash map's buckets (<c>htab->buckets</c>): the head of each bucket's chain, and which buckets hold elements, with
/// a fast "next non-empty bucket at or after b": iteration and the batch cursor walk buckets in index order and skip
/// empty ones (reference §7.2, §8.3).
/// </summary>
/// <remarks>
/// Heads are kept in pages of <see cref="HeadsPerPage"/> and occupancy in a bitmap of buckets with a summary bit per
/// 64-bucket word; both are allocated as elements arrive, so a map with 2^27 buckets costs little until it fills, and a
/// lookup is two array reads rather than a dictionary probe.
/// </remarks>
internal sealed class BucketTable
{
    private const int HeadsPerPage = 4096;
    private const int WordsPerPage = 1024;

    private readonly uint _bucketCount;
    private readonly HashElement?[]?[] _heads;
    private readonly ulong[]?[] _words;
    private readonly ulong[] _summary;

    public BucketTable(uint bucketCount)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bucketCount);
        _bucketCount = bucketCount;
        _heads = new HashElement?[]?[(int)(((ulong)bucketCount + HeadsPerPage - 1) / HeadsPerPage)];
        var words = (int)(((ulong)bucketCount + 63) / 64);
        _words = new ulong[]?[(words + WordsPerPage - 1) / WordsPerPage];
        _summary = new ulong[(words + 63) / 64];
    }

    /// <summary>The first element of <paramref name="bucket"/>'s chain, or null when the bucket is empty.</summary>
    public HashElement? Head(uint bucket) => _heads[bucket / HeadsPerPage]?[bucket % HeadsPerPage];

    /// <summary>Makes <paramref name="head"/> the first element of <paramref name="bucket"/>'s chain (null: empty).</summary>
    public void SetHead(uint bucket, HashElement? head)
    {
        var page = _heads[bucket / HeadsPerPage];
        if (page is null)
        {
            if (head is null)
            {
                return;
            }

            page = _heads[bucket / HeadsPerPage] = new HashElement?[HeadsPerPage];
        }

        var wasEmpty = page[bucket % HeadsPerPage] is null;
        page[bucket % HeadsPerPage] = head;
        if (head is null)
        {
            MarkEmpty(bucket);
        }
        else if (wasEmpty)
        {
            MarkOccupied(bucket);
        }
    }

    /// <summary>The first non-empty bucket at or after <paramref name="bucket"/>, or null when there is none.</summary>
    public uint? NextOccupied(uint bucket)
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

    /// <summary>Empties every bucket and lets its pages go (the map is being freed).</summary>
    public void Clear()
    {
        Array.Clear(_heads);
        Array.Clear(_words);
        Array.Clear(_summary);
    }

    private void MarkOccupied(uint bucket)
    {
        var word = (int)(bucket / 64);
        var page = _words[word / WordsPerPage] ??= new ulong[WordsPerPage];
        page[word % WordsPerPage] |= 1UL << (int)(bucket % 64);
        _summary[word / 64] |= 1UL << (word % 64);
    }

    private void MarkEmpty(uint bucket)
    {
        var word = (int)(bucket / 64);
        ref var bits = ref _words[word / WordsPerPage]![word % WordsPerPage];
        bits &= ~(1UL << (int)(bucket % 64));
        if (bits == 0)
        {
            _summary[word / 64] &= ~(1UL << (word % 64));
        }
    }

    private ulong Word(int word) => _words[word / WordsPerPage]?[word % WordsPerPage] ?? 0;
}
