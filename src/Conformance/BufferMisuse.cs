namespace BpfMaps.Conformance;

/// <summary>
/// A call with a buffer too short for the map, or a batch count past its buffers: the library must throw before
/// anything reaches the map, because the kernel would write past the buffer (design.md, "Programming errors").
/// The argument cases and the kernel backend's syscall-counting test both use this one list.
/// </summary>
/// <param name="Command">The command, as in case names.</param>
/// <param name="Problem">What is wrong with the call.</param>
/// <param name="Call">Makes the call on a map with at least 3 elements of ids 0..2.</param>
public sealed record BufferMisuse(string Command, string Problem, Action<IBpfMapBackend, BpfMapHandle> Call)
{
    private static byte[] Short(ulong needed) => new byte[needed - 1];

    private static byte[] KeyOf(BpfMapHandle map, uint id) => Data.Key(id, map.Spec.KeySize);

    /// <summary>Every buffer misuse that applies to a map of <paramref name="type"/>.</summary>
    public static IEnumerable<BufferMisuse> For(BpfMapType type)
    {
        yield return new("lookup", "short-key", (b, m) => b.Lookup(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return new("lookup", "short-value", (b, m) => b.Lookup(m, KeyOf(m, 0), Short(m.Layout.ValueSize)));
        // The classic per-CPU mistake: a buffer of value_size bytes instead of one slot per possible CPU.
        if (type.IsPerCpu())
        {
            yield return new("lookup", "value-of-value-size-bytes", (b, m) => b.Lookup(m, KeyOf(m, 0), new byte[m.Spec.ValueSize]));
            yield return new("update", "value-of-value-size-bytes", (b, m) => b.Update(m, KeyOf(m, 0), new byte[m.Spec.ValueSize]));
        }
        yield return new("update", "short-key", (b, m) => b.Update(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return new("update", "short-value", (b, m) => b.Update(m, KeyOf(m, 3), Short(m.Layout.ValueSize)));
        yield return new("delete", "short-key", (b, m) => b.Delete(m, Short(m.Layout.KeySize)));
        yield return new("get-next-key", "short-key", (b, m) => b.GetNextKey(m, Short(m.Layout.KeySize), new byte[m.Layout.KeySize]));
        yield return new("get-next-key", "short-next-key", (b, m) => b.GetNextKey(m, KeyOf(m, 0), Short(m.Layout.KeySize)));
        yield return new("lookup-and-delete", "short-key", (b, m) => b.LookupAndDelete(m, Short(m.Layout.KeySize), new byte[m.Layout.ValueSize]));
        yield return new("lookup-and-delete", "short-value", (b, m) => b.LookupAndDelete(m, KeyOf(m, 0), Short(m.Layout.ValueSize)));
        foreach (var (name, andDelete) in new[] { ("lookup-batch", false), ("lookup-and-delete-batch", true) })
        {
            yield return new(name, "short-in-batch", (b, m) => LookupBatch(b, m, andDelete, 4, new byte[3], new byte[4], 4, 4));
            yield return new(name, "short-out-batch", (b, m) => LookupBatch(b, m, andDelete, 4, [], new byte[3], 4, 4));
            yield return new(name, "count-past-the-keys", (b, m) => LookupBatch(b, m, andDelete, 5, [], new byte[4], 4, 5));
            yield return new(name, "count-past-the-values", (b, m) => LookupBatch(b, m, andDelete, 5, [], new byte[4], 5, 4));
            yield return new(name, "count-uint-max", (b, m) => LookupBatch(b, m, andDelete, uint.MaxValue, [], new byte[4], 4, 4));
        }

        yield return new("update-batch", "count-past-the-keys", (b, m) => UpdateBatch(b, m, 3, 2, 3));
        yield return new("update-batch", "count-past-the-values", (b, m) => UpdateBatch(b, m, 3, 3, 2));
        yield return new("update-batch", "count-uint-max", (b, m) => UpdateBatch(b, m, uint.MaxValue, 3, 3));
        yield return new("delete-batch", "count-past-the-keys", (b, m) =>
        {
            var count = 3u;
            b.DeleteBatch(m, Data.Keys(m, 0, 1), ref count);
        });
        yield return new("delete-batch", "count-uint-max", (b, m) =>
        {
            var count = uint.MaxValue;
            b.DeleteBatch(m, Data.Keys(m, 0, 1), ref count);
        });
    }

    internal static void LookupBatch(IBpfMapBackend b, BpfMapHandle m, bool andDelete, uint count, byte[] inBatch, byte[] outBatch, int keySlots, int valueSlots)
    {
        var keys = new byte[(ulong)keySlots * m.Layout.KeySize];
        var values = new byte[(ulong)valueSlots * m.Layout.ValueSize];
        _ = andDelete
            ? b.LookupAndDeleteBatch(m, inBatch, outBatch, keys, values, ref count)
            : b.LookupBatch(m, inBatch, outBatch, keys, values, ref count);
    }

    internal static void UpdateBatch(IBpfMapBackend b, BpfMapHandle m, uint count, int keySlots, int valueSlots)
    {
        var keys = Data.Keys(m, [.. Enumerable.Range(0, keySlots).Select(i => (uint)i)]);
        var values = Data.Bytes(7, (ulong)valueSlots * m.Layout.ValueSize);
        b.UpdateBatch(m, keys, values, ref count);
    }

}
