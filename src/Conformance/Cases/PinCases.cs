namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_OBJ_PIN and BPF_OBJ_GET: a map pinned at a path of a BPF file system outlives its handles and can be opened
/// again, with an access mode of its own. The errors are path resolution's (a missing directory ENOENT, a file on the
/// way ENOTDIR, an existing name EEXIST, a dotted name in a bpffs EPERM), then the pin needs a bpffs directory (EPERM)
/// and the get a BPF object (EACCES). Measured on 6.18 for these cases (the reference has no section on pinning; they
/// cite §10, whose access rules the opened handles follow).
/// </summary>
internal static class PinCases
{
    private const string Section = "§10";

    private static readonly string[] ReadAndWrite = ["r", "w"];

    public static IEnumerable<ConformanceCase> All() => PerType().Concat(Pin()).Concat(Get());

    private static BpfMapHandle Map(ConformanceContext ctx) => AccessModeCases.Filled(ctx, BpfMapType.Hash);

    private static string InBpfFs(ConformanceContext ctx, string name) => Path.Combine(ctx.BpfFileSystem.BpfDirectory, name);

    private static string Elsewhere(ConformanceContext ctx, string name) => Path.Combine(ctx.BpfFileSystem.OtherDirectory, name);

    private static void Pinned(ConformanceContext ctx, BpfMapHandle map, string path) =>
        Expect.Errno(Errno.None, ctx.Backend.Pin(map, path), $"pin at {path}");

    private static void PinFails(ConformanceContext ctx, Errno expected, string path)
    {
        var map = Map(ctx);
        Expect.Errno(expected, ctx.Backend.Pin(map, path), $"pin at {path}");
    }

    private static void GetFails(ConformanceContext ctx, Errno expected, string path, BpfOpenFlags flags = BpfOpenFlags.None) =>
        Objects.OpenFails(expected, ctx.Backend.OpenPinned(path, flags, out var map), map, $"get {path}");

    private static IEnumerable<ConformanceCase> PerType()
    {
        foreach (var type in Elements.AllTypes)
        {
            var slug = Maps.Slug(type);
            yield return new ConformanceCase($"pin/{slug}/pin-then-get-opens-the-same-map-with-the-spec-its-info-reports", Section, ctx =>
            {
                var map = AccessModeCases.Filled(ctx, type);
                var path = InBpfFs(ctx, "m");
                Pinned(ctx, map, path);
                var opened = Objects.OpenPinned(ctx, path);
                var info = Objects.Info(ctx, map);
                Expect.Equal(info, Objects.Info(ctx, opened), "the info through the opened handle");
                Expect.Equal(info.ToSpec(), opened.Spec, "the opened handle's spec");
                Expect.Sequence(Objects.Contents(ctx, AccessModeCases.Filled(ctx, type)), Objects.Contents(ctx, opened), "what it holds");
            });
            yield return new ConformanceCase($"pin/{slug}/the-pin-keeps-the-map-alive-after-every-handle-is-closed", Section, ctx =>
            {
                var map = AccessModeCases.Filled(ctx, type);
                var id = Objects.Info(ctx, map).Id;
                var path = InBpfFs(ctx, "m");
                Pinned(ctx, map, path);
                map.Dispose();
                var opened = Objects.OpenPinned(ctx, path);
                Expect.Equal(id, Objects.Info(ctx, opened).Id, "the id");
                Expect.Sequence(Objects.Contents(ctx, AccessModeCases.Filled(ctx, type)), Objects.Contents(ctx, opened), "what it holds");
            });
        }
    }

    private static IEnumerable<ConformanceCase> Pin()
    {
        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"pin/{condition}", Section, body);

