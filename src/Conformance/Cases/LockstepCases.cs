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
