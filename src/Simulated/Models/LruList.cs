using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// The LRU of LRU_HASH and LRU_PERCPU_HASH (<c>bpf_lru_list.c</c>), for commands that each run on a given CPU. The
/// reference verified it exactly for a process pinned to one CPU (§12.1); with several CPUs it follows the same source.
/// </summary>
/// <remarks>
/// <para>Common LRU: one global list set (active and inactive lists with reference bits, a rotation cursor, the free
/// nodes), and per CPU a local free list and a pending list of new nodes. A CPU refills its local free list in bursts
/// of <c>target_free</c> nodes, evicting the least recently used elements when the global free list runs short, and
/// steals free or pending nodes from the CPUs' local lists (its own first) when even that yields nothing.</para>
/// <para>BPF_F_NO_COMMON_LRU: each CPU owns a list set of max_entries / ncpus nodes and evicts up to 4 of its own
/// elements at a time (§12.2).</para>
/// <para>Free nodes carry nothing, so free lists are counts; the other lists are circular doubly linked lists with a
/// sentinel, as the kernel's, because the rotation cursor can rest on the sentinel. The node objects of free nodes
/// are kept in a pool, so that in steady state handing nodes out and back allocates nothing, as the kernel's
/// preallocated nodes.</para>
/// </remarks>
internal sealed class LruList
{
    // LOCAL_NR_SCANS of the common LRU; PERCPU_FREE_TARGET and PERCPU_NR_SCANS of the per-CPU LRU.
    private const int LocalNrScans = KernelLimits.LruLocalFreeTarget;
    private const int PerCpuFreeTarget = 4;

    private readonly bool _perCpuLists;
    private readonly int _targetFree;
    private readonly uint _nodesPerSet;
    private readonly ListSet[] _sets;
    private readonly LocalList[] _locals;
    private readonly Stack<LruNode> _pool = new();

    /// <summary>Creates the LRU of a map with <paramref name="maxEntries"/> preallocated elements, all free.</summary>
    /// <param name="deleteFromHash">Unlinks an evicted element from the hash table (<c>htab_lru_map_delete_node</c>).</param>
    /// <param name="perCpuLists">BPF_F_NO_COMMON_LRU.</param>
    /// <param name="maxEntries">The effective max_entries (a multiple of ncpus with per-CPU lists, §3.1).</param>
    /// <param name="possibleCpus">num_possible_cpus().</param>
    /// <param name="targetFree">How many nodes the common LRU moves to a CPU's free list at once (<see cref="Rules.KernelRules.LruTargetFree"/>).</param>
    public LruList(Func<HashElement, bool> deleteFromHash, bool perCpuLists, uint maxEntries, int possibleCpus, int targetFree)
    {
        _perCpuLists = perCpuLists;

        // §12.2: each CPU's list gets max_entries / ncpus nodes; §12.1: the common list gets them all.
        _nodesPerSet = perCpuLists ? maxEntries / (uint)possibleCpus : maxEntries;
        var scans = perCpuLists ? PerCpuFreeTarget : LocalNrScans;
        _sets = [.. Enumerable.Range(0, perCpuLists ? possibleCpus : 1).Select(_ => new ListSet(deleteFromHash, scans, _pool))];
        _locals = [.. Enumerable.Range(0, perCpuLists ? 0 : possibleCpus).Select(cpu => new LocalList(cpu, _pool))];
        _targetFree = targetFree;
        Reset();
    }

    /// <summary>
    /// bpf_lru_pop_free on <paramref name="cpu"/>: a node for a new element, evicting elements if the free nodes ran
    /// out. The node is returned unattached; <see cref="Attach"/> gives it its element.
    /// </summary>
    public LruNode? PopFree(int cpu) => _perCpuLists ? PerCpuPopFree(cpu) : CommonPopFree(cpu);

    /// <summary>Gives a popped node its element.</summary>
    public static void Attach(LruNode node, HashElement element)
    {
        node.Element = element;
        element.LruNode = node;
    }

    /// <summary>bpf_lru_node_set_ref: the element was replaced or updated in place, which protects it from the next eviction.</summary>
    public static void SetReferenced(LruNode node) => node.Referenced = true;