        yield return Case("the-same-map-at-two-paths-opens-from-both", ctx =>
        {
            var map = Map(ctx);
            Pinned(ctx, map, InBpfFs(ctx, "a"));
            Pinned(ctx, map, InBpfFs(ctx, "b"));
            var id = Objects.Info(ctx, map).Id;
            Expect.Equal(id, Objects.Info(ctx, Objects.OpenPinned(ctx, InBpfFs(ctx, "a"))).Id, "the map at a");
            Expect.Equal(id, Objects.Info(ctx, Objects.OpenPinned(ctx, InBpfFs(ctx, "b"))).Id, "the map at b");
        });
        yield return Case("at-a-path-already-pinned-gives-eexist-and-keeps-the-first-map", ctx =>
        {
            var first = Map(ctx);
            var path = InBpfFs(ctx, "m");
            Pinned(ctx, first, path);
            var second = Map(ctx);
            Expect.Errno(Errno.EEXIST, ctx.Backend.Pin(second, path), "pin another map at the same path");
            Expect.Equal(Objects.Info(ctx, first).Id, Objects.Info(ctx, Objects.OpenPinned(ctx, path)).Id, "the map at the path");
        });
        yield return Case("at-the-bpffs-directory-itself-gives-eexist", ctx => PinFails(ctx, Errno.EEXIST, ctx.BpfFileSystem.BpfDirectory));
        yield return Case("at-the-bpffs-directory-with-a-trailing-slash-gives-eexist", ctx =>
            PinFails(ctx, Errno.EEXIST, ctx.BpfFileSystem.BpfDirectory + "/"));
        yield return Case("at-an-existing-ordinary-file-gives-eexist", ctx =>
        {
            var file = Elsewhere(ctx, "file");
            File.WriteAllBytes(file, [1]);
            PinFails(ctx, Errno.EEXIST, file);
        });
        yield return Case("at-an-existing-directory-of-another-file-system-gives-eexist", ctx =>
            PinFails(ctx, Errno.EEXIST, ctx.BpfFileSystem.OtherDirectory));
        yield return Case("in-a-directory-of-another-file-system-gives-eperm", ctx => PinFails(ctx, Errno.EPERM, Elsewhere(ctx, "m")));
        yield return Case("with-a-dot-in-the-name-gives-eperm", ctx => PinFails(ctx, Errno.EPERM, InBpfFs(ctx, "m.map")));
        yield return Case("with-a-name-starting-with-a-dot-gives-eperm", ctx => PinFails(ctx, Errno.EPERM, InBpfFs(ctx, ".m")));
        yield return Case("under-a-dotted-directory-name-gives-eperm", ctx => PinFails(ctx, Errno.EPERM, InBpfFs(ctx, "a.b/m")));
        yield return Case("in-a-missing-bpffs-subdirectory-gives-enoent", ctx => PinFails(ctx, Errno.ENOENT, InBpfFs(ctx, "missing/m")));
        yield return Case("in-a-missing-directory-of-another-file-system-gives-enoent", ctx =>
            PinFails(ctx, Errno.ENOENT, Elsewhere(ctx, "missing/m")));
        yield return Case("with-a-trailing-slash-after-a-new-name-gives-enoent", ctx => PinFails(ctx, Errno.ENOENT, InBpfFs(ctx, "m/")));
        yield return Case("below-a-pinned-map-gives-enotdir", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            PinFails(ctx, Errno.ENOTDIR, InBpfFs(ctx, "m/x"));
        });
        yield return Case("at-a-pinned-map-with-a-trailing-slash-gives-eexist", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            PinFails(ctx, Errno.EEXIST, InBpfFs(ctx, "m/"));
        });
        yield return Case("below-an-ordinary-file-gives-enotdir", ctx =>
        {
            var file = Elsewhere(ctx, "file");
            File.WriteAllBytes(file, [1]);
            PinFails(ctx, Errno.ENOTDIR, Path.Combine(file, "m"));
        });
        yield return Case("a-failed-pin-leaves-nothing-behind", ctx =>
        {
            PinFails(ctx, Errno.EPERM, InBpfFs(ctx, "m.map"));
            PinFails(ctx, Errno.ENOENT, InBpfFs(ctx, "missing/m"));
            GetFails(ctx, Errno.ENOENT, InBpfFs(ctx, "m"));
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
        });
        yield return Case("through-rdonly-and-wronly-handles-succeeds-and-get-opens-read-write", ctx =>
        {
            var map = Map(ctx);
            Pinned(ctx, Objects.OpenById(ctx, map, BpfOpenFlags.ReadOnly), InBpfFs(ctx, "r"));
            Pinned(ctx, Objects.OpenById(ctx, map, BpfOpenFlags.WriteOnly), InBpfFs(ctx, "w"));
            foreach (var name in ReadAndWrite)
            {
                var opened = Objects.OpenPinned(ctx, InBpfFs(ctx, name));
                Expect.Errno(Errno.None, ctx.Backend.Update(opened, Data.Key(3, 4), Data.Value(opened, 3)), $"update through the map got from {name}");
                Expect.Errno(Errno.None, ctx.Backend.Lookup(opened, Data.Key(3, 4), Elements.PoisonedValue(opened)), $"lookup through the map got from {name}");
            }
        });
        yield return Case("of-a-frozen-map-opens-a-map-that-refuses-writes", ctx =>
        {
            var map = Map(ctx);
            Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
            Pinned(ctx, map, InBpfFs(ctx, "m"));
            var opened = Objects.OpenPinned(ctx, InBpfFs(ctx, "m"));
            Expect.Errno(Errno.EPERM, ctx.Backend.Update(opened, Data.Key(3, 4), Data.Value(opened, 3)), "update");
            Expect.Errno(ctx.Pick(KernelChanges.FreezeNeedsWritePermission, Errno.EBUSY, Errno.EPERM), ctx.Backend.Freeze(opened), "freeze again");
        });
        yield return Case("paths-with-dot-and-dot-dot-components-resolve", ctx =>
        {
            var map = Map(ctx);
            var directory = ctx.BpfFileSystem.BpfDirectory;
            Pinned(ctx, map, Path.Combine(directory, ".", "m"));
            var parent = Path.GetFileName(directory);
            var opened = Objects.OpenPinned(ctx, Path.Combine(directory, "..", parent, "m"));
            Expect.Equal(Objects.Info(ctx, map).Id, Objects.Info(ctx, opened).Id, "the map");
        });
        yield return Case("relative-paths-resolve-from-the-current-directory", ctx =>
        {
            var map = Map(ctx);
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, InBpfFs(ctx, "m"));
            Pinned(ctx, map, relative);
            Expect.Equal(Objects.Info(ctx, map).Id, Objects.Info(ctx, Objects.OpenPinned(ctx, InBpfFs(ctx, "m"))).Id, "the map");
        });
    }

    private static IEnumerable<ConformanceCase> Get()
    {
        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"pin/get-{condition}", Section, body);

        yield return Case("of-a-missing-name-gives-enoent", ctx => GetFails(ctx, Errno.ENOENT, InBpfFs(ctx, "nothing")));
        yield return Case("in-a-missing-bpffs-subdirectory-gives-enoent", ctx => GetFails(ctx, Errno.ENOENT, InBpfFs(ctx, "missing/m")));
        yield return Case("of-a-missing-name-of-another-file-system-gives-enoent", ctx => GetFails(ctx, Errno.ENOENT, Elsewhere(ctx, "nothing")));
        yield return Case("of-the-bpffs-directory-gives-eacces", ctx => GetFails(ctx, Errno.EACCES, ctx.BpfFileSystem.BpfDirectory));
        yield return Case("of-a-directory-of-another-file-system-gives-eacces", ctx => GetFails(ctx, Errno.EACCES, ctx.BpfFileSystem.OtherDirectory));
        yield return Case("of-an-ordinary-file-gives-eacces", ctx =>
        {
            var file = Elsewhere(ctx, "file");
            File.WriteAllBytes(file, [1]);
            GetFails(ctx, Errno.EACCES, file);
        });
        yield return Case("with-a-dot-in-the-name-gives-eperm", ctx => GetFails(ctx, Errno.EPERM, InBpfFs(ctx, "m.map")));
        yield return Case("below-a-pinned-map-gives-enotdir", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            GetFails(ctx, Errno.ENOTDIR, InBpfFs(ctx, "m/x"));
        });
        yield return Case("of-a-pinned-map-with-a-trailing-slash-gives-enotdir", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            GetFails(ctx, Errno.ENOTDIR, InBpfFs(ctx, "m/"));
        });
        yield return Case("rdonly-gives-a-read-only-handle", ctx =>
        {
            var map = Map(ctx);
            Pinned(ctx, map, InBpfFs(ctx, "m"));
            var opened = Objects.OpenPinned(ctx, InBpfFs(ctx, "m"), BpfOpenFlags.ReadOnly);
            Expect.Errno(Errno.None, ctx.Backend.Lookup(opened, Data.Key(1, 4), Elements.PoisonedValue(opened)), "lookup");
            Expect.Errno(Errno.EPERM, ctx.Backend.Update(opened, Data.Key(1, 4), Data.Value(opened, 9)), "update");
            Expect.Errno(ctx.Pick(KernelChanges.FreezeNeedsWritePermission, Errno.None, Errno.EPERM), ctx.Backend.Freeze(opened), "freeze (any handle could, before it needed write permission)");
        });
        yield return Case("wronly-gives-a-write-only-handle", ctx =>
        {
            var map = Map(ctx);
            Pinned(ctx, map, InBpfFs(ctx, "m"));
            var opened = Objects.OpenPinned(ctx, InBpfFs(ctx, "m"), BpfOpenFlags.WriteOnly);
            Expect.Errno(Errno.EPERM, ctx.Backend.Lookup(opened, Data.Key(1, 4), Elements.PoisonedValue(opened)), "lookup");
            Expect.Errno(Errno.None, ctx.Backend.Update(opened, Data.Key(1, 4), Data.Value(opened, 9)), "update");
            Elements.Holds(ctx, map, 1, 9, "the value through the first handle");
        });
        yield return Case("rdonly-with-wronly-gives-einval", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            GetFails(ctx, Errno.EINVAL, InBpfFs(ctx, "m"), BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly);
        });
        yield return Case("bad-flags-give-einval-before-the-path-is-looked-up", ctx =>
        {
            GetFails(ctx, Errno.EINVAL, InBpfFs(ctx, "nothing"), BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly);
            GetFails(ctx, Errno.EINVAL, Elsewhere(ctx, "missing/x"), (BpfOpenFlags)BpfMapFlags.ReadOnlyProg);
        });
        yield return Case("every-flag-bit-but-rdonly-wronly-and-path-fd-gives-einval", ctx =>
        {
            Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
            for (var bit = 0; bit < 32; bit++)
            {
                var flags = (BpfOpenFlags)(1u << bit);
                if (flags is BpfOpenFlags.ReadOnly or BpfOpenFlags.WriteOnly || bit == 14)
                {
                    continue;
                }

                GetFails(ctx, Errno.EINVAL, InBpfFs(ctx, "m"), flags);
            }
        });
        yield return Case($"with-bpf-f-path-fd-and-an-absolute-path-{Elements.Outcomes(KernelChanges.PathFd, Errno.EINVAL, Errno.None)}", ctx =>
        {
            if (!ctx.Since(KernelChanges.PathFd))
            {
                Pinned(ctx, Map(ctx), InBpfFs(ctx, "m"));
                GetFails(ctx, Errno.EINVAL, InBpfFs(ctx, "m"), (BpfOpenFlags)(1u << 14));
                return;
            }

            var map = Map(ctx);
            Pinned(ctx, map, InBpfFs(ctx, "m"));
            var errno = ctx.Backend.OpenPinned(InBpfFs(ctx, "m"), (BpfOpenFlags)(1u << 14), out var opened);
            if (opened is not null)
            {
                ctx.Track(opened);
            }

            Expect.Errno(Errno.None, errno, "get with BPF_F_PATH_FD");
            Expect.Equal(Objects.Info(ctx, map).Id, Objects.Info(ctx, opened!).Id, "the map");
        });
    }
}
