namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>
/// What a bad call is made against: an open map of the case's type holding three elements (ids 0..2), a disposed
/// handle of the same backend, a spare open handle, and open handles of another instance of the backend and of another
/// backend.
/// </summary>
internal sealed class BadInputTarget : IDisposable
{
    public const uint MaxEntries = 8;
    public const uint KeySize = 4;
    public const uint ValueSize = 16;
    public const uint PerCpuValueSize = 12;

    private readonly List<IDisposable> _owned = [];

    public BadInputTarget(IBpfMapBackend backend, BpfMapType type, IBpfMapBackend anotherInstance, IBpfMapBackend otherBackend, string scratch)
    {
        Backend = backend;
        Spec = SpecOf(type);
        Scratch = scratch;
        Map = Create(backend, Spec);
        for (var id = 0u; id < 3; id++)
        {
            Require(backend.Update(Map, Key(id), Value(id)), "fill");
        }

        Closed = Create(backend, Spec);
        Closed.Dispose();
        Spare = Create(backend, Spec);
        AnotherInstance = Create(anotherInstance, Spec);
        OtherBackend = Create(otherBackend, Spec);
    }

    public IBpfMapBackend Backend { get; }

    public BpfMapSpec Spec { get; }

    public BpfMapType Type => Spec.Type;

    public BpfMapHandle Map { get; }

    public BpfMapHandle Closed { get; }

    public BpfMapHandle AnotherInstance { get; }

    /// <summary>An open handle of another, empty map of the same spec, for a typed map to take over and dispose.</summary>
    public BpfMapHandle Spare { get; }

    public BpfMapHandle OtherBackend { get; }

    /// <summary>A directory of the host file system (not a bpffs) this case may use.</summary>
    public string Scratch { get; }

    public BpfMapLayout Layout => Map.Layout;

    /// <summary>What the call answered, for an <see cref="Expectation.Accepts"/> check.</summary>
    public Errno Answer { get; set; }

    /// <summary>
    /// The backend's call count where the bad call starts, when the case needed calls to set it up (reading a chunk,
    /// creating a map of another type); otherwise the count before the case ran.
    /// </summary>
    public long? CallsBeforeTheBadCall { get; private set; }

    /// <summary>Marks the start of the bad call, after the case's own setup.</summary>
    public void Mark() => CallsBeforeTheBadCall = Backends.Calls(Backend);

    /// <summary>Buffers an accepted call read into, for its check.</summary>
    public byte[][] Kept { get; set; } = [];

    public bool Keyed => !Type.IsQueueOrStack();

    public static BpfMapSpec SpecOf(BpfMapType type) => new(
        type,
        type.IsQueueOrStack() ? 0 : KeySize,
        type.IsPerCpu() ? PerCpuValueSize : ValueSize,
        MaxEntries);

    /// <summary>The key of element <paramref name="id"/> (an index for arrays); empty for queues and stacks.</summary>
    public byte[] Key(uint id) => Keyed ? Backends.Key(id, Layout.KeySize) : [];

    /// <summary>The value of element <paramref name="id"/>: a whole per-CPU value on per-CPU maps.</summary>
    public byte[] Value(uint id) => Backends.Bytes(id + 100, Layout.ValueSize);

    /// <summary><paramref name="count"/> keys from id <paramref name="first"/>, one after another.</summary>
    public byte[] Keys(uint first, int count) => [.. Enumerable.Range(0, count).SelectMany(i => Key(first + (uint)i))];

    public byte[] Values(uint first, int count) => [.. Enumerable.Range(0, count).SelectMany(i => Value(first + (uint)i))];

    /// <summary>The map's elements now.</summary>
    public IReadOnlyList<string> State() => MapState.Read(Backend, Map);

    /// <summary>A handle this target disposes at the end.</summary>
    public T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Map.Dispose();
        Spare.Dispose();
        AnotherInstance.Dispose();
        OtherBackend.Dispose();
    }

    private static BpfMapHandle Create(IBpfMapBackend backend, BpfMapSpec spec)
    {
        Require(backend.CreateMap(spec, out var map), $"create a {spec.Type} map on {Backends.Name(backend)}");
        return map!;
    }

    private static void Require(Errno errno, string what)
    {
        if (errno != Errno.None)
        {
            throw new InvalidOperationException($"Setting up a bad-input case: {what} answered {errno}.");
        }
    }
}
