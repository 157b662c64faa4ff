namespace BpfMaps.Conformance;

/// <summary>
/// The iteration order of a non-LRU hash map created with <see cref="BpfMapFlags.ZeroSeed"/>, predicted from
/// <see cref="Jhash"/> (reference §7.2): buckets in increasing index, each chain newest first; a replacing update of
/// HASH re-inserts the key at the head of its bucket, PERCPU_HASH updates in place (§5.1). It also models the exact
/// capacity (§5.1: the (max+1)-th distinct key is refused).
/// </summary>
internal sealed class HashOrderModel
{
    private readonly List<byte[]>[] _buckets;
    private readonly bool _replaceMovesToHead;

    public HashOrderModel(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        MaxEntries = spec.MaxEntries;
        _replaceMovesToHead = spec.Type is BpfMapType.Hash or BpfMapType.LruHash;
        _buckets = new List<byte[]>[Jhash.BucketCount(spec.MaxEntries)];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = [];
        }
    }

    public uint MaxEntries { get; }

    public int Count => _buckets.Sum(b => b.Count);

    /// <summary>Every key in iteration order.</summary>
    public List<byte[]> Order => [.. _buckets.SelectMany(b => b)];

    public uint BucketOf(ReadOnlySpan<byte> key) => Jhash.Bucket(key, (uint)_buckets.Length);

    /// <summary>The chain of bucket <paramref name="index"/>, head first.</summary>
    public IReadOnlyList<byte[]> Chain(uint index) => _buckets[index];

    public bool Contains(ReadOnlySpan<byte> key) => IndexIn(BucketOf(key), key) >= 0;

    /// <summary>An UPDATE_ELEM with <paramref name="flags"/> (0, NOEXIST or EXIST): the errno and the effect on the order.</summary>
    public Errno Update(byte[] key, BpfElementFlags flags)
    {
        var bucket = _buckets[BucketOf(key)];
        var index = IndexIn(BucketOf(key), key);
        if (flags == BpfElementFlags.NoExist && index >= 0)
        {
            return Errno.EEXIST;
        }

        if (flags == BpfElementFlags.Exist && index < 0)
        {
            return Errno.ENOENT;
        }

        if (index < 0)
        {
            if (Count >= MaxEntries)
            {
                return Errno.E2BIG;
            }

            bucket.Insert(0, key);
        }
        else if (_replaceMovesToHead)
        {
            bucket.RemoveAt(index);
            bucket.Insert(0, key);
        }

        return Errno.None;
    }

    /// <summary>A DELETE_ELEM: the errno and the effect on the order.</summary>
    public Errno Delete(ReadOnlySpan<byte> key)
    {
        var index = IndexIn(BucketOf(key), key);
        if (index < 0)
        {
            return Errno.ENOENT;
        }

        _buckets[BucketOf(key)].RemoveAt(index);
        return Errno.None;
    }

    /// <summary>
    /// GET_NEXT_KEY (§7.2 step 4): the next key in the chain, else the head of the next non-empty bucket; an absent
    /// or empty key starts from bucket 0. Null means ENOENT.
    /// </summary>
    public byte[]? Next(ReadOnlySpan<byte> key)
    {
        var start = 0u;
        if (!key.IsEmpty)
        {
            var bucket = BucketOf(key);
            var index = IndexIn(bucket, key);
            if (index >= 0)
            {
                if (index + 1 < _buckets[bucket].Count)
                {
                    return _buckets[bucket][index + 1];
                }

                start = bucket + 1;
            }
        }

        for (var b = start; b < _buckets.Length; b++)
        {
            if (_buckets[b].Count > 0)
            {
                return _buckets[b][0];
            }
        }

        return null;
    }

    private int IndexIn(uint bucket, ReadOnlySpan<byte> key)
    {
        var chain = _buckets[bucket];
        for (var i = 0; i < chain.Count; i++)
        {
            if (key.SequenceEqual(chain[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
