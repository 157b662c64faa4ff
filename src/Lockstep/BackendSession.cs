using System.Globalization;
using BpfMaps.Conformance;

namespace BpfMaps.Lockstep;

/// <summary>
/// One backend's side of a lockstep run: the handles open on its map (the created one first, then those opened by id
/// or from a pin), and the two buffers that carry results from step to step (the next_key of the last GET_NEXT_KEY,
/// the out_batch of the last lookup batch). Applies an operation and captures its whole outcome; output buffers are
/// pre-filled with a fixed pattern so that bytes a call does not write are compared too. Paths resolve in a BPF file
/// system of its own, made on first use and dropped with the session; CPU switches last until the session ends.
/// </summary>
public sealed class BackendSession : IDisposable
{
    private readonly IBpfMapBackend _backend;
    private readonly ConformanceEnvironment _environment;
    private readonly List<BpfMapHandle> _handles = [];
    private uint _mapId;
    private IBpfFileSystemFixture? _fileSystem;
    private IDisposable? _cpu;
    private int? _cpuNumber;
    private byte[] _nextKey = [];
    private byte[] _outBatch = [];

    /// <summary>
    /// A session on <paramref name="backend"/>; nothing is created until <see cref="Create"/>. The
    /// <paramref name="environment"/> gives it a BPF file system for paths and a way to run on another CPU.
    /// </summary>
    public BackendSession(IBpfMapBackend backend, ConformanceEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _environment = environment ?? ConformanceEnvironment.None;
    }

    /// <summary>Whether the map was created.</summary>
    public bool HasMap => _handles.Count > 0;

    /// <summary>Backend calls made so far.</summary>
    public long Syscalls { get; private set; }

    /// <summary>
    /// BPF_MAP_CREATE of <paramref name="spec"/>, then BPF_OBJ_GET_INFO_BY_FD for the map's id (which
    /// <see cref="OpenByIdOp"/> and <see cref="GetInfoOp"/> compare against).
    /// </summary>
    public StepOutcome Create(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Syscalls++;
        try
        {
            var errno = _backend.CreateMap(spec, out var map);
            if (map is null)
            {
                return new StepOutcome { Errno = errno };
            }

            _handles.Add(map);
            _nextKey = Filled((int)map.Layout.KeySize);
            _outBatch = Filled(BpfMapLayout.CursorSize);
            Syscalls++;
            var infoErrno = _backend.GetMapInfo(map, out var info);
            _mapId = info?.Id ?? 0;
            return new StepOutcome { Errno = errno, Fields = infoErrno == Errno.None ? null : $"get-info after the create: {StepOutcome.Name(infoErrno)}" };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return StepOutcome.Threw(ex);
        }
    }

    /// <summary>Applies <paramref name="operation"/> and captures everything it showed.</summary>
    public StepOutcome Apply(LockstepOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentOutOfRangeException.ThrowIfNegative(operation.Handle);
        if (_handles.Count == 0)
        {
            throw new InvalidOperationException("The map was not created.");
        }

        var map = _handles[operation.Handle % _handles.Count];
        try
        {
            var outcome = operation switch
            {
                LookupOp op => Lookup(map, op),
                UpdateOp op => Call(new StepOutcome { Errno = _backend.Update(map, KeyOf(op.Key), op.Value, op.Flags) }),
                DeleteOp op => Call(new StepOutcome { Errno = _backend.Delete(map, KeyOf(op.Key)) }),
                GetNextKeyOp op => GetNextKey(map, op),
                LookupAndDeleteOp op => LookupAndDelete(map, op),
                FreezeOp => Call(new StepOutcome { Errno = _backend.Freeze(map) }),
                LookupBatchOp op => LookupBatch(map, op),
                UpdateBatchOp op => UpdateBatch(map, op),
                DeleteBatchOp op => DeleteBatch(map, op),
                ContentsOp => Contents(map),
                BatchWalkOp op => BatchWalk(map, op),
                OpenByIdOp op => Opened(_backend.OpenMapById(op.Id ?? _mapId, op.Flags, out var opened), opened),
                CloseHandleOp op => Close(op.Handle % _handles.Count),
                GetInfoOp => Info(map),
                PinOp op => Call(new StepOutcome { Errno = _backend.Pin(map, PathOf(op.Path)) }),
                OpenPinnedOp op => Opened(_backend.OpenPinned(PathOf(op.Path), op.Flags, out var opened), opened),
                SwitchCpuOp op => SwitchCpu(op.Cpu),
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

    /// <summary>Closes every handle, drops the session's BPF file system (and its pins), and leaves a switched CPU.</summary>
    public void Dispose()
    {
        foreach (var handle in _handles)
        {
            handle.Dispose();
        }

        _handles.Clear();
        try
        {
            _fileSystem?.Dispose();
        }
        finally
        {
            _fileSystem = null;
            _cpu?.Dispose();
            _cpu = null;
            _cpuNumber = null;
        }
    }

    // A handle opened by id or from a pin joins the session's handles; the step shows its spec and access mode.
    private StepOutcome Opened(Errno errno, BpfMapHandle? map)
    {
        if (map is not null)
        {
            _handles.Add(map);
        }

        var fields = map is null
            ? "no handle"
            : string.Create(CultureInfo.InvariantCulture,
                $"handle {_handles.Count - 1}, {map.Access}: {LockstepScenario.Describe(map.Spec)}{(map.Spec.Name is { } name ? $" name={name}" : "")}");
        return Call(new StepOutcome { Errno = errno, Fields = fields });
    }

    // The last handle stays open, so that every later step has a map to go through.
    private StepOutcome Close(int index)
    {
        if (_handles.Count == 1)
        {
            return new StepOutcome { Errno = Errno.None, Fields = "the last handle stays open" };
        }

        _handles[index].Dispose();
        _handles.RemoveAt(index);
        return Call(new StepOutcome { Errno = Errno.None, Fields = string.Create(CultureInfo.InvariantCulture, $"closed handle {index}, {_handles.Count} open") });
    }

    // Ids differ between backends: the id is compared as the created map's or another.
    private StepOutcome Info(BpfMapHandle map)
    {
        var errno = _backend.GetMapInfo(map, out var info);
        var fields = info is null
            ? "no info"
            : string.Create(CultureInfo.InvariantCulture,
                $"id={(info.Id == _mapId ? "the created map's" : "another")} type={info.Type} key_size={info.KeySize} value_size={info.ValueSize} max_entries={info.MaxEntries} map_flags={info.Flags} name=\"{info.Name}\"");
        return Call(new StepOutcome { Errno = errno, Fields = fields });
    }

    // A switch to the CPU the session is on already is skipped: moving a thread costs a migration, twice when the
    // previous pinning is undone first.
    private StepOutcome SwitchCpu(int cpu)
    {
        var pinning = _environment.CpuPinning ?? throw new InvalidOperationException("The session's environment cannot run on another CPU.");
        if (_cpuNumber != cpu)
        {
            _cpu?.Dispose();
            _cpu = null;
            _cpuNumber = null;
            _cpu = pinning.PinCurrentThread(cpu);
            _cpuNumber = cpu;
        }

        return new StepOutcome { Errno = Errno.None, Fields = string.Create(CultureInfo.InvariantCulture, $"on CPU {cpu}") };
    }

    // The session's bpffs and ordinary directory, made on first use.
    private string PathOf(PinPath path)
    {
        var make = _environment.BpfFileSystem ?? throw new InvalidOperationException("The session's environment has no BPF file system.");
        _fileSystem ??= make();
        return path.Resolve(_fileSystem.BpfDirectory, _fileSystem.OtherDirectory);
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
