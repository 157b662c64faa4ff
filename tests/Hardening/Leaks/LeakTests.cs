using System.Diagnostics;
using System.Runtime.CompilerServices;
using BpfMaps.Kernel;
using BpfMaps.Simulated;
using BpfMaps.Testing;

namespace BpfMaps.Hardening.Tests.Leaks;

/// <summary>
/// Maps created and released in bulk leave nothing behind: on the kernel no descriptor (BTF ones included) stays open
/// and the released maps are gone from the system; on the simulator no handle stays open and no map stays alive.
/// Handles nobody disposes are closed by their finalizers.
/// </summary>
public sealed class LeakTests
{
    private const int Maps = 100_000;
    private const int SpinLockMaps = 10_000;
    private const int Abandoned = 2_000;

    private static readonly BpfMapSpec[] Specs =
    [
        new(BpfMapType.Array, 4, 8, 1), new(BpfMapType.Hash, 4, 8, 1), new(BpfMapType.PerCpuArray, 4, 8, 1), new(BpfMapType.PerCpuHash, 4, 8, 1),
        new(BpfMapType.LruHash, 4, 8, 1), new(BpfMapType.LruPerCpuHash, 4, 8, 1), new(BpfMapType.Queue, 0, 8, 1), new(BpfMapType.Stack, 0, 8, 1),
    ];

    private static readonly BpfMapSpec SpinLockSpec = new(BpfMapType.Hash, 4, 8, 1) { Btf = BpfMapBtf.SpinLockAt(0) };

    [Fact]
    public void KernelMapsCreatedAndDisposedLeaveNoDescriptorAndAreFreed()
    {
        KernelAvailability.EnsureOrSkip();
        var kernel = new KernelBpfMapBackend();
        WarmUp(kernel);
        var before = Descriptors.Count();
        var clock = Stopwatch.StartNew();
        var ids = CreateAndDispose(kernel, Maps, i => Specs[i % Specs.Length]);
        var elapsed = clock.Elapsed;
        var after = Descriptors.Count();
        Assert.Equal(before, after);
        AssertGone(kernel, ids);
        TestContext.Current.SendDiagnosticMessage(
            $"leaks: {Maps} kernel maps created and released in {elapsed.TotalSeconds:F1} s ({elapsed.TotalMicroseconds / Maps:F1} µs each), " +
            $"descriptors before and after: {after}; {ids.Count} sampled ids gone");
    }

    [Fact]
    public void KernelSpinLockMapsCloseTheirBtfDescriptors()
    {
        KernelAvailability.EnsureOrSkip();
        var kernel = new KernelBpfMapBackend();
        WarmUp(kernel);
        var before = Descriptors.Count();
        var clock = Stopwatch.StartNew();
        var ids = CreateAndDispose(kernel, SpinLockMaps, _ => SpinLockSpec);
        // A create that fails after its BTF loaded (per-CPU values cannot hold a spin lock) closes the BTF too.
        var refused = SpinLockSpec with { Type = BpfMapType.PerCpuHash };
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(Errno.EOPNOTSUPP, kernel.CreateMap(refused, out var map));
            Assert.Null(map);
        }

