using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// HASH and PERCPU_HASH (<c>hashtab.c</c>), also the element store of the LRU types: <c>roundup_pow_of_two(max_entries)</c>
/// buckets chosen by jhash, chains with the newest element at the head, exact capacity (reference §3.1, §5.1, §6,
/// §7, §8.3, §11.1). Per-CPU values are stored whole, padding included (§2).
/// </summary>
/// <remarks>
/// As the kernel's preallocated maps, it allocates nothing in steady state: elements and their storage are made once,
/// as the map first fills, and a deleted element goes to a free list from which later inserts take it. Chains are
/// linked through the elements, so that walking or changing one allocates nothing either.
/// </remarks>
internal sealed class HashMapModel : MapModel
{
    // The size of the pages elements' bytes are kept in: a few hundred small elements share one.
    private const int ElementPageBytes = 16 * 1024;

    private readonly uint _seed;
    private readonly uint _bucketMask;
    private readonly bool _updatesInPlace;
    private readonly BucketTable _buckets;
    private readonly LruList? _lru;

    // Elements that left the table, linked through Next: htab's freelist (hashtab.c:prealloc_init).
    private HashElement? _freeElements;

    // The page new elements take their key and value bytes from, and how much of it is taken.
    private byte[] _page = [];
    private int _pageUsed;

    /// <summary>Creates an empty hash map.</summary>
    /// <param name="spec">The spec as created.</param>
    /// <param name="layout">Buffer sizes.</param>
    /// <param name="maxEntries">The effective max_entries (§3.1).</param>
    /// <param name="seed">The jhash seed: 0 for BPF_F_ZERO_SEED maps, random otherwise (§7.2).</param>
    /// <param name="possibleCpus">num_possible_cpus(), which sizes the LRU free lists (§12).</param>
    /// <param name="kernel">The modelled kernel.</param>
    public HashMapModel(BpfMapSpec spec, BpfMapLayout layout, uint maxEntries, uint seed, int possibleCpus, KernelProfile kernel)
        : base(spec, layout, maxEntries, kernel)
    {
        _seed = seed;
        BucketCount = KernelRules.HashBucketCount(maxEntries);
        _bucketMask = BucketCount - 1;
        _buckets = new BucketTable(BucketCount);

        // §5.1: HASH and LRU_HASH replace an element by linking a new one at the head of its bucket; the per-CPU
        // types copy the new value into the existing element.
        _updatesInPlace = spec.Type.IsPerCpu();
        _lru = spec.Type.IsLru()
            ? new LruList(DeleteEvicted, (spec.Flags & BpfMapFlags.NoCommonLru) != 0, maxEntries, possibleCpus,
                KernelRules.LruTargetFree(kernel, maxEntries, possibleCpus))
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
        var element = Find(key, out _);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        CopyValue(element, destination);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno UpdateElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags, PerCpuWrite write = default, bool byProgram = false)
    {
        var errno = KernelRules.UpdateFlags(this, flags, byProgram);
        if (errno != Errno.None)
        {
            return errno;
        }

        if (_lru is not null)
        {
            return UpdateLru(_lru, key, value, flags, write);
        }

        var element = Find(key, out var bucket);
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

            InsertAtHead(bucket, NewElement(key, value, write));
            return Errno.None;
        }

        // §9.2: a BPF_F_LOCK update of an existing element copies the value in under the lock, in place.
        Replace(element, value, write, inPlace: _updatesInPlace || (flags & BpfElementFlags.Lock) != 0);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno DeleteElement(ReadOnlySpan<byte> key)
    {
        var element = Find(key, out _);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        Unlink(element);
        FreeNode(element);
        Recycle(element);
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
            var element = Find(key, out var bucket);
            if (element is not null)
            {
                if (element.Next is { } successor)
                {
                    CopyKey(successor, nextKey);
                    return Errno.None;
                }

                start = bucket + 1;
            }
        }

        var next = _buckets.NextOccupied(start);
        if (next is not { } nextBucket)
        {
            return KernelRules.EndOfIteration();
        }

