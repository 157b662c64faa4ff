namespace BpfMaps.Conformance;

/// <summary>What a case body works with: the backend under test, and maps that are closed when the case ends.</summary>
public sealed class ConformanceContext : IDisposable
{
    private readonly List<BpfMapHandle> _maps = [];

    /// <summary>Creates a context for one case run.</summary>
    public ConformanceContext(IBpfMapBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
    }

    /// <summary>The backend under test.</summary>
    public IBpfMapBackend Backend { get; }

    /// <summary>Its possible-CPU count.</summary>
    public int Cpus => Backend.PossibleCpuCount;

    /// <summary>Creates a map that must be accepted; it is closed when the case ends.</summary>
    public BpfMapHandle CreateMap(BpfMapSpec spec)
    {
        var errno = Backend.CreateMap(spec, out var map);
        if (errno != Errno.None || map is null)
        {
            throw new ConformanceFailureException($"creating {Describe(spec)}: expected success, got {errno}");
        }

        _maps.Add(map);
        return map;
    }

    /// <summary>Creates a map and closes it at once; returns the errno of the create.</summary>
    public Errno TryCreateMap(BpfMapSpec spec)
    {
        var errno = Backend.CreateMap(spec, out var map);
        if ((errno == Errno.None) != (map is not null))
        {
            throw new ConformanceFailureException($"creating {Describe(spec)}: errno {errno} but handle {(map is null ? "null" : "set")}");
        }

        map?.Dispose();
        return errno;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var map in _maps)
        {
            map.Dispose();
        }

        _maps.Clear();
    }

    private static string Describe(BpfMapSpec spec) =>
        $"{spec.Type} (key {spec.KeySize}, value {spec.ValueSize}, max {spec.MaxEntries}, flags {spec.Flags})";
}
