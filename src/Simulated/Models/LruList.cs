using BpfMaps.Simulated.Rules;

namespace BpfMaps.Simulated.Models;

/// <summary>
/// The LRU of LRU_HASH and LRU_PERCPU_HASH (<c>bpf_lru_list.c</c>) as seen by a process pinned to CPU 0, the case
/// the reference verified exactly (§12.1): active and inactive lists with reference bits, a rotation cursor, and the
/// free nodes. With the common LRU, CPU 0 also has a local free list and a pending list of new nodes, and refills
/// its local free list in bursts of <c>target_free</c> nodes, evicting the least recently used elements when the
/// global free list runs short. With BPF_F_NO_COMMON_LRU, CPU 0 owns max_entries / ncpus nodes and evicts up to
/// 4 at a time (§12.2).
/// </summary>
/// <remarks>
/// Free nodes carry nothing, so free lists are counts; the other lists are circular doubly linked lists with a
/// sentinel, as the kernel's, because the rotation cursor can rest on the sentinel.
/// </remarks>
internal sealed class LruList
{
    // LOCAL_FREE_TARGET and LOCAL_NR_SCANS of the common LRU; PERCPU_FREE_TARGET and PERCPU_NR_SCANS of the per-CPU LRU.
    private const int LocalFreeTarget = 128;
    private const int PerCpuFreeTarget = 4;

    private readonly Func<HashElement, bool> _deleteFromHash;
    private readonly bool _perCpuLists;
    private readonly int _scans;
    private readonly int _targetFree;
    private readonly uint _nodes;
    private readonly LruNode _active = LruNode.Sentinel();
    private readonly LruNode _inactive = LruNode.Sentinel();
    private readonly LruNode _pending = LruNode.Sentinel();
    private LruNode _nextInactiveRotation;
    private int _activeCount;
    private int _inactiveCount;
    private uint _globalFree;
    private uint _localFree;

    /// <summary>Creates the LRU of a map with <paramref name="maxEntries"/> preallocated elements, all free.</summary>
    /// <param name="deleteFromHash">Unlinks an evicted element from the hash table (<c>htab_lru_map_delete_node</c>).</param>
    /// <param name="perCpuLists">BPF_F_NO_COMMON_LRU.</param>
    /// <param name="maxEntries">The effective max_entries (a multiple of ncpus with per-CPU lists, §3.1).</param>
    /// <param name="possibleCpus">num_possible_cpus().</param>
    public LruList(Func<HashElement, bool> deleteFromHash, bool perCpuLists, uint maxEntries, int possibleCpus)
    {
        _deleteFromHash = deleteFromHash;
        _perCpuLists = perCpuLists;
        _nodes = perCpuLists ? maxEntries / (uint)possibleCpus : maxEntries;
        _scans = perCpuLists ? PerCpuFreeTarget : LocalFreeTarget;

        // §12.1: target_free = clamp((max_entries / ncpus) / 2, 1, 128).
        _targetFree = (int)Math.Clamp(maxEntries / (uint)possibleCpus / 2, 1, LocalFreeTarget);
        _nextInactiveRotation = _inactive;
        Reset();
    }

