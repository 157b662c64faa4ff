namespace BpfMaps.Conformance;

/// <summary>
/// What an LRU map holds after a sequence of updates from one CPU, as reference §12.1 (common LRU) and §12.2
/// (BPF_F_NO_COMMON_LRU) describe it, with the update rules of §5.3: the update takes a free node before it looks the
/// key up, a failing update gives its node back, replacing an element marks it referenced, and a referenced element
/// survives the next bursts. Cases compute their expected counts and survivors with it from the backend's CPU count.
/// </summary>
/// <remarks>
/// Common LRU: <c>G</c> global free nodes, <c>L</c> free nodes local to the CPU, and the live keys oldest first. A key
/// written since the last refill is pending: its node returns to <c>L</c> when it leaves, any other to <c>G</c>. A refill
/// (when <c>L</c> is 0) takes <c>min(G, target_free)</c> nodes and evicts the oldest unreferenced keys for the rest;
/// pending keys stop being pending, and referenced ones become protected. Per-CPU lists: each CPU owns
/// <c>max_entries / ncpus</c> nodes and evicts up to 4 of its own oldest keys when it has no free node. The model
/// refuses sequences it does not cover (eviction reaching protected keys, more than one CPU on the common LRU).
/// </remarks>
public sealed class LruReference
{
    private const int MaxTargetFree = 128;
    private const int PerCpuFreeTarget = 4;

    private readonly bool _perCpuValues;
    private readonly bool _perCpuLists;
    private readonly List<Entry> _live = [];
    private readonly uint[] _free;
    private uint _local;

    /// <summary>Creates the model of an empty map.</summary>
    /// <param name="type">LRU_HASH or LRU_PERCPU_HASH.</param>
    /// <param name="maxEntries">max_entries as requested.</param>
    /// <param name="cpus">The possible CPUs of the backend under test.</param>
    /// <param name="noCommonLru">BPF_F_NO_COMMON_LRU.</param>
    /// <param name="scaledTargetFree">
    /// Whether <c>target_free</c> scales with max_entries (<see cref="KernelChanges.LruTargetFreeScales"/>); before, it was
    /// always 128.
    /// </param>
    public LruReference(BpfMapType type, uint maxEntries, int cpus, bool noCommonLru = false, bool scaledTargetFree = true)
    {
        if (!type.IsLru())
        {
            throw new ArgumentException($"{type} is not an LRU type.", nameof(type));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(cpus, 1);
        _perCpuValues = type == BpfMapType.LruPerCpuHash;
        _perCpuLists = noCommonLru;
        MaxEntries = noCommonLru ? RoundUpToCpus(maxEntries, cpus) : maxEntries;
        TargetFree = TargetFreeOf(MaxEntries, cpus, scaledTargetFree);
        _free = noCommonLru ? [.. Enumerable.Repeat(MaxEntries / (uint)cpus, cpus)] : [MaxEntries];
    }

    /// <summary>The effective max_entries (§3.1: rounded up to a multiple of the CPUs for per-CPU lists).</summary>
    public uint MaxEntries { get; }

    /// <summary>§12.1: <c>clamp((max_entries / ncpus) / 2, 1, 128)</c>, or 128 where it does not scale.</summary>
    public int TargetFree { get; }

    /// <summary>How many keys the map holds.</summary>
    public int Count => _live.Count;

    /// <summary>The keys the map holds, oldest first.</summary>
    public IEnumerable<uint> Keys => _live.Select(e => e.Key);

    /// <summary>The model of an empty map of <paramref name="type"/> on the backend of <paramref name="ctx"/>: its CPUs and its kernel's <c>target_free</c>.</summary>
    public static LruReference For(ConformanceContext ctx, BpfMapType type, uint maxEntries, bool noCommonLru = false)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return new(type, maxEntries, ctx.Cpus, noCommonLru, ctx.Since(KernelChanges.LruTargetFreeScales));
    }

    /// <summary>§12.1: <c>target_free</c> of a common LRU map: <c>clamp((max_entries / ncpus) / 2, 1, 128)</c>, or 128 where it does not scale.</summary>
    public static int TargetFreeOf(uint maxEntries, int cpus, bool scaled = true) =>
        scaled ? (int)Math.Clamp(maxEntries / (uint)cpus / 2, 1, MaxTargetFree) : MaxTargetFree;

    /// <summary>§3.1: BPF_F_NO_COMMON_LRU rounds max_entries up to a multiple of ncpus (down if that overflows).</summary>
    public static uint RoundUpToCpus(uint maxEntries, int cpus)
    {
        var n = (ulong)cpus;
        var up = (maxEntries + n - 1) / n * n;
        return up <= uint.MaxValue ? (uint)up : (uint)(maxEntries / n * n);
    }

    /// <summary>Whether the map holds <paramref name="key"/>.</summary>
    public bool Contains(uint key) => Find(key) is not null;