    /// <summary>bpf_lru_push_free: the node's element left the hash table (delete, replace, failed update).</summary>
    public void PushFree(LruNode node)
    {
        node.Element = null;
        if (node.Kind == LruListKind.Pending)
        {
            // A pending node goes back to the local free list of the CPU it is pending on.
            node.Unlink();
            _locals[node.Cpu].Free++;
        }
        else
        {
            var set = SetOf(node);
            set.RemoveFromList(node);
            set.Free++;
        }

        LruNode.Return(_pool, node);
    }

    /// <summary>Every node free again: the map's last handle was closed.</summary>
    public void Reset()
    {
        foreach (var set in _sets)
        {
            set.Reset(_nodesPerSet);
        }

        foreach (var local in _locals)
        {
            local.Reset();
        }

        _pool.Clear();
    }

    private ListSet SetOf(LruNode node) => _perCpuLists ? _sets[node.Cpu] : _sets[0];

    // bpf_common_lru_pop_free.
    private LruNode? CommonPopFree(int cpu)
    {
        var local = _locals[cpu];
        if (local.Free == 0)
        {
            PopFreeToLocal(local);
        }

        if (local.Free > 0)
        {
            local.Free--;
            return local.AddPending();
        }

        // No free node locally nor globally: steal a free node, else the oldest pending element, from the CPUs' local
        // lists round robin, starting at this CPU's next_steal.
        var first = local.NextSteal;
        var steal = first;
        var stolen = false;
        do
        {
            var victim = _locals[steal];
            if (victim.Free > 0)
            {
                victim.Free--;
                stolen = true;
            }
            else
            {
                stolen = victim.PopPending(_sets[0]);
            }

            steal = (steal + 1) % _locals.Length;
        }
        while (!stolen && steal != first);

        local.NextSteal = steal;
        return stolen ? local.AddPending() : null;
    }

    // bpf_lru_list_pop_free_to_local: flush this CPU's pending nodes, rotate, then move up to target_free free nodes
    // to its local free list, evicting the rest of target_free from the inactive tail.
    private void PopFreeToLocal(LocalList local)
    {
        var global = _sets[0];
        local.FlushInto(global);
        global.Rotate();
        var taken = (int)Math.Min(global.Free, (uint)_targetFree);
        global.Free -= (uint)taken;
        local.Free += (uint)taken;
        if (taken < _targetFree)
        {
            local.Free += (uint)global.Shrink(_targetFree - taken);
        }
    }

    // bpf_percpu_lru_pop_free: rotate this CPU's lists; if no node is free, evict up to PERCPU_FREE_TARGET; new nodes
    // start inactive.
    private LruNode? PerCpuPopFree(int cpu)
    {
        var set = _sets[cpu];
        set.Rotate();
        if (set.Free == 0)
        {
            set.Free += (uint)set.Shrink(PerCpuFreeTarget);
        }

        if (set.Free == 0)
        {
            return null;
        }

        set.Free--;
        return set.AddInactive(cpu);
    }

    /// <summary>A CPU's local lists of the common LRU: free nodes (a count), pending nodes, and where to steal next.</summary>
    private sealed class LocalList(int cpu, Stack<LruNode> pool)
    {
        private readonly LruNode _pending = LruNode.Sentinel();

        public uint Free { get; set; }

        public int NextSteal { get; set; }

        public void Reset()
        {
            _pending.Next = _pending;
            _pending.Prev = _pending;
            Free = 0;
            NextSteal = cpu;
        }

        // __local_list_add_pending: a new node at the head of the pending list, reference bit clear.
        public LruNode AddPending()
        {
            var node = LruNode.Rent(pool, LruListKind.Pending, cpu);
            node.InsertAfter(_pending);
            return node;
        }

        // __local_list_flush: pending nodes, oldest first, to the head of the active (referenced) or inactive list.
        public void FlushInto(ListSet global)
        {
            for (var node = _pending.Prev; node != _pending;)
            {
                var older = node.Prev;
                node.Unlink();
                global.AddFlushed(node);
                node = older;
            }
        }

