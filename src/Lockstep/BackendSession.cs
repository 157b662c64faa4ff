namespace BpfMaps.Lockstep;

/// <summary>
/// One backend's side of a lockstep run: its map, and the two buffers that carry results from step to step (the
/// next_key of the last GET_NEXT_KEY, the out_batch of the last lookup batch). Applies an operation and captures its
/// whole outcome; output buffers are pre-filled with a fixed pattern so that bytes a call does not write are compared
/// too.
/// </summary>
public sealed class BackendSession : IDisposable
{
    private readonly IBpfMapBackend _backend;
    private BpfMapHandle? _map;
    private byte[] _nextKey = [];
    private byte[] _outBatch = [];

    /// <summary>A session on <paramref name="backend"/>; nothing is created until <see cref="Create"/>.</summary>
    public BackendSession(IBpfMapBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
    }

    /// <summary>Whether the map was created.</summary>
    public bool HasMap => _map is not null;

    /// <summary>Backend calls made so far.</summary>
    public long Syscalls { get; private set; }

    /// <summary>BPF_MAP_CREATE of <paramref name="spec"/>.</summary>
    public StepOutcome Create(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Syscalls++;
        try
        {
            var errno = _backend.CreateMap(spec, out var map);
            _map = map;
            if (map is not null)
            {
                _nextKey = Filled((int)map.Layout.KeySize);
                _outBatch = Filled(BpfMapLayout.CursorSize);
            }

            return new StepOutcome { Errno = errno };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return StepOutcome.Threw(ex);
        }
    }

