using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// HASH and PERCPU_HASH (<c>hashtab.c</c>), also the element store of the LRU types: <c>roundup_pow_of_two(max_entries)</c>
/// buckets chosen by jhash, chains with the newest element at the head, exact capacity (reference §3.1, §5.1, §6,
/// §7, §8.3, §11.1). Per-CPU values are stored whole, padding included (§2).
/// </summary>
internal sealed class HashMapModel : MapModel
{
    private readonly uint _seed;
    private readonly uint _bucketMask;
    private readonly bool _updatesInPlace;
    private readonly Dictionary<uint, List<HashElement>> _chains = [];
    private readonly BucketOccupancy _occupied;
    private readonly LruList? _lru;

    /// <summary>Creates an empty hash map.</summary>
    /// <param name="spec">The spec as created.</param>
    /// <param name="layout">Buffer sizes.</param>
    /// <param name="maxEntries">The effective max_entries (§3.1).</param>
    /// <param name="seed">The jhash seed: 0 for BPF_F_ZERO_SEED maps, random otherwise (§7.2).</param>
    /// <param name="possibleCpus">num_possible_cpus(), which sizes the LRU free lists (§12).</param>
    public HashMapModel(BpfMapSpec spec, BpfMapLayout layout, uint maxEntries, uint seed, int possibleCpus)
        : base(spec, layout, maxEntries)
    {
        _seed = seed;
        BucketCount = KernelRules.HashBucketCount(maxEntries);
        _bucketMask = BucketCount - 1;
        _occupied = new BucketOccupancy(BucketCount);

        // §5.1: HASH and LRU_HASH replace an element by inserting a new one at the head of its bucket; the per-CPU
        // types copy the new value into the existing element.
        _updatesInPlace = spec.Type.IsPerCpu();
        _lru = spec.Type.IsLru()
            ? new LruList(DeleteEvicted, (spec.Flags & BpfMapFlags.NoCommonLru) != 0, maxEntries, possibleCpus)
            : null;
    }

    /// <summary>n_buckets = roundup_pow_of_two(max_entries) (§3.1).</summary>
    public uint BucketCount { get; }

    /// <summary>How many elements the map holds.</summary>
    public int Count { get; private set; }

    /// <inheritdoc />
    public override BatchSupport BatchSupport => BatchSupport.OwnLookup | BatchSupport.Update | BatchSupport.Delete;

