namespace BpfMaps.Conformance.Cases;

/// <summary>
/// What wins when an element command has several problems (reference §1.4), for the steps reachable through the
/// contract: flag bits, the handle's access mode (created RDONLY/WRONLY, or frozen), NULL key and value buffers, and
/// the map's own logic. Every case also checks that the map is unchanged.
/// </summary>
internal static class CheckOrderCases
{
    private delegate Errno Call(IBpfMapBackend backend, BpfMapHandle map);

    private enum Handle
    {
        ReadWrite,
        ReadOnly,
        WriteOnly,
        Frozen,
    }

    private static readonly BpfElementFlags Three = (BpfElementFlags)3;
    private static readonly BpfElementFlags One = (BpfElementFlags)1;

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Maps.CoreTypes)
        {
            foreach (var (condition, handle, call, expected) in Rows(type))
            {
                yield return Changed(type, condition) is var (change, before, since)
                    ? new ConformanceCase($"check-order/{Maps.Slug(type)}/{condition}-{Elements.Outcomes(change, before, since)}", "§1.4",
                        ctx => Run(ctx, type, handle, call, ctx.Pick(change, before, since)))
                    : new ConformanceCase($"check-order/{Maps.Slug(type)}/{condition}-{Elements.Outcome(expected)}", "§1.4",
                        ctx => Run(ctx, type, handle, call, expected));
            }
        }
    }

    /// <summary>
    /// The rows whose answer changed between the kernels of the matrix: the change, the answer before it and since
    /// (the rows themselves give 6.18's).
    /// </summary>
    private static (KernelChange Change, Errno Before, Errno Since)? Changed(BpfMapType type, string condition) => condition switch
    {
        // LOOKUP_AND_DELETE_ELEM had no flags field: BPF_F_LOCK was a stray attr byte, refused before the handle.
        "lookup-and-delete-through-an-rdonly-handle-with-f-lock" => (KernelChanges.HashLookupAndDelete, Errno.EINVAL, Errno.EPERM),

        // bpf_map_check_op_flags: LOOKUP_ELEM's flags after the permission check; upper bits without BPF_F_CPU
        // before the value is copied; the per-CPU updates take low flags up to BPF_F_ALL_CPUS (3 as BPF_ANY, 8 as
        // BPF_F_CPU on CPU 0), so the map's own range and room checks answer.
        "lookup-through-a-wronly-handle-with-flags-3" => (KernelChanges.LookupFlagsAfterPermission, Errno.EINVAL, Errno.EPERM),
        "update-with-a-null-value-and-flags-bit-32" => (KernelChanges.CpuFlags, Errno.EFAULT, Errno.EINVAL),
        "update-with-flags-8-on-an-index-past-the-end" or "update-of-a-full-map-with-flags-3-on-a-new-key" when type.IsPerCpu() =>
            (KernelChanges.CpuFlags, Errno.EINVAL, Errno.E2BIG),
        _ => null,
    };

    private static byte[] Key(BpfMapHandle m, uint id) => Elements.Key(m, id);

    private static byte[] Value(BpfMapHandle m) => new byte[m.Layout.ValueSize];

    private static IEnumerable<(string Condition, Handle Handle, Call Call, Errno Expected)> Rows(BpfMapType type)
    {
        var isArray = type.IsArrayFamily();

        // LOOKUP_ELEM: flag bits, then access, then BPF_F_LOCK, then the key copy, then the map.
        yield return ("lookup-with-flags-3-and-a-null-key", Handle.ReadWrite, (b, m) => b.Lookup(m, [], Value(m), Three), Errno.EINVAL);
        yield return ("lookup-with-f-lock-and-a-null-key", Handle.ReadWrite, (b, m) => b.Lookup(m, [], Value(m), BpfElementFlags.Lock), Errno.EINVAL);
        yield return ("lookup-through-a-wronly-handle-with-flags-3", Handle.WriteOnly, (b, m) => b.Lookup(m, Key(m, 1), Value(m), Three), Errno.EINVAL);
        yield return ("lookup-through-a-wronly-handle-with-f-lock", Handle.WriteOnly, (b, m) => b.Lookup(m, Key(m, 1), Value(m), BpfElementFlags.Lock), Errno.EPERM);
        yield return ("lookup-through-a-wronly-handle-with-a-null-key", Handle.WriteOnly, (b, m) => b.Lookup(m, [], Value(m)), Errno.EPERM);
        yield return ("lookup-with-a-null-key-and-a-null-value", Handle.ReadWrite, (b, m) => b.Lookup(m, [], []), Errno.EFAULT);

        // UPDATE_ELEM: access, then BPF_F_LOCK, then key and value copies, then the map's flag checks.
        yield return ("update-with-a-null-key-and-flags-3", Handle.ReadWrite, (b, m) => b.Update(m, [], Value(m), Three), Errno.EFAULT);
        yield return ("update-with-a-null-value-and-flags-3", Handle.ReadWrite, (b, m) => b.Update(m, Key(m, 1), [], Three), Errno.EFAULT);
        yield return ("update-with-a-null-value-and-flags-bit-32", Handle.ReadWrite, (b, m) => b.Update(m, Key(m, 1), [], (BpfElementFlags)(1UL << 32)), Errno.EFAULT);
        yield return ("update-with-f-lock-and-a-null-key", Handle.ReadWrite, (b, m) => b.Update(m, [], Value(m), BpfElementFlags.Lock), Errno.EINVAL);
        yield return ("update-through-an-rdonly-handle-with-flags-3", Handle.ReadOnly, (b, m) => b.Update(m, Key(m, 1), Value(m), Three), Errno.EPERM);
        yield return ("update-through-an-rdonly-handle-with-f-lock", Handle.ReadOnly, (b, m) => b.Update(m, Key(m, 1), Value(m), BpfElementFlags.Lock), Errno.EPERM);
        yield return ("update-through-an-rdonly-handle-with-a-null-key", Handle.ReadOnly, (b, m) => b.Update(m, [], Value(m)), Errno.EPERM);
        yield return ("update-of-a-frozen-map-with-flags-3", Handle.Frozen, (b, m) => b.Update(m, Key(m, 1), Value(m), Three), Errno.EPERM);
        yield return ("update-of-a-frozen-map-with-a-null-value", Handle.Frozen, (b, m) => b.Update(m, Key(m, 1), []), Errno.EPERM);
        if (isArray)
        {
            yield return ("update-with-f-lock-on-an-index-past-the-end", Handle.ReadWrite, (b, m) => b.Update(m, Data.U32(8), Value(m), BpfElementFlags.Lock), Errno.EINVAL);
            yield return ("update-with-flags-8-on-an-index-past-the-end", Handle.ReadWrite, (b, m) => b.Update(m, Data.U32(8), Value(m), (BpfElementFlags)8), Errno.EINVAL);
            yield return ("update-with-noexist-on-an-index-past-the-end", Handle.ReadWrite, (b, m) => b.Update(m, Data.U32(9), Value(m), BpfElementFlags.NoExist), Errno.E2BIG);
        }
        else
        {
            yield return ("update-of-a-full-map-with-flags-3-on-a-new-key", Handle.ReadWrite, (b, m) => b.Update(m, Key(m, 99), Value(m), Three), Errno.EINVAL);
            yield return ("update-of-a-full-map-with-exist-on-a-new-key", Handle.ReadWrite, (b, m) => b.Update(m, Key(m, 99), Value(m), BpfElementFlags.Exist), Errno.ENOENT);
            yield return ("update-of-a-full-map-with-noexist-on-an-existing-key", Handle.ReadWrite, (b, m) => b.Update(m, Key(m, 1), Value(m), BpfElementFlags.NoExist), Errno.EEXIST);
        }

        // DELETE_ELEM: access, then the key copy, then the map.
        yield return ("delete-through-an-rdonly-handle", Handle.ReadOnly, (b, m) => b.Delete(m, Key(m, 1)), Errno.EPERM);
        yield return ("delete-through-an-rdonly-handle-with-a-null-key", Handle.ReadOnly, (b, m) => b.Delete(m, []), Errno.EPERM);
        yield return ("delete-of-a-frozen-map", Handle.Frozen, (b, m) => b.Delete(m, Key(m, 1)), Errno.EPERM);
        yield return ("delete-of-a-frozen-map-with-a-null-key", Handle.Frozen, (b, m) => b.Delete(m, []), Errno.EPERM);

        // GET_NEXT_KEY: access, then the key copy, then the map, then the next-key copy.
        yield return ("get-next-key-through-a-wronly-handle", Handle.WriteOnly, (b, m) => b.GetNextKey(m, [], new byte[m.Layout.KeySize]), Errno.EPERM);
        yield return ("get-next-key-through-a-wronly-handle-with-a-null-next-key", Handle.WriteOnly, (b, m) => b.GetNextKey(m, Key(m, 1), []), Errno.EPERM);
        yield return ("get-next-key-of-a-frozen-map", Handle.Frozen, (b, m) => b.GetNextKey(m, [], new byte[m.Layout.KeySize]), Errno.None);

        // LOOKUP_AND_DELETE_ELEM: flag bits, then access (read and write), then the key copy, then the map.
        yield return ("lookup-and-delete-with-flags-1-and-a-null-key", Handle.ReadWrite, (b, m) => b.LookupAndDelete(m, [], Value(m), One), Errno.EINVAL);
        yield return ("lookup-and-delete-with-f-lock-and-a-null-key", Handle.ReadWrite, (b, m) => b.LookupAndDelete(m, [], Value(m), BpfElementFlags.Lock), Errno.EINVAL);
        yield return ("lookup-and-delete-through-a-wronly-handle-with-flags-1", Handle.WriteOnly, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m), One), Errno.EINVAL);
        yield return ("lookup-and-delete-through-a-wronly-handle", Handle.WriteOnly, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m)), Errno.EPERM);
        yield return ("lookup-and-delete-through-an-rdonly-handle", Handle.ReadOnly, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m)), Errno.EPERM);
        yield return ("lookup-and-delete-through-an-rdonly-handle-with-f-lock", Handle.ReadOnly, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m), BpfElementFlags.Lock), Errno.EPERM);
        yield return ("lookup-and-delete-of-a-frozen-map", Handle.Frozen, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m)), Errno.EPERM);
        yield return ("lookup-and-delete-of-a-frozen-map-with-a-null-key", Handle.Frozen, (b, m) => b.LookupAndDelete(m, [], Value(m)), Errno.EPERM);
        if (isArray)
        {
            yield return ("lookup-and-delete-with-flags-1-on-an-array", Handle.ReadWrite, (b, m) => b.LookupAndDelete(m, Key(m, 1), Value(m), One), Errno.EINVAL);
            yield return ("lookup-and-delete-with-a-null-key-on-an-array", Handle.ReadWrite, (b, m) => b.LookupAndDelete(m, [], Value(m)), Errno.EFAULT);
        }
    }

    /// <summary>
    /// Builds the map (max_entries 4, full: keys or indexes 0..3 written, unless the handle cannot write), runs the call
    /// and checks the errno and that nothing changed. Maps for read-only and frozen handles are filled through the
    /// frozen handle before freezing; RDONLY maps stay empty (arrays: all zero).
    /// </summary>
    private static void Run(ConformanceContext ctx, BpfMapType type, Handle handle, Call call, Errno expected)
    {
        var spec = Maps.Spec(type, maxEntries: 4);
        spec = handle switch
        {
            Handle.ReadOnly => spec with { Flags = spec.Flags | BpfMapFlags.ReadOnly },
            Handle.WriteOnly => spec with { Flags = spec.Flags | BpfMapFlags.WriteOnly },
            _ => spec,
        };
        var map = ctx.CreateMap(spec);
        if (handle != Handle.ReadOnly)
        {
            for (var id = 0u; id < 4; id++)
            {
                Elements.Put(ctx, map, id, (int)id + 1);
            }
        }

        if (handle == Handle.Frozen)
        {
            Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
        }

        // A WRONLY handle cannot read the map back; other handles can.
        var before = handle == Handle.WriteOnly ? null : Elements.Snapshot(ctx, map);
        Expect.Errno(expected, call(ctx.Backend, map), "the call");
        if (before is not null)
        {
            Elements.Unchanged(ctx, map, before, "after the call");
        }
        else
        {
            // Everything written is still there: NOEXIST on each key/index gives EEXIST.
            for (var id = 0u; id < 4; id++)
            {
                Expect.Errno(Errno.EEXIST, ctx.Backend.Update(map, Key(map, id), Value(map), BpfElementFlags.NoExist), $"key {id} is still present");
            }
        }
    }
}