    /// <summary>Applies <paramref name="operation"/> to the map and captures everything it showed.</summary>
    public StepOutcome Apply(LockstepOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (_map is null)
        {
            throw new InvalidOperationException("The map was not created.");
        }

        try
        {
            var outcome = operation switch
            {
                LookupOp op => Lookup(_map, op),
                UpdateOp op => Call(new StepOutcome { Errno = _backend.Update(_map, KeyOf(op.Key), op.Value, op.Flags) }),
                DeleteOp op => Call(new StepOutcome { Errno = _backend.Delete(_map, KeyOf(op.Key)) }),
                GetNextKeyOp op => GetNextKey(_map, op),
                LookupAndDeleteOp op => LookupAndDelete(_map, op),
                FreezeOp => Call(new StepOutcome { Errno = _backend.Freeze(_map) }),
                LookupBatchOp op => LookupBatch(_map, op),
                UpdateBatchOp op => UpdateBatch(_map, op),
                DeleteBatchOp op => DeleteBatch(_map, op),
                ContentsOp => Contents(_map),
                BatchWalkOp op => BatchWalk(_map, op),
                _ => throw new NotSupportedException($"Unknown operation {operation.GetType().Name}."),
            };
            return outcome;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A backend defect (or a contract exception) is an outcome to compare, not a crash of the run.
            Syscalls++;
            return StepOutcome.Threw(ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _map?.Dispose();
        _map = null;
    }

    private StepOutcome Call(StepOutcome outcome)
    {
        Syscalls++;
        return outcome;
    }

    private StepOutcome Lookup(BpfMapHandle map, LookupOp op)
    {
        var value = op.NullValue ? [] : Filled((int)map.Layout.ValueSize);
        var errno = _backend.Lookup(map, KeyOf(op.Key), value, op.Flags);
        return Call(new StepOutcome { Errno = errno, Outputs = op.NullValue ? [] : [new("value", value)] });
    }

    private StepOutcome LookupAndDelete(BpfMapHandle map, LookupAndDeleteOp op)
    {
        var value = op.NullValue ? [] : Filled((int)map.Layout.ValueSize);
        var errno = _backend.LookupAndDelete(map, KeyOf(op.Key), value, op.Flags);
        return Call(new StepOutcome { Errno = errno, Outputs = op.NullValue ? [] : [new("value", value)] });
    }

    private StepOutcome GetNextKey(BpfMapHandle map, GetNextKeyOp op)
    {
        var key = KeyOf(op.Key);
        var errno = _backend.GetNextKey(map, key, op.NullNextKey ? [] : _nextKey);
        return Call(new StepOutcome { Errno = errno, Outputs = [new("next_key", _nextKey.ToArray())] });
    }

    private StepOutcome LookupBatch(BpfMapHandle map, LookupBatchOp op)
    {
        var inBatch = op.InBatch.Source switch
        {
            CursorSource.Null => [],
            CursorSource.LastOutBatch => _outBatch.ToArray(),
            _ => KeyArg.Index(op.InBatch.Value).Bytes!,
        };
        var keys = op.NullKeys ? [] : Filled(checked((int)(op.Count * map.Layout.KeySize)));
        var values = op.NullValues ? [] : Filled(checked((int)(op.Count * map.Layout.ValueSize)));
        var count = op.Count;
        var outBatch = op.NullOutBatch ? [] : _outBatch;
        var errno = op.AndDelete
            ? _backend.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count, op.ElementFlags, op.Flags)
            : _backend.LookupBatch(map, inBatch, outBatch, keys, values, ref count, op.ElementFlags, op.Flags);
        return Call(new StepOutcome
        {
            Errno = errno,
            Count = count,
            Outputs = [new("out_batch", _outBatch.ToArray()), new("keys", keys), new("values", values)],
        });
    }

    private StepOutcome UpdateBatch(BpfMapHandle map, UpdateBatchOp op)
    {
        var keys = op.Keys is null ? [] : Concat(op.Keys);
        var values = op.Values is null ? [] : Concat(op.Values);
        var count = op.Count;
        var errno = _backend.UpdateBatch(map, keys, values, ref count, op.ElementFlags, op.Flags);
        return Call(new StepOutcome { Errno = errno, Count = count });
    }

    private StepOutcome DeleteBatch(BpfMapHandle map, DeleteBatchOp op)
    {
        var keys = op.Keys is null ? [] : Concat(op.Keys);
        var count = op.Count;
        var errno = _backend.DeleteBatch(map, keys, ref count, op.ElementFlags, op.Flags);
        return Call(new StepOutcome { Errno = errno, Count = count });
    }

    // A GET_NEXT_KEY walk with a lookup of each key, or pops for queues and stacks. An iteration visits each element
    // once, so more calls than the map can hold mean a restart loop: the walk stops there, and the other backend's
    // outcome will differ.
    private StepOutcome Contents(BpfMapHandle map)
    {
        var calls = new List<StepOutcome>();
        var elements = new List<byte[]>();
        var limit = map.Spec.MaxEntries + (uint)_backend.PossibleCpuCount + 1;
        Errno errno;
        if (map.Spec.Type.IsQueueOrStack())
        {
            errno = Drain(map, calls, elements, limit);
        }
        else
        {
            var key = Array.Empty<byte>();
            errno = Errno.None;
            while (calls.Count < 2 * limit)
            {
                var next = Filled((int)map.Layout.KeySize);
                errno = _backend.GetNextKey(map, key, next);
                calls.Add(new StepOutcome { Errno = errno, Outputs = [new("next_key", next)] });
                if (errno != Errno.None)
                {
                    break;
                }

                var value = Filled((int)map.Layout.ValueSize);
                errno = _backend.Lookup(map, next, value);
                calls.Add(new StepOutcome { Errno = errno, Outputs = [new("value", value)] });
                if (errno != Errno.None)
                {
                    break;
                }

                elements.Add([.. next, .. value]);
                key = next;
            }
        }

        Syscalls += calls.Count;
        return new StepOutcome { Errno = errno, Calls = calls, Elements = elements };
    }

    // Pops until ENOENT; where popping is refused (read-only handle, frozen map), one peek.
    private Errno Drain(BpfMapHandle map, List<StepOutcome> calls, List<byte[]> elements, uint limit)
    {
        var errno = Errno.None;
        while (calls.Count < limit)
        {
            var value = Filled((int)map.Layout.ValueSize);
            errno = _backend.LookupAndDelete(map, [], value);
            calls.Add(new StepOutcome { Errno = errno, Outputs = [new("value", value)] });
            if (errno != Errno.None)
            {
                break;
            }

            elements.Add(value);
        }

        if (errno == Errno.EPERM && calls.Count == 1)
        {
            var value = Filled((int)map.Layout.ValueSize);
            errno = _backend.Lookup(map, [], value);
            calls.Add(new StepOutcome { Errno = errno, Outputs = [new("value", value)] });
            if (errno == Errno.None)
            {
                elements.Add(value);
            }
        }

        return errno;
    }

    // LOOKUP_BATCH from NULL to ENOENT, continuing from each out_batch; ENOSPC doubles the chunk (§8.3).
    private StepOutcome BatchWalk(BpfMapHandle map, BatchWalkOp op)
    {
        var calls = new List<StepOutcome>();
        var elements = new List<byte[]>();
        var keySize = (int)map.Layout.KeySize;
        var valueSize = (int)map.Layout.ValueSize;
        var chunk = Math.Max(op.Chunk, 1);
        var limit = (4 * (map.Spec.MaxEntries + (uint)_backend.PossibleCpuCount)) + 8;
        var inBatch = Array.Empty<byte>();
        var errno = Errno.None;
        while (calls.Count < limit)
        {
            var count = chunk;
            var keys = Filled(checked((int)count * keySize));
            var values = Filled(checked((int)count * valueSize));
            var outBatch = Filled(BpfMapLayout.CursorSize);
            errno = op.AndDelete
                ? _backend.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count)
                : _backend.LookupBatch(map, inBatch, outBatch, keys, values, ref count);
            calls.Add(new StepOutcome
            {
                Errno = errno,
                Count = count,
                Outputs = [new("out_batch", outBatch), new("keys", keys), new("values", values)],
            });
            for (var i = 0; i < (int)Math.Min(count, chunk); i++)
            {
                elements.Add([.. keys.AsSpan(i * keySize, keySize), .. values.AsSpan(i * valueSize, valueSize)]);
            }

            if (errno == Errno.ENOSPC && chunk < 2 * (map.Spec.MaxEntries + (uint)_backend.PossibleCpuCount))
            {
                chunk *= 2;
                continue;
            }

            if (errno != Errno.None)
            {
                break;
            }

            inBatch = outBatch;
        }

        Syscalls += calls.Count;
        return new StepOutcome { Errno = errno, Calls = calls, Elements = elements };
    }

    private byte[] KeyOf(KeyArg key) => key.Source switch
    {
        KeySource.Null => [],
        KeySource.LastNextKey => _nextKey.ToArray(),
        _ => key.Bytes!,
    };

    // A pattern that differs from byte to byte, so that a write at a wrong offset shows too.
    private static byte[] Filled(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = unchecked((byte)(0xA5 ^ (i * 29)));
        }

        return bytes;
    }

    private static byte[] Concat(IReadOnlyList<byte[]> parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
