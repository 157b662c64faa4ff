using System.Runtime.InteropServices;
using BpfMaps.Kernel;
using BpfMaps.Simulated;

namespace BpfMaps.Benchmarks;

/// <summary>The two backends of one benchmark class: the kernel, and a simulator with the kernel's possible CPUs.</summary>
internal sealed class Backends
{
    public Backends()
    {
        var kernel = new KernelBpfMapBackend();
        Kernel = kernel;
        Simulator = new SimulatedBpfMapBackend(new SimulatedBpfBackendOptions { PossibleCpuCount = kernel.PossibleCpuCount });
    }

    public IBpfMapBackend Kernel { get; }

    public IBpfMapBackend Simulator { get; }

    public int PossibleCpus => Kernel.PossibleCpuCount;
}

/// <summary>The maps the benchmarks use: 4-byte keys, 8-byte values (per CPU for the per-CPU maps), BPF_F_ZERO_SEED.</summary>
internal static class Maps
{
    /// <summary>A dense map: max_entries equal to the keys it holds.</summary>
    public const uint DenseEntries = 1024;

    /// <summary>A sparse large map: a million buckets ...</summary>
    public const uint SparseEntries = 1 << 20;

    /// <summary>... holding a thousand keys.</summary>
    public const int SparseKeys = 1000;

    /// <summary>
    /// <paramref name="count"/> keys of which no two share a bucket of a zero-seed hash map of
    /// <paramref name="maxEntries"/>: a batch of n elements then reads exactly n buckets on both backends, never
    /// stopping early or with ENOSPC at a bucket that does not fit.
    /// </summary>
    public static uint[] OnePerBucket(int count, uint maxEntries)
    {
        var buckets = Jhash.BucketCount(maxEntries);
        var used = new HashSet<uint>();
        var keys = new List<uint>(count);
        for (var key = 0u; keys.Count < count; key++)
        {
            if (used.Add(Jhash.Bucket(Bytes(key), buckets)))
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }

    public static byte[] Bytes<T>(T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray();

    public static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>The descriptor of a kernel map, for the bare syscalls.</summary>
    public static uint Fd(BpfMap map) => (uint)((KernelMapHandle)map.Handle).Descriptor.DangerousGetHandle();

    /// <summary>Throws unless <paramref name="condition"/>: a setup that does not measure what it says fails at once.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark setup: {what}.");
        }
    }
}

/// <summary>The shape of a hash map: dense (1024 keys in 1024 entries) or sparse (1000 keys in 2^20 entries).</summary>
public enum MapShape
{
    /// <summary>max_entries 1024 holding 1024 keys, one per bucket.</summary>
    Dense,
    /// <summary>max_entries 2^20 holding 1000 keys.</summary>
    Sparse,
}