    /// <summary>
    /// bpf_lru_pop_free: a node for a new element, evicting elements if the free nodes ran out. The node is returned
    /// unattached; <see cref="Attach"/> gives it its element.
    /// </summary>
    public LruNode? PopFree() => _perCpuLists ? PerCpuPopFree() : CommonPopFree();

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
            // A node still pending on CPU 0 goes back to CPU 0's local free list.
            node.Unlink();
            _localFree++;
            return;
        }

        RemoveFromGlobalList(node);
        _globalFree++;
    }

    /// <summary>Every node free again: the map's last handle was closed.</summary>
    public void Reset()
    {
        foreach (var sentinel in new[] { _active, _inactive, _pending })
        {
            sentinel.Next = sentinel;
            sentinel.Prev = sentinel;
        }

        _nextInactiveRotation = _inactive;
        _activeCount = 0;
        _inactiveCount = 0;
        _globalFree = _nodes;
        _localFree = 0;
    }

    // bpf_common_lru_pop_free on CPU 0. Stealing from other CPUs' local lists is left out: only CPU 0 ever holds
    // local nodes here, and after pop_free_to_local flushed CPU 0's pending nodes into the global lists, shrinking
    // them always yields a node.
    private LruNode? CommonPopFree()
    {
        if (_localFree == 0)
        {
            PopFreeToLocal();
        }

        if (_localFree == 0)
        {
            return null;
        }

        _localFree--;
        var node = new LruNode { Kind = LruListKind.Pending };
        node.InsertAfter(_pending);
        return node;
    }

    // bpf_lru_list_pop_free_to_local: flush the pending nodes, rotate, then move up to target_free free nodes to the
    // local free list, evicting the rest of target_free from the inactive tail.
    private void PopFreeToLocal()
    {
        FlushPending();
        Rotate();
        var taken = (int)Math.Min(_globalFree, (uint)_targetFree);
        _globalFree -= (uint)taken;
        _localFree += (uint)taken;
        if (taken < _targetFree)
        {
            _localFree += (uint)Shrink(_targetFree - taken);
        }
    }

    // bpf_percpu_lru_pop_free: rotate; if no node is free, evict up to PERCPU_FREE_TARGET; new nodes start inactive.
    private LruNode? PerCpuPopFree()
    {
        Rotate();
        if (_globalFree == 0)
        {
            _globalFree += (uint)Shrink(PerCpuFreeTarget);
        }

        if (_globalFree == 0)
        {
            return null;
        }

        _globalFree--;
        var node = new LruNode { Kind = LruListKind.Inactive };
        node.InsertAfter(_inactive);
        _inactiveCount++;
        return node;
    }

    // __local_list_flush: pending nodes, oldest first, to the head of the active (referenced) or inactive list.
    private void FlushPending()
    {
        for (var node = _pending.Prev; node != _pending;)
        {
            var older = node.Prev;
            node.Unlink();
            var target = node.Referenced ? LruListKind.Active : LruListKind.Inactive;
            node.Kind = target;
            node.Referenced = false;
            node.InsertAfter(Head(target));
            Count(target, +1);
            node = older;
        }
    }

    // __bpf_lru_list_rotate: the active list only when the inactive list is the shorter one; the inactive list always.
    private void Rotate()
    {
        if (_inactiveCount < _activeCount)
        {
            RotateActive();
        }

        RotateInactive();
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
            if (++scanned == _scans || node == first)
            {
                break;
            }

            node = previous;
        }
    }

    // __bpf_lru_list_rotate_inactive: from the rotation cursor towards the head, wrapping round, move referenced nodes
    // to the active list; at most nr_scans nodes, once round; the cursor stays where the scan stopped.
    private void RotateInactive()
    {
        if (_inactive.Next == _inactive)
        {
            return;
        }

        var last = _nextInactiveRotation.Next;
        if (last == _inactive)
        {
            last = last.Next;
        }

        var current = _nextInactiveRotation;
        var next = _inactive;
        var scanned = 0;
        while (scanned < _scans)
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

    // __bpf_lru_list_shrink: evict unreferenced nodes from the inactive tail; if none, force out the oldest node of
    // the inactive (else active) list whatever its reference bit. Returns the number of nodes freed.
    private int Shrink(int wanted)
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

            if (++scanned == _scans)
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
        if (node.Element is not { } element || !_deleteFromHash(element))
        {
            return false;
        }

        node.Element = null;
        RemoveFromGlobalList(node);
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

    private void RemoveFromGlobalList(LruNode node)
    {
        if (node == _nextInactiveRotation)
        {
            _nextInactiveRotation = node.Prev;
        }

        Count(node.Kind, -1);
        node.Unlink();
        node.Kind = LruListKind.Free;
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

/// <summary>The list an LRU node is on.</summary>
internal enum LruListKind
{
    /// <summary>Free (counted, not linked), or a list sentinel.</summary>
    Free,

    /// <summary>The global active list.</summary>
    Active,

    /// <summary>The global inactive list.</summary>
    Inactive,

    /// <summary>CPU 0's pending list (common LRU only).</summary>
    Pending,
}

/// <summary>A <c>bpf_lru_node</c>: a list link, the list it is on, its reference bit and the element it holds.</summary>
internal sealed class LruNode
{
    public LruNode Prev { get; set; } = null!;

    public LruNode Next { get; set; } = null!;

    public LruListKind Kind { get; set; }

    public bool Referenced { get; set; }

    public HashElement? Element { get; set; }

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
