namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Divergences the lockstep property runs found between the simulator and the kernel, each kept as the shrunk
/// sequence it was found as, so that the fix stays checked on every leaf.
/// </summary>
internal static class LockstepCases
{
    // BPF_F_PATH_FD: file_flags bit 14 of BPF_OBJ_GET, accepted beside the access bits (path_fd 0 is ignored for an
    // absolute path).
    private const BpfOpenFlags PathFd = (BpfOpenFlags)(1u << 14);

    public static IEnumerable<ConformanceCase> All()
    {
        // Found by the lockstep run (seed 3477505246670428054, shrunk to 4 steps): create HASH, pin at a, open-pinned a
        // with file_flags 0x4008, update through the new handle: the kernel EPERM, the simulator (which took the
        // handle for read-write) EINVAL. bpf_get_file_flag reads only the RDONLY and WRONLY bits (§10).
        yield return new ConformanceCase("lockstep/obj-get-with-bpf-f-path-fd-and-rdonly-opens-a-read-only-handle", "§10", ctx =>
        {
            var map = AccessModeCases.Filled(ctx, BpfMapType.Hash);
            var path = Path.Combine(ctx.BpfFileSystem.BpfDirectory, "a");
            Expect.Errno(Errno.None, ctx.Backend.Pin(map, path), "pin at a");
            var opened = Objects.OpenPinned(ctx, path, BpfOpenFlags.ReadOnly | PathFd);
            Expect.Equal(BpfMapAccess.ReadOnly, opened.Access, "the handle's access mode");
            var key = Data.Key(1, map.Spec.KeySize);
            Expect.Errno(Errno.EPERM, ctx.Backend.Update(opened, key, Data.Value(map, 3), (BpfElementFlags)3), "update with flags 3 through it");
            Expect.Errno(Errno.EPERM, ctx.Backend.Delete(opened, key), "delete through it");
            var value = new byte[map.Layout.ValueSize];
            Expect.Errno(Errno.None, ctx.Backend.Lookup(opened, key, value), "lookup through it");
            Expect.Bytes(Data.Value(map, 1), value, "the value read");
        }).Until(KernelChanges.PathFd, "gives-einval", ctx => OpenWithPathFdFails(ctx, BpfOpenFlags.ReadOnly | PathFd));
        yield return new ConformanceCase("lockstep/obj-get-with-bpf-f-path-fd-and-wronly-opens-a-write-only-handle", "§10", ctx =>
        {
            var map = AccessModeCases.Filled(ctx, BpfMapType.Hash);
            var path = Path.Combine(ctx.BpfFileSystem.BpfDirectory, "a");
            Expect.Errno(Errno.None, ctx.Backend.Pin(map, path), "pin at a");
            var opened = Objects.OpenPinned(ctx, path, BpfOpenFlags.WriteOnly | PathFd);
            Expect.Equal(BpfMapAccess.WriteOnly, opened.Access, "the handle's access mode");
            var key = Data.Key(1, map.Spec.KeySize);
            Expect.Errno(Errno.EPERM, ctx.Backend.Lookup(opened, key, new byte[map.Layout.ValueSize]), "lookup through it");
            Expect.Errno(Errno.None, ctx.Backend.Update(opened, key, Data.Value(map, 3)), "update through it");
        }).Until(KernelChanges.PathFd, "gives-einval", ctx => OpenWithPathFdFails(ctx, BpfOpenFlags.WriteOnly | PathFd));

        // Found by the lockstep run on Linux 7.2 (seed 4995984627972387886, shrunk to 4 steps): LRU_PERCPU_HASH with
        // BPF_F_NO_COMMON_LRU, two keys filling this CPU's list, then a BPF_F_CPU update of the first: the update takes
        // a node first, which evicts both keys (§12.2), so the key comes back as a new element, with zeros in the other
        // CPUs' slots; the simulator had kept them (it merged the CPU's value before the eviction).
        yield return new ConformanceCase(
            $"lockstep/lru-percpu-no-common-lru-f-cpu-update-that-evicts-its-own-key-{KernelChanges.CpuFlags.Outcomes("makes-a-new-element", "gives-einval")}", "§12.2", ctx =>
        {
            using var pin = ctx.PinToCpu(0);
            var spec = Maps.Spec(BpfMapType.LruPerCpuHash, maxEntries: 2 * (uint)ctx.Cpus, valueSize: 23) with
            {
                Flags = BpfMapFlags.NoCommonLru | BpfMapFlags.ZeroSeed,
            };
            var map = ctx.CreateMap(spec);
            Elements.Put(ctx, map, 1, 1);
            Elements.Put(ctx, map, 2, 2);
            var value = Data.Bytes(3, 23);
            var errno = ctx.Backend.Update(map, Elements.Key(map, 1), Data.Concat(value, Elements.PoisonedValue(map)), CpuFlagCases.OnCpu(0));
            if (!ctx.Since(KernelChanges.CpuFlags))
            {
                Expect.Errno(Errno.EINVAL, errno, "update with BPF_F_CPU");
                Elements.HoldsExactly(ctx, map, [(1, 1), (2, 2)], "the map");
                return;
            }

            Expect.Errno(Errno.None, errno, "update with BPF_F_CPU");
            var expected = new byte[map.Layout.ValueSize];
            value.CopyTo(expected, 0);
            Expect.Contents([(Elements.Key(map, 1), expected)], Maps.Dump(ctx.Backend, map), "the map: key 1 alone, CPU 0's value, zeros elsewhere");
        });
    }

    // Before BPF_F_PATH_FD, BPF_OBJ_GET refused the flag with EINVAL.
    private static void OpenWithPathFdFails(ConformanceContext ctx, BpfOpenFlags flags)
    {
        var map = AccessModeCases.Filled(ctx, BpfMapType.Hash);
        var path = Path.Combine(ctx.BpfFileSystem.BpfDirectory, "a");
        Expect.Errno(Errno.None, ctx.Backend.Pin(map, path), "pin at a");
        Objects.OpenFails(Errno.EINVAL, ctx.Backend.OpenPinned(path, flags, out var opened), opened, "open pinned a with BPF_F_PATH_FD");
    }
}