    /// <inheritdoc />
    public override Errno LookupElement(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        // §12.1: a syscall lookup does not mark an LRU element referenced.
        var element = Find(key, out _, out _);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        CopyValue(element, destination);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        var errno = KernelRules.UpdateFlags(flags);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (_lru is not null)
        {
            return UpdateLru(_lru, key, value, flags);
        }

        var element = Find(key, out var bucket, out var chain);
        errno = KernelRules.UpdateExistence(flags, element is not null);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (element is null)
        {
            // §3.1, §5.1: exactly max_entries keys; only a new key can overflow.
            if (Count >= MaxEntries)
            {
                return KernelRules.HashMapFull();
            }

            InsertAtHead(bucket, new HashElement(key.ToArray(), NewValue(value)));
            return Errno.None;
        }

        // §9.2: a BPF_F_LOCK update of an existing element copies the value in under the lock, in place.
        Replace(element, chain!, value, inPlace: _updatesInPlace || (flags & BpfElementFlags.Lock) != 0);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno DeleteElement(ReadOnlySpan<byte> key)
    {
        var element = Find(key, out var bucket, out var chain);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        Unlink(element, bucket, chain!);
        FreeNode(element);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno GetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        // §7.2 step 4: the successor in the chain, else the head of the next non-empty bucket; a key that is not in
        // the map (or NULL) restarts from bucket 0.
        var start = 0u;
        if (!key.IsEmpty)
        {
            var element = Find(key, out var bucket, out var chain);
            if (element is not null)
            {
                var position = chain!.IndexOf(element);
                if (position + 1 < chain.Count)
                {
                    CopyKey(chain[position + 1], nextKey);
                    return Errno.None;
                }

                start = bucket + 1;
            }
        }

        var next = _occupied.NextAtOrAfter(start);
        if (next is not { } nextBucket)
        {
            return KernelRules.EndOfIteration();
        }

        CopyKey(_chains[nextBucket][0], nextKey);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags)
    {
        var element = Find(key, out var bucket, out var chain);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        // §11.1: the element is copied and removed; the caller faults afterwards on a NULL value.
        CopyValue(element, destination);
        Unlink(element, bucket, chain!);
        FreeNode(element);
        return Errno.None;
    }

    /// <summary>
    /// <c>__htab_map_lookup_and_delete_batch</c> (§8.3): a u32 bucket cursor, whole buckets only, ENOSPC only for the
    /// first bucket that has elements, ENOENT together with data when the last bucket is reached.
    /// </summary>
    public override Errno LookupBatch(ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        var errno = KernelRules.HashLookupBatchFlags(this, elementFlags, flags);
        if (errno != Errno.None)
        {
            return errno;
        }

        // §8.3: count 0 returns at once, count and out_batch untouched.
        if (count == 0)
        {
            return Errno.None;
        }

        var room = count;
        count = 0;
        var bucket = inBatch.IsEmpty ? 0u : KernelRules.ReadU32(inBatch);
        if (bucket >= BucketCount)
        {
            return KernelRules.NoMoreBuckets();
        }

        var total = 0u;
        errno = Errno.None;
        while (true)
        {
            // §8.3: empty buckets cost nothing and are skipped, even when the room is used up.
            if (_occupied.NextAtOrAfter(bucket) is not { } next)
            {
                bucket = BucketCount;
                errno = KernelRules.NoMoreBuckets();
                break;
            }

            bucket = next;
            var chain = _chains[bucket];
            var inBucket = (uint)chain.Count;
            if (inBucket > room - total)
            {
                errno = KernelRules.BucketDoesNotFit(total);
                break;
            }

            // The bucket is snapshotted (and for LOOKUP_AND_DELETE unlinked) before anything is copied to user
            // space, so a fault below leaves it deleted (§8.3, §14).
            var snapshot = chain.ToArray();
            if (andDelete)
            {
                foreach (var element in snapshot)
                {
                    Unlink(element, bucket, chain);
                    FreeNode(element);
                }
            }

            var fault = KernelRules.CopyToUser(keys);
            if (fault == Errno.None)
            {
                for (var i = 0; i < snapshot.Length; i++)
                {
                    snapshot[i].Key.CopyTo(keys[(int)((total + i) * (uint)KeySize)..]);
                }

                fault = KernelRules.CopyToUser(values);
            }

            if (fault != Errno.None)
            {
                // §8.3: a fault returns at once: count stays 0 and out_batch is not written.
                return fault;
            }

            for (var i = 0; i < snapshot.Length; i++)
            {
                snapshot[i].Value.CopyTo(values[(int)((total + i) * (uint)ValueSize)..]);
            }

            total += inBucket;
            bucket++;
            if (bucket >= BucketCount)
            {
                errno = KernelRules.NoMoreBuckets();
                break;
            }
        }

        // §8.3: out_batch is written before count; if it faults, count stays 0.
        var outFault = KernelRules.CopyToUser(outBatch);
        if (outFault != Errno.None)
        {
            return outFault;
        }

        KernelRules.WriteU32(outBatch, bucket);
        count = total;
        return errno;
    }

    /// <summary>The bucket of <paramref name="key"/>: jhash of the raw key bytes, masked (§7.2).</summary>
    public uint BucketOf(ReadOnlySpan<byte> key) => Jhash.HashMapKey(key, _seed) & _bucketMask;

    /// <summary>Finds the element with <paramref name="key"/>; also returns its bucket and chain (null when the bucket is empty).</summary>
    private HashElement? Find(ReadOnlySpan<byte> key, out uint bucket, out List<HashElement>? chain)
    {
        bucket = BucketOf(key);
        if (!_chains.TryGetValue(bucket, out chain))
        {
            return null;
        }

        foreach (var element in chain)
        {
            if (key.SequenceEqual(element.Key))
            {
                return element;
            }
        }

        return null;
    }

    /// <summary>Links a new element at the head of its bucket's chain (§7.2 step 3).</summary>
    private void InsertAtHead(uint bucket, HashElement element)
    {
        if (!_chains.TryGetValue(bucket, out var chain))
        {
            chain = [];
            _chains[bucket] = chain;
            _occupied.Add(bucket);
        }

        chain.Insert(0, element);
        Count++;
    }

    /// <summary>Replaces an existing element's value: in place, or re-inserted at the head of its bucket (§5.1, §9.2).</summary>
    private void Replace(HashElement element, List<HashElement> chain, ReadOnlySpan<byte> value, bool inPlace)
    {
        if (inPlace)
        {
            CopyValueInto(value, element.Value);
            return;
        }

        chain.Remove(element);
        chain.Insert(0, new HashElement(element.Key, NewValue(value)));
    }

    /// <summary>Unlinks an element from its chain.</summary>
    private void Unlink(HashElement element, uint bucket, List<HashElement> chain)
    {
        chain.Remove(element);
        Count--;
        if (chain.Count == 0)
        {
            _chains.Remove(bucket);
            _occupied.Remove(bucket);
        }
    }

    /// <inheritdoc />
    protected override void Free()
    {
        _chains.Clear();
        _occupied.Clear();
        Count = 0;
        _lru?.Reset();
    }

    // htab_lru_map_update_elem and __htab_lru_percpu_map_update_elem (§5.3): the LRU hands out a node before the key
    // is looked up and the flags are checked, and handing it out may evict elements, this very key included.
    private Errno UpdateLru(LruList lru, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags)
    {
        var perCpu = Spec.Type.IsPerCpu();

        // §5.3: LRU_PERCPU_HASH skips the node grab when flags are exactly BPF_EXIST (it can only update in place).
        LruNode? node = null;
        if (!perCpu || flags != BpfElementFlags.Exist)
        {
            node = lru.PopFree(Cpu);
            if (node is null)
            {
                return KernelRules.LruNoFreeNode();
            }
        }

        var element = Find(key, out var bucket, out var chain);
        var errno = KernelRules.UpdateExistence(flags, element is not null);
        if (errno != Errno.None)
        {
            if (node is not null)
            {
                lru.PushFree(node);
            }

            return errno;
        }

        if (perCpu && element is not null)
        {
            // §5.1, §12.1: in place, and the element is marked referenced; the node taken is given back.
            LruList.SetReferenced(element.LruNode!);
            CopyValueInto(value, element.Value);
            if (node is not null)
            {
                lru.PushFree(node);
            }

            return Errno.None;
        }

        // A new element at the head of the bucket; a replaced one is unlinked and its node freed, and the new
        // element is marked referenced (§5.1, §12.1).
        var added = new HashElement(key.ToArray(), NewValue(value));
        LruList.Attach(node!, added);
        InsertAtHead(bucket, added);
        if (element is not null)
        {
            LruList.SetReferenced(node!);
            Unlink(element, bucket, chain!);
            FreeNode(element);
        }

        return Errno.None;
    }

    // htab_lru_map_delete_node: eviction unlinks the element from its bucket, if it is still linked.
    private bool DeleteEvicted(HashElement element)
    {
        var bucket = BucketOf(element.Key);
        if (!_chains.TryGetValue(bucket, out var chain) || !chain.Contains(element))
        {
            return false;
        }

        Unlink(element, bucket, chain);
        element.LruNode = null;
        return true;
    }

    // htab_lru_push_free: an element that left the table gives its LRU node back.
    private void FreeNode(HashElement element)
    {
        if (_lru is not null && element.LruNode is { } node)
        {
            element.LruNode = null;
            _lru.PushFree(node);
        }
    }

    private static void CopyValue(HashElement element, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            element.Value.CopyTo(destination);
        }
    }

    private static void CopyKey(HashElement element, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            element.Key.CopyTo(destination);
        }
    }
}

/// <summary>One hash element: its key and its value (one padded slot per CPU for per-CPU maps). Compared by identity.</summary>
internal sealed class HashElement(byte[] key, byte[] value)
{
    /// <summary>The key bytes.</summary>
    public byte[] Key { get; } = key;

    /// <summary>The value bytes, as user space lays them out.</summary>
    public byte[] Value { get; } = value;

    /// <summary>The LRU node holding the element (LRU types only).</summary>
    public LruNode? LruNode { get; set; }
}