        CopyKey(_buckets.Head(nextBucket)!, nextKey);
        return Errno.None;
    }

    /// <inheritdoc />
    public override Errno LookupAndDeleteElement(ReadOnlySpan<byte> key, Span<byte> destination, BpfElementFlags flags)
    {
        var element = Find(key, out _);
        if (element is null)
        {
            return KernelRules.NoSuchKey();
        }

        // §11.1: the element is copied and removed; the caller faults afterwards on a NULL value.
        CopyValue(element, destination);
        Unlink(element);
        FreeNode(element);
        Recycle(element);
        return Errno.None;
    }

    /// <summary>
    /// <c>__htab_map_lookup_and_delete_batch</c> (§8.3): a u32 bucket cursor, whole buckets only, ENOSPC only for the
    /// first bucket that has elements, ENOENT together with data when the last bucket is reached.
    /// </summary>
    public override Errno LookupBatch(ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags, BpfBatchFlags flags, bool andDelete)
    {
        var errno = KernelRules.HashLookupBatchFlags(this, elementFlags, flags, andDelete);
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

        // §8.3, §14: a NULL keys or values buffer faults once the first bucket with elements is read (and for
        // LOOKUP_AND_DELETE deleted); keys are copied before values, and nothing past that bucket is read.
        var keysFault = KernelRules.CopyToUser(keys);
        var valuesFault = keysFault != Errno.None ? keysFault : KernelRules.CopyToUser(values);
        var total = 0u;
        errno = Errno.None;
        while (true)
        {
            // §8.3: empty buckets cost nothing and are skipped, even when the room is used up.
            if (_buckets.NextOccupied(bucket) is not { } next)
            {
                bucket = BucketCount;
                errno = KernelRules.NoMoreBuckets();
                break;
            }

            bucket = next;
            var first = _buckets.Head(bucket);
            var inBucket = 0u;
            for (var counted = first; counted is not null; counted = counted.Next)
            {
                inBucket++;
            }

            if (inBucket > room - total)
            {
                errno = KernelRules.BucketDoesNotFit(total);
                break;
            }

            // Each element is copied and then (for LOOKUP_AND_DELETE) unlinked while it is at hand: no other element
            // of the map is touched in between, so the order cannot be observed.
            var element = first;
            while (element is not null)
            {
                var following = element.Next;
                if (keysFault == Errno.None)
                {
                    element.Key.CopyTo(keys[(int)(total * (uint)KeySize)..]);
                    if (valuesFault == Errno.None)
                    {
                        CopyValueOut(element.Value, values, total, elementFlags);
                    }
                }

                if (andDelete)
                {
                    Unlink(element);
                    FreeNode(element);
                    Recycle(element);
                }

                total++;
                element = following;
            }

            if (valuesFault != Errno.None)
            {
                // §8.3: a fault returns at once: count stays 0 and out_batch is not written.
                return valuesFault;
            }

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

    /// <summary>Finds the element with <paramref name="key"/>, and the bucket where it is or would be.</summary>
    private HashElement? Find(ReadOnlySpan<byte> key, out uint bucket)
    {
        bucket = BucketOf(key);
        for (var element = _buckets.Head(bucket); element is not null; element = element.Next)
        {
            if (key.SequenceEqual(element.Key))
            {
                return element;
            }
        }

        return null;
    }

    /// <summary>An element for a new key and its value: from the free list, or made the first time it is needed.</summary>
    private HashElement NewElement(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, PerCpuWrite write)
    {
        var element = _freeElements ?? MakeElement();
        _freeElements = element.Next;
        element.Next = null;
        key.CopyTo(element.Key);
        WriteValue(value, element.Value, write, fresh: true);
        return element;
    }

    /// <summary>A new element, its bytes taken from the current page (a new page when it is full).</summary>
    private HashElement MakeElement()
    {
        var size = KeySize + ValueSize;
        if (_pageUsed + size > _page.Length)
        {
            _page = new byte[Math.Max(size, ElementPageBytes / size * size)];
            _pageUsed = 0;
        }

        var element = new HashElement(_page, _pageUsed, KeySize, ValueSize);
        _pageUsed += size;
        return element;
    }

    /// <summary>Gives an element that left the table back to the free list.</summary>
    private void Recycle(HashElement element)
    {
        element.LruNode = null;
        element.Next = _freeElements;
        _freeElements = element;
    }

    /// <summary>Links an element at the head of its bucket's chain (§7.2 step 3).</summary>
    private void InsertAtHead(uint bucket, HashElement element)
    {
        var head = _buckets.Push(bucket, element);
        element.Bucket = bucket;
        element.Previous = null;
        element.Next = head;
        if (head is not null)
        {
            head.Previous = element;
        }

        element.IsLinked = true;
        Count++;
    }

    /// <summary>
    /// Replaces an existing element's value: in place, or as the kernel links a new element at the head of the bucket
    /// and unlinks the old one (§5.1, §9.2). The element itself is reused, which nothing can observe.
    /// </summary>
    private void Replace(HashElement element, ReadOnlySpan<byte> value, PerCpuWrite write, bool inPlace)
    {
        if (!inPlace)
        {
            MoveToHead(element);
        }

        WriteValue(value, element.Value, write, fresh: !inPlace);
    }

    /// <summary>Moves a linked element to the head of its chain.</summary>
    private void MoveToHead(HashElement element)
    {
        if (element.Previous is null)
        {
            return;
        }

        var bucket = element.Bucket;
        Unlink(element);
        InsertAtHead(bucket, element);
    }

    /// <summary>Unlinks an element from its chain; the caller frees its LRU node and recycles it.</summary>
    private void Unlink(HashElement element)
    {
        if (element.Previous is { } previous)
        {
            previous.Next = element.Next;
        }
        else
        {
            _buckets.Replace(element.Bucket, element.Next);
        }

        if (element.Next is { } following)
        {
            following.Previous = element.Previous;
        }

        element.Previous = null;
        element.Next = null;
        element.IsLinked = false;
        Count--;
    }

    /// <inheritdoc />
    protected override void Free()
    {
        _buckets.Clear();
        _freeElements = null;
        _page = [];
        _pageUsed = 0;
        Count = 0;
        _lru?.Reset();
    }

    // htab_lru_map_update_elem and __htab_lru_percpu_map_update_elem (§5.3): the LRU hands out a node before the key
    // is looked up and the flags are checked, and handing it out may evict elements, this very key included.
    private Errno UpdateLru(LruList lru, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags, PerCpuWrite write)
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

        var element = Find(key, out var bucket);
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
            WriteValue(value, element.Value, write, fresh: false);
            if (node is not null)
            {
                lru.PushFree(node);
            }

            return Errno.None;
        }

        if (element is null)
        {
            var added = NewElement(key, value, write);
            LruList.Attach(node!, added);
            InsertAtHead(bucket, added);
            return Errno.None;
        }

        // §5.1, §12.1: a replacement is a new element at the head of the bucket holding the new node, marked
        // referenced, and the old element unlinked with its node freed; reusing the element object for the new one
        // is not observable.
        var replacedNode = element.LruNode!;
        MoveToHead(element);
        WriteValue(value, element.Value, write, fresh: true);
        LruList.Attach(node!, element);
        LruList.SetReferenced(node!);
        lru.PushFree(replacedNode);
        return Errno.None;
    }

    // htab_lru_map_delete_node: eviction unlinks the element from its bucket, if it is still linked.
    private bool DeleteEvicted(HashElement element)
    {
        if (!element.IsLinked)
        {
            return false;
        }

        Unlink(element);
        Recycle(element);
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

/// <summary>
/// One hash element (<c>struct htab_elem</c>): its key and value bytes (one padded slot per CPU for per-CPU maps),
/// side by side in a page shared with the elements made before and after it, and its links in its bucket's chain, or in
/// the map's free list when it is not in the table. Compared by identity.
/// </summary>
/// <remarks>
/// Keeping the bytes of many elements in one page, rather than two arrays per element, keeps a walk over the map's
/// buckets (get-next-key, the batch commands) within a few cache lines per element.
/// </remarks>
internal sealed class HashElement(byte[] page, int offset, int keySize, int valueSize)
{
    /// <summary>The key bytes.</summary>
    public Span<byte> Key => page.AsSpan(offset, keySize);

    /// <summary>The value bytes, as user space lays them out.</summary>
    public Span<byte> Value => page.AsSpan(offset + keySize, valueSize);

    /// <summary>The bucket whose chain holds the element.</summary>
    public uint Bucket { get; set; }

    /// <summary>Whether the element is in the table (an evicted element may be asked for again, §12).</summary>
    public bool IsLinked { get; set; }

    /// <summary>The element before this one in its chain (nearer the head), or null at the head.</summary>
    public HashElement? Previous { get; set; }

    /// <summary>The element after this one in its chain, or the next free element.</summary>
    public HashElement? Next { get; set; }

    /// <summary>The LRU node holding the element (LRU types only).</summary>
    public LruNode? LruNode { get; set; }
}