    /// <summary>
    /// An UPDATE_ELEM of <paramref name="key"/> with <paramref name="flags"/> from <paramref name="cpu"/> (§5.3): the
    /// errno the kernel gives, with the evictions it causes.
    /// </summary>
    public Errno Update(uint key, BpfElementFlags flags, int cpu = 0)
    {
        // §5.3: LRU_PERCPU_HASH skips the node grab when flags are exactly BPF_EXIST.
        var grab = !(_perCpuValues && flags == BpfElementFlags.Exist);
        if (grab)
        {
            Pop(cpu);
        }

        var existing = Find(key);
        var errno = (flags, existing) switch
        {
            (BpfElementFlags.NoExist, not null) => Errno.EEXIST,
            (BpfElementFlags.Exist, null) => Errno.ENOENT,
            _ => Errno.None,
        };
        if (errno != Errno.None || (existing is not null && _perCpuValues))
        {
            // The node taken goes back; an in-place per-CPU update marks the element referenced.
            if (grab)
            {
                GiveBack(cpu);
            }

            if (errno == Errno.None)
            {
                existing!.Referenced = true;
            }

            return errno;
        }

        if (existing is not null)
        {
            // §5.1, §12.1: LRU_HASH replaces with a new, referenced element; the old one's node is freed.
            Remove(existing);
        }

        _live.Add(new Entry(key, cpu) { Pending = !_perCpuLists, Referenced = existing is not null });
        return Errno.None;
    }

    /// <summary>A DELETE_ELEM (or LOOKUP_AND_DELETE_ELEM) of a key the map holds: its node is freed.</summary>
    public void Delete(uint key) => Remove(Find(key) ?? throw new InvalidOperationException($"Key {key} is not in the map."));

    private Entry? Find(uint key) => _live.Find(e => e.Key == key);

    private void Remove(Entry entry)
    {
        _live.Remove(entry);
        if (entry.Pending)
        {
            _local++;
        }
        else
        {
            _free[_perCpuLists ? entry.Cpu : 0]++;
        }
    }

    private void GiveBack(int cpu)
    {
        if (_perCpuLists)
        {
            _free[cpu]++;
        }
        else
        {
            _local++;
        }
    }

    // bpf_lru_pop_free from one CPU.
    private void Pop(int cpu)
    {
        if (_perCpuLists)
        {
            if (_free[cpu] == 0)
            {
                _free[cpu] += (uint)Evict(PerCpuFreeTarget, e => e.Cpu == cpu, PerCpuFreeTarget);
            }

            _free[cpu]--;
            return;
        }

        if (cpu != 0 && _live.Any(e => e.Cpu != cpu))
        {
            throw new InvalidOperationException("The common-LRU model covers one CPU only.");
        }

        if (_local == 0)
        {
            // Flush: pending keys join the global lists, referenced ones protected.
            foreach (var entry in _live.Where(e => e.Pending))
            {
                entry.Pending = false;
                entry.Protected |= entry.Referenced;
                entry.Referenced = false;
            }

            var taken = Math.Min(_free[0], (uint)TargetFree);
            _free[0] -= taken;
            _local = taken + (taken < TargetFree ? (uint)Evict(TargetFree - (int)taken, _ => true, MaxTargetFree) : 0);
        }

        _local--;
    }

    // __bpf_lru_list_shrink_inactive: from the oldest key, a referenced one becomes protected (moves to the active
    // list), an unreferenced one is evicted; at most `scans` nodes. Protected keys are not on the inactive list.
    private int Evict(int wanted, Func<Entry, bool> mine, int scans)
    {
        var candidates = _live.Where(mine).ToList();
        if (candidates.Count == 0)
        {
            // Nothing is on the LRU lists yet (a first refill short of target_free): nothing to evict.
            return 0;
        }

        if (candidates.Count(e => e.Protected) * 2 >= candidates.Count)
        {
            // The kernel would rotate active keys back to the inactive list.
            throw new InvalidOperationException("The LRU model does not cover an active list as long as the inactive one.");
        }

        var evicted = 0;
        var scanned = 0;
        var referenced = 0;
        foreach (var entry in candidates.Where(e => !e.Protected))
        {
            if (evicted == wanted || scanned == scans)
            {
                break;
            }

            scanned++;
            if (entry.Referenced)
            {
                entry.Referenced = false;
                entry.Protected = true;
                referenced++;
                continue;
            }

            _live.Remove(entry);
            evicted++;
        }

        if (evicted == 0 || (referenced > 0 && scanned == scans))
        {
            // Forced eviction, or a scan limit that the rotation before the shrink may have moved.
            throw new InvalidOperationException("The LRU model does not cover this burst.");
        }

        return evicted;
    }

    private sealed class Entry(uint key, int cpu)
    {
        public uint Key { get; } = key;

        public int Cpu { get; } = cpu;

        public bool Pending { get; set; }

        public bool Referenced { get; set; }

        public bool Protected { get; set; }
    }
}
