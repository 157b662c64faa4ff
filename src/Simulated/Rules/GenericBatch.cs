using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated.Rules;

/// <summary>
/// The kernel's generic batch commands (<c>syscall.c:generic_map_*_batch</c>), built from a map's element
/// operations: LOOKUP_BATCH for arrays with a key cursor (reference §8.4), UPDATE_BATCH and DELETE_BATCH for every
/// type that has them (§8.5, §8.6). Elements are processed in order and nothing is rolled back; the errnos come
/// from <see cref="KernelRules"/>.
/// </summary>
internal static class GenericBatch
{
    /// <summary>generic_map_lookup_batch (§8.4): out_batch is the last key returned.</summary>
    public static Errno Lookup(MapModel map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
        ref uint count, BpfElementFlags elementFlags)
    {
        // §8.2: elem_flags are checked (before the count == 0 shortcut); batch.flags are not.
        var errno = KernelRules.BatchElementFlags(map, elementFlags, BpfElementFlags.Cpu);
        if (errno != Errno.None || count == 0)
        {
            return errno;
        }

        var room = count;
        count = 0;
        var keySize = map.KeySize;
        var valueSize = map.ValueSize;

        // The kernel's buf_prevkey, key and value buffers (kvmalloc'ed per call there; once per map here).
        var buffers = map.Scratch((2 * keySize) + valueSize);
        var previous = buffers[..keySize];
        var key = buffers.Slice(keySize, keySize);
        var value = buffers[(2 * keySize)..];
        var hasPrevious = !inBatch.IsEmpty;
        if (hasPrevious)
        {
            inBatch[..keySize].CopyTo(previous);
        }

        var copied = 0u;
        while (copied < room)
        {
            // §8.4: the array's get-next-key, so an in_batch at or past max_entries restarts at index 0.
            errno = map.GetNextKey(hasPrevious ? previous : [], key);
            if (errno != Errno.None)
            {
                break;
            }

            // An array lookup of an index that get-next-key returned cannot miss.
            errno = map.LookupElement(key, value);
            if (errno != Errno.None)
            {
                return errno;
            }

            // §8.4: a fault returns at once, count left at 0.
            var fault = KernelRules.CopyToUser(keys);
            if (fault != Errno.None)
            {
                return fault;
            }

            key.CopyTo(keys[(int)(copied * (uint)keySize)..]);
            fault = KernelRules.CopyToUser(values);
            if (fault != Errno.None)
            {
                return fault;
            }

            map.CopyValueOut(value, values, copied, elementFlags);
            key.CopyTo(previous);
            hasPrevious = true;
            copied++;
        }

        // §8.4: count is written before out_batch, which is written only when something was returned.
        count = copied;
        if (copied > 0)
        {
            var fault = KernelRules.CopyToUser(outBatch);
            if (fault != Errno.None)
            {
                return fault;
            }

            previous.CopyTo(outBatch);
        }

        return errno;
    }

    /// <summary>generic_map_update_batch (§8.5): each element exactly like UPDATE_ELEM with elem_flags.</summary>
    public static Errno Update(MapModel map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count, BpfElementFlags elementFlags)
    {
        // §8.2, §8.5: only 0 or BPF_F_LOCK (and the CPU flags where the kernel has them), also with count 0;
        // batch.flags are not checked.
        var errno = KernelRules.BatchElementFlags(map, elementFlags, BpfElementFlags.Cpu | BpfElementFlags.AllCpus);
        if (errno != Errno.None || count == 0)
        {
            return errno;
        }

        var room = count;
        count = 0;
        var done = 0u;
        for (; done < room; done++)
        {
            errno = KernelRules.CopyFromUser(keys);
            if (errno == Errno.None)
            {
                errno = KernelRules.CopyFromUser(values);
            }

            if (errno == Errno.None)
            {
                // Each element takes the user value size of the flags (one CPU's value with the CPU flags).
                var key = keys.Slice((int)(done * (uint)map.KeySize), map.KeySize);
                var size = KernelRules.UserValueSize(map, elementFlags);
                var value = values.Slice((int)(done * (uint)size), size);
                errno = map.UpdateElement(key, value, elementFlags, KernelRules.WriteOf(map, elementFlags));
            }

            if (errno != Errno.None)
            {
                break;
            }
        }

        // §8.5: count is the number of elements processed before the failing one; no rollback.
        count = done;
        return errno;
    }

    /// <summary>generic_map_delete_batch (§8.6): each element exactly like DELETE_ELEM.</summary>
    public static Errno Delete(MapModel map, ReadOnlySpan<byte> keys, ref uint count, BpfElementFlags elementFlags)
    {
        // §8.6: elem_flags 0 (BPF_F_LOCK only with a spin lock); batch.flags are not checked.
        var errno = KernelRules.GenericBatchElementFlags(map, elementFlags);
        if (errno != Errno.None || count == 0)
        {
            return errno;
        }

        var room = count;
        count = 0;
        var done = 0u;
        for (; done < room; done++)
        {
            errno = KernelRules.CopyFromUser(keys);
            if (errno == Errno.None)
            {
                errno = map.DeleteElement(keys.Slice((int)(done * (uint)map.KeySize), map.KeySize));
            }

            if (errno != Errno.None)
            {
                break;
            }
        }

        // §8.6: count is the number deleted before the failing key; no rollback.
        count = done;
        return errno;
    }
}