        var elapsed = clock.Elapsed;
        var after = Descriptors.Count();
        Assert.Equal(before, after);
        AssertGone(kernel, ids);
        TestContext.Current.SendDiagnosticMessage(
            $"leaks: {SpinLockMaps} kernel spin-lock maps (BTF) created and released and 1000 refused after their BTF loaded, in " +
            $"{elapsed.TotalSeconds:F1} s; descriptors before and after: {after}");
    }

    [Fact]
    public void KernelHandlesOpenedByIdAreClosed()
    {
        KernelAvailability.EnsureOrSkip();
        var kernel = new KernelBpfMapBackend();
        Assert.Equal(Errno.None, kernel.CreateMap(Specs[0], out var map));
        using (map)
        {
            Assert.Equal(Errno.None, kernel.GetMapInfo(map!, out var info));
            var before = Descriptors.Count();
            for (var i = 0; i < 10_000; i++)
            {
                Assert.Equal(Errno.None, kernel.OpenMapById(info!.Id, BpfOpenFlags.ReadOnly, out var opened));
                opened!.Dispose();
            }

            Assert.Equal(before, Descriptors.Count());
        }
    }

    [Fact]
    public void KernelHandlesLeftToTheFinalizerAreClosed()
    {
        KernelAvailability.EnsureOrSkip();
        var kernel = new KernelBpfMapBackend();
        WarmUp(kernel);
        var before = Descriptors.Count();
        var held = new List<BpfMapHandle>();
        var ids = Abandon(kernel, Abandoned, held);
        var during = Descriptors.Count();
        held.Clear(); // only now are the handles unreachable: a GC while creating them must not close any early
        Assert.True(during.BpfMaps >= before.BpfMaps + Abandoned, $"the abandoned handles should still be open before a collection: {during}");
        Collect();
        var after = Descriptors.Count();
        Assert.Equal(before, after);
        AssertGone(kernel, ids);
        TestContext.Current.SendDiagnosticMessage(
            $"leaks: {Abandoned} kernel maps (raw, typed and spin-lock) left to the finalizer: {during.BpfMaps - before.BpfMaps} bpf-map descriptors open before the collection, none after");
    }

    [Fact]
    public void SimulatedMapsCreatedAndDisposedLeaveNoHandleAndNoMap()
    {
        var simulator = Backends.Simulator();
        var clock = Stopwatch.StartNew();
        CreateAndDispose(simulator, Maps, i => Specs[i % Specs.Length]);
        CreateAndDispose(simulator, SpinLockMaps, _ => SpinLockSpec);
        var elapsed = clock.Elapsed;
        Assert.Equal(0, simulator.OpenHandleCount);
        Assert.Equal(0, simulator.LiveMapCount);
        TestContext.Current.SendDiagnosticMessage(
            $"leaks: {Maps + SpinLockMaps} simulated maps created and released in {elapsed.TotalSeconds:F1} s; open handles and live maps after: 0 and 0");
    }

    [Fact]
    public void SimulatedHandlesLeftToTheFinalizerAreClosedAndTheirMapsFreed()
    {
        var simulator = Backends.Simulator();
        var held = new List<BpfMapHandle>();
        Abandon(simulator, Abandoned, held);
        var handles = simulator.OpenHandleCount;
        held.Clear(); // only now are the handles unreachable: a GC while creating them must not close any early
        Assert.True(handles >= Abandoned, $"the abandoned handles should still be open before a collection: {handles}");
        Collect();
        Assert.Equal(0, simulator.OpenHandleCount);
        Assert.Equal(0, simulator.LiveMapCount);
        TestContext.Current.SendDiagnosticMessage(
            $"leaks: {Abandoned} simulated maps left to the finalizer: {handles} handles open before the collection, none after, no map alive");
    }

    [Fact]
    public void APinKeepsASimulatedMapWhoseHandlesWereFinalized()
    {
        var simulator = Backends.Simulator();
        var bpffs = Directory.CreateTempSubdirectory("bpfmaps-leaks-");
        try
        {
            simulator.MountBpfFileSystem(bpffs.FullName);
            PinAndAbandon(simulator, Path.Combine(bpffs.FullName, "kept"));
            Collect();
            Assert.Equal(0, simulator.OpenHandleCount);
            Assert.Equal(1, simulator.LiveMapCount);
            Assert.True(simulator.UnmountBpfFileSystem(bpffs.FullName));
            Assert.Equal(0, simulator.LiveMapCount);
        }
        finally
        {
            bpffs.Delete(recursive: true);
        }
    }

    // Creates and disposes maps; returns the ids of a sample of them, read while they were alive.
    private static List<uint> CreateAndDispose(IBpfMapBackend backend, int count, Func<int, BpfMapSpec> spec)
    {
        var ids = new List<uint>();
        for (var i = 0; i < count; i++)
        {
            var errno = backend.CreateMap(spec(i), out var map);
            if (errno != Errno.None)
            {
                Assert.Fail($"map {i}: creating a {spec(i).Type} map answered {errno}");
            }

            if (i % 1_000 == 0)
            {
                Assert.Equal(Errno.None, backend.GetMapInfo(map!, out var info));
                ids.Add(info!.Id);
            }

            map!.Dispose();
        }

        return ids;
    }

    // Raw handles, typed maps and spin-lock maps that nobody disposes; their only references are in held, which the
    // caller clears after counting them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<uint> Abandon(IBpfMapBackend backend, int count, List<BpfMapHandle> held)
    {
        var ids = new List<uint>();
        for (var i = 0; i < count; i++)
        {
            BpfMapHandle handle;
            switch (i % 3)
            {
                case 0:
                    Assert.Equal(Errno.None, backend.CreateMap(Specs[i % Specs.Length], out var raw));
                    handle = raw!;
                    break;
                case 1:
                    handle = new BpfHashMap<uint, ulong>(backend, 4).Handle;
                    break;
                default:
                    Assert.Equal(Errno.None, backend.CreateMap(SpinLockSpec, out var locked));
                    handle = locked!;
                    break;
            }

            held.Add(handle);
            if (i % 100 == 0)
            {
                Assert.Equal(Errno.None, backend.GetMapInfo(handle, out var info));
                ids.Add(info!.Id);
            }
        }

        return ids;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PinAndAbandon(SimulatedBpfMapBackend simulator, string path)
    {
        Assert.Equal(Errno.None, simulator.CreateMap(Specs[1], out var map));
        Assert.Equal(Errno.None, simulator.Pin(map!, path));
    }

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    // The first create of each kind may open what the process keeps (sysfs reads, the runtime's own files).
    private static void WarmUp(IBpfMapBackend backend)
    {
        CreateAndDispose(backend, Specs.Length, i => Specs[i]);
        CreateAndDispose(backend, 1, _ => SpinLockSpec);
        Collect();
    }

    // A released map leaves the kernel's id table with its last reference: opening its id finds nothing.
    private static void AssertGone(KernelBpfMapBackend backend, List<uint> ids)
    {
        foreach (var id in ids)
        {
            var errno = backend.OpenMapById(id, BpfOpenFlags.ReadOnly, out var map);
            map?.Dispose();
            Assert.True(errno == Errno.ENOENT, $"map id {id} should be gone, but opening it answered {errno}");
        }
    }
}
