namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Programming errors of the object commands, thrown before anything reaches the kernel: a closed handle or one of
/// another backend (as for every command), and a path that cannot be sent as a NUL-terminated string.
/// </summary>
internal static class ObjectArgumentCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        var commands = new (string Name, Action<IBpfMapBackend, BpfMapHandle> Call)[]
        {
            ("get-map-info", (b, m) => b.GetMapInfo(m, out _)),
            ("pin", (b, m) => b.Pin(m, "/sys/fs/bpf/bpfmaps-never")),
        };
        foreach (var (name, call) in commands)
        {
            yield return new ConformanceCase($"arguments/objects/{name}-with-a-disposed-handle-throws", "§1.3", ctx =>
            {
                var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
                map.Dispose();
                Expect.Throws<ObjectDisposedException>(() => call(ctx.Backend, map), name);
            });
            yield return new ConformanceCase($"arguments/objects/{name}-with-a-handle-of-another-backend-throws", "§1.3", ctx =>
            {
                var ex = Expect.Throws<ArgumentException>(() => call(ctx.Backend, ForeignBackend.HandleFor(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4))), name);
                Expect.Equal("map", ex.ParamName, "the exception names the map argument");
            });
        }

        foreach (var (name, path) in new[] { ("an-empty-path", ""), ("a-path-with-a-nul", "/sys/fs/bpf/a\0b") })
        {
            yield return new ConformanceCase($"arguments/objects/pin-with-{name}-throws", "§1.3", ctx =>
            {
                var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
                var ex = Expect.Throws<ArgumentException>(() => ctx.Backend.Pin(map, path), "pin");
                Expect.Equal("path", ex.ParamName, "the exception names the path");
            });
            yield return new ConformanceCase($"arguments/objects/open-pinned-with-{name}-throws", "§1.3", ctx =>
            {
                var ex = Expect.Throws<ArgumentException>(() => ctx.Backend.OpenPinned(path, BpfOpenFlags.None, out _), "open pinned");
                Expect.Equal("path", ex.ParamName, "the exception names the path");
            });
        }

        yield return new ConformanceCase("arguments/objects/pin-with-a-null-path-throws", "§1.3", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
            Expect.Throws<ArgumentNullException>(() => ctx.Backend.Pin(map, null!), "pin");
        });
        yield return new ConformanceCase("arguments/objects/open-pinned-with-a-null-path-throws", "§1.3", ctx =>
            Expect.Throws<ArgumentNullException>(() => ctx.Backend.OpenPinned(null!, BpfOpenFlags.None, out _), "open pinned"));
    }
}