        // __local_list_pop_pending: from the tail (oldest), the first unreferenced node whose element can be deleted;
        // failing that, the first whose element can be deleted whatever its reference bit.
        public bool PopPending(ListSet global)
        {
            for (var force = 0; force < 2; force++)
            {
                for (var node = _pending.Prev; node != _pending; node = node.Prev)
                {
                    if ((!node.Referenced || force == 1) && global.DeleteElement(node))
                    {
                        node.Unlink();
                        LruNode.Return(pool, node);
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>A <c>bpf_lru_list</c>: active and inactive lists, the free nodes (a count) and the rotation cursor.</summary>
    private sealed class ListSet(Func<HashElement, bool> deleteFromHash, int scans, Stack<LruNode> pool)
    {
        private readonly LruNode _active = LruNode.Sentinel();
        private readonly LruNode _inactive = LruNode.Sentinel();
        private LruNode? _nextInactiveRotation;
        private int _activeCount;
        private int _inactiveCount;

        public uint Free { get; set; }

        public void Reset(uint nodes)
        {
            _active.Next = _active;
            _active.Prev = _active;
            _inactive.Next = _inactive;
            _inactive.Prev = _inactive;

            _nextInactiveRotation = _inactive;
            _activeCount = 0;
            _inactiveCount = 0;
            Free = nodes;
        }

        // A flushed pending node: to the active list if referenced, else the inactive list; the bit is cleared.
        public void AddFlushed(LruNode node)
        {
            var target = node.Referenced ? LruListKind.Active : LruListKind.Inactive;
            node.Kind = target;
            node.Referenced = false;
            node.InsertAfter(Head(target));
            Count(target, +1);
        }

        // A new node of the per-CPU LRU, at the head of the inactive list.
        public LruNode AddInactive(int cpu)
        {
            var node = LruNode.Rent(pool, LruListKind.Inactive, cpu);
            node.InsertAfter(_inactive);
            _inactiveCount++;
            return node;
        }

        // __bpf_lru_list_rotate: the active list only when the inactive list is the shorter one; the inactive list always.
        public void Rotate()
        {
            if (_inactiveCount < _activeCount)
            {
                RotateActive();
            }

            RotateInactive();
        }

        // __bpf_lru_list_shrink: evict unreferenced nodes from the inactive tail; if none, force out the oldest node of
        // the inactive (else active) list whatever its reference bit. Returns the number of nodes freed.
        public int Shrink(int wanted)
        {
            var freed = ShrinkInactive(wanted);
            if (freed > 0)
            {
                return freed;
            }

            var forced = _inactive.Next != _inactive ? _inactive : _active;
            for (var node = forced.Prev; node != forced; node = node.Prev)
            {
                if (Evict(node))
                {
                    return 1;
                }
            }

            return 0;
        }

        // del_from_htab for a node that is not on these lists (a pending node being stolen).
        public bool DeleteElement(LruNode node)
        {
            if (node.Element is not { } element || !deleteFromHash(element))
            {
                return false;
            }

            node.Element = null;
            return true;
        }

        public void RemoveFromList(LruNode node)
        {
            if (node == _nextInactiveRotation)
            {
                _nextInactiveRotation = node.Prev;
            }

            Count(node.Kind, -1);
            node.Unlink();
            node.Kind = LruListKind.Free;
        }

        // __bpf_lru_list_rotate_active: from the tail, referenced nodes back to the active head, others to the inactive
        // head, at most nr_scans nodes and not past the node that was first.
        private void RotateActive()
        {
            var first = _active.Next;
            var scanned = 0;
            for (var node = _active.Prev; node != _active;)
            {
                var previous = node.Prev;
                Move(node, node.Referenced ? LruListKind.Active : LruListKind.Inactive);
                if (++scanned == scans || node == first)
                {
                    break;
                }

                node = previous;
            }
        }

        // __bpf_lru_list_rotate_inactive: from the rotation cursor towards the head, wrapping round, move referenced
        // nodes to the active list; at most nr_scans nodes, once round; the cursor stays where the scan stopped.
        private void RotateInactive()
        {
            if (_inactive.Next == _inactive)
            {
                return;
            }

            var last = _nextInactiveRotation!.Next;
            if (last == _inactive)
            {
                last = last.Next;
            }

            var current = _nextInactiveRotation;
            var next = _inactive;
            var scanned = 0;
            while (scanned < scans)
            {
                if (current == _inactive)
                {
                    current = current.Prev;
                    continue;
                }

                next = current.Prev;
                if (current.Referenced)
                {
                    Move(current, LruListKind.Active);
                }

                if (current == last)
                {
                    break;
                }

                current = next;
                scanned++;
            }

            _nextInactiveRotation = next;
        }

        // __bpf_lru_list_shrink_inactive.
        private int ShrinkInactive(int wanted)
        {
            var freed = 0;
            var scanned = 0;
            for (var node = _inactive.Prev; node != _inactive;)
            {
                var previous = node.Prev;
                if (node.Referenced)
                {
                    Move(node, LruListKind.Active);
                }
                else if (Evict(node) && ++freed == wanted)
                {
                    break;
                }

                if (++scanned == scans)
                {
                    break;
                }

                node = previous;
            }

            return freed;
        }

        // del_from_htab, then __bpf_lru_node_move_to_free: the element leaves the hash table and its node becomes free
        // (the caller counts it on the free list it fills).
        private bool Evict(LruNode node)
        {
            if (!DeleteElement(node))
            {
                return false;
            }

            RemoveFromList(node);
            LruNode.Return(pool, node);
            return true;
        }

        // __bpf_lru_node_move: to the head of the target list, reference bit cleared.
        private void Move(LruNode node, LruListKind target)
        {
            if (node == _nextInactiveRotation)
            {
                _nextInactiveRotation = node.Prev;
            }

            Count(node.Kind, -1);
            node.Unlink();
            node.Kind = target;
            node.Referenced = false;
            node.InsertAfter(Head(target));
            Count(target, +1);
        }

        private LruNode Head(LruListKind kind) => kind == LruListKind.Active ? _active : _inactive;

        private void Count(LruListKind kind, int delta)
        {
            if (kind == LruListKind.Active)
            {
                _activeCount += delta;
            }
            else if (kind == LruListKind.Inactive)
            {
                _inactiveCount += delta;
            }
        }
    }
}

/// <summary>The list an LRU node is on.</summary>
internal enum LruListKind
{
    /// <summary>Free (counted, not linked), or a list sentinel.</summary>
    Free,

    /// <summary>An active list.</summary>
    Active,

    /// <summary>An inactive list.</summary>
    Inactive,

    /// <summary>A CPU's pending list (common LRU only).</summary>
    Pending,
}

/// <summary>
/// A <c>bpf_lru_node</c>: a list link, the list it is on, the CPU whose list holds it (pending list, or per-CPU list
/// set), its reference bit and the element it holds.
/// </summary>
internal sealed class LruNode
{
    public LruNode Prev { get; set; } = null!;

    public LruNode Next { get; set; } = null!;

    public LruListKind Kind { get; set; }

    public int Cpu { get; set; }

    public bool Referenced { get; set; }

    public HashElement? Element { get; set; }

    /// <summary>A node for a list, from <paramref name="pool"/> when it has one: unlinked, unreferenced, without element.</summary>
    public static LruNode Rent(Stack<LruNode> pool, LruListKind kind, int cpu)
    {
        var node = pool.TryPop(out var pooled) ? pooled : new LruNode();
        node.Kind = kind;
        node.Cpu = cpu;
        node.Referenced = false;
        node.Element = null;
        return node;
    }

    /// <summary>A node that became free (its count is on a free list) goes back to <paramref name="pool"/>.</summary>
    public static void Return(Stack<LruNode> pool, LruNode node)
    {
        node.Element = null;
        node.Kind = LruListKind.Free;
        pool.Push(node);
    }

    /// <summary>A list head that links to itself.</summary>
    public static LruNode Sentinel()
    {
        var sentinel = new LruNode();
        sentinel.Prev = sentinel;
        sentinel.Next = sentinel;
        return sentinel;
    }

    /// <summary>list_add: links this node right after <paramref name="head"/> (at the head of its list).</summary>
    public void InsertAfter(LruNode head)
    {
        Prev = head;
        Next = head.Next;
        head.Next.Prev = this;
        head.Next = this;
    }

    /// <summary>list_del.</summary>
    public void Unlink()
    {
        Prev.Next = Next;
        Next.Prev = Prev;
        Prev = this;
        Next = this;
    }
}
