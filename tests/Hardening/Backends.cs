using BpfMaps.Kernel;
using BpfMaps.Simulated;

namespace BpfMaps.Hardening.Tests;

/// <summary>The two backends, and what the tests count on each.</summary>
internal static class Backends
{
    public static SimulatedBpfMapBackend Simulator() => new();

    /// <summary>Calls that reached the backend: bpf(2) calls on the kernel, calls past the argument checks on the simulator.</summary>
    public static long Calls(IBpfMapBackend backend) => backend switch
    {
        KernelBpfMapBackend kernel => kernel.SyscallCount,
        SimulatedBpfMapBackend simulator => simulator.CallCounts.Values.Sum(),
        _ => throw new ArgumentException($"Unknown backend {backend.GetType().Name}.", nameof(backend)),
    };

    public static string Name(IBpfMapBackend backend) => backend is KernelBpfMapBackend ? "kernel" : "simulator";

    /// <summary>Deterministic element bytes: element <paramref name="id"/>, <paramref name="size"/> bytes, none of them 0xA5.</summary>
    public static byte[] Bytes(uint id, ulong size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((id * 31) + (uint)i + 1);
            if (bytes[i] == Sentinel)
            {
                bytes[i] = 0x5A;
            }
        }

        return bytes;
    }

    /// <summary>A key: the id in little-endian, then <see cref="Bytes"/>.</summary>
    public static byte[] Key(uint id, ulong size)
    {
        var key = Bytes(id, size);
        BitConverter.TryWriteBytes(key, id);
        return key;
    }

    /// <summary>What fills the bytes past what a call may touch, to see that it did not.</summary>
    public const byte Sentinel = 0xA5;

    /// <summary><paramref name="head"/>, then <paramref name="extra"/> sentinel bytes.</summary>
    public static byte[] Padded(ReadOnlySpan<byte> head, int extra)
    {
        var buffer = new byte[head.Length + extra];
        buffer.AsSpan().Fill(Sentinel);
        head.CopyTo(buffer);
        return buffer;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}

/// <summary>A map's elements as text, read through the contract, to compare before and after a call.</summary>
internal static class MapState
{
    /// <summary>
    /// Sorted <c>key=value</c> lines for keyed maps; for queues and stacks the values in pop order (read by popping
    /// them all and pushing them back).
    /// </summary>
    public static IReadOnlyList<string> Read(IBpfMapBackend backend, BpfMapHandle map)
    {
        var layout = map.Layout;
        if (map.Spec.Type.IsQueueOrStack())
        {
            var values = new List<byte[]>();
            while (true)
            {
                var value = new byte[layout.ValueSize];
                var errno = backend.LookupAndDelete(map, [], value);
                if (errno == Errno.ENOENT)
                {
                    break;
                }

                Check(errno, "pop");
                values.Add(value);
            }

            IEnumerable<byte[]> pushBack = map.Spec.Type == BpfMapType.Stack ? Enumerable.Reverse(values) : values;
            foreach (var value in pushBack)
            {
                Check(backend.Update(map, [], value), "push back");
            }

            return [.. values.Select(v => Backends.Hex(v))];
        }

        var entries = new List<string>();
        var key = Array.Empty<byte>();
        var next = new byte[layout.KeySize];
        while (true)
        {
            var errno = backend.GetNextKey(map, key, next);
            if (errno == Errno.ENOENT)
            {
                break;
            }

            Check(errno, "get-next-key");
            var value = new byte[layout.ValueSize];
            Check(backend.Lookup(map, next, value), "lookup");
            entries.Add($"{Backends.Hex(next)}={Backends.Hex(value)}");
            key = next.ToArray();
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    private static void Check(Errno errno, string step)
    {
        if (errno != Errno.None)
        {
            throw new InvalidOperationException($"Reading the map's state: {step} answered {errno}.");
        }
    }
}
