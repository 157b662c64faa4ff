using System.Buffers;

namespace BpfMaps;

/// <summary>
/// The reading engine of the map readers: chunks of keys and values in the kernel's layout, read with the batch
/// commands where the map has them and by get-next-key otherwise. Its buffers come from <see cref="ArrayPool{T}"/>
/// and stay with it until it is disposed, so a reader read again allocates nothing.
/// </summary>
internal sealed class MapIteration : IDisposable
{
    private const int AutomaticChunkBytes = 64 * 1024;
    private const int AutomaticMinChunk = 16;
    private const int AutomaticMaxFirstChunk = 4096;
    private const int AutomaticMaxChunkBytes = 4 * 1024 * 1024;

    private readonly BpfMap _map;
    private readonly bool _drain;
    private readonly int _keySize;
    private readonly int _valueSize;
    private readonly int _maxChunk;
    private readonly long _maxSteps;

    // in_batch and out_batch (reference §8.3, §8.4), then the key a get-next-key walk goes on from.
    private readonly byte[] _cursors;
    private byte[] _keys;
    private byte[] _values;
    private int _capacity;
    private bool _growBeforeNextCall;
    private bool _hasCursor;
    private bool _hasPending;
    private bool _finished;
    private bool _disposed;

    public MapIteration(BpfMap map, bool drain, BpfIterationOptions? options)
    {
        ObjectDisposedException.ThrowIf(map.Handle.IsClosed, map.Handle);
        _map = map;
        _drain = drain;
        _keySize = (int)map.Spec.KeySize;
        _valueSize = (int)map.Handle.Layout.ValueSize;
        var perElement = (long)_keySize + _valueSize;
        var maxEntries = Math.Max(1L, map.MaxEntries);

        // Chunks never hold more than Array.MaxLength bytes of keys or values.
        var arrayLimit = Array.MaxLength / Math.Max(_keySize, _valueSize);
        var initial = (int)Math.Min(maxEntries, Math.Clamp(AutomaticChunkBytes / perElement, AutomaticMinChunk, AutomaticMaxFirstChunk));
        if (options?.MaxChunkSize is > 0 and var max)
        {
            initial = Math.Min(initial, max);
        }

        if (options?.InitialChunkSize is > 0 and var chosen)
        {
            initial = chosen;
        }

        _maxChunk = options?.MaxChunkSize is > 0 and var chosenMax
            ? chosenMax
            : (int)Math.Max(initial, Math.Min(maxEntries, AutomaticMaxChunkBytes / perElement));
        if (initial > _maxChunk)
        {
            throw new ArgumentException(
                $"InitialChunkSize {initial} is larger than MaxChunkSize {_maxChunk}.", nameof(options));
        }

        _maxChunk = Math.Min(_maxChunk, arrayLimit);
        _capacity = Math.Min(initial, _maxChunk);
        _maxSteps = options?.MaxSteps is > 0 and var steps ? steps : 4 * (maxEntries + 16);
        _cursors = new byte[(2 * BpfMapLayout.CursorSize) + _keySize];
        _keys = ArrayPool<byte>.Shared.Rent(_capacity * _keySize);
        _values = ArrayPool<byte>.Shared.Rent(_capacity * _valueSize);
    }

    public BpfIterationStatus Status { get; private set; }

    public BpfIterationMethod Method { get; private set; }

    public long Steps { get; private set; }

    public int Count { get; private set; }

    public int ChunkCapacity => _capacity;

    public ReadOnlySpan<byte> Keys
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _keys.AsSpan(0, Count * _keySize);
        }
    }

    public Span<byte> Values
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _values.AsSpan(0, Count * _valueSize);
        }
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Status = BpfIterationStatus.NotStarted;
        Steps = 0;
        Count = 0;
        _hasCursor = false;
        _hasPending = false;
        _finished = false;
    }

    /// <summary>Reads the next chunk; false when the pass is over (<see cref="Status"/> says how it ended).</summary>
    public bool ReadChunk()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Count = 0;
        while (!_finished)
        {
            if (Steps >= _maxSteps)
            {
                Finish(BpfIterationStatus.StoppedAfterBoundedSteps);
                return false;
            }

            Status = BpfIterationStatus.InProgress;
            if (Method == BpfIterationMethod.GetNextKey)
            {
                return ReadByKeys();
            }

            if (ReadBatch(out var read))
            {
                return read;
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            // The buffers go back to the pool: nothing may read them from here on.
            _disposed = true;
            Count = 0;
            ArrayPool<byte>.Shared.Return(_keys);
            ArrayPool<byte>.Shared.Return(_values);
        }
    }

    // One batch call. True when the chunk is decided (read says whether it holds elements); false to call again.
    private bool ReadBatch(out bool read)
    {
        read = false;
        if (_growBeforeNextCall)
        {
            _growBeforeNextCall = false;
            Grow();
        }

        var cursors = _cursors.AsSpan();
        var inBatch = _hasCursor ? cursors[..BpfMapLayout.CursorSize] : [];
        var outBatch = cursors.Slice(BpfMapLayout.CursorSize, BpfMapLayout.CursorSize);
        var keys = _keys.AsSpan(0, _capacity * _keySize);
        var values = _values.AsSpan(0, _capacity * _valueSize);
        var count = (uint)_capacity;
        var command = _drain ? BpfMapCommand.LookupAndDeleteBatch : BpfMapCommand.LookupBatch;
        var backend = _map.Backend;
        Steps++;
        var errno = _drain
            ? backend.LookupAndDeleteBatch(_map.Handle, inBatch, outBatch, keys, values, ref count)
            : backend.LookupBatch(_map.Handle, inBatch, outBatch, keys, values, ref count);
        switch (errno)
        {
            case Errno.None:
                // More to come: continue after out_batch (a bucket for hash maps, the last key for arrays), and ask
                // for more next time.
                outBatch.CopyTo(cursors);
                _hasCursor = true;
                _growBeforeNextCall = _capacity < _maxChunk;
                Count = (int)count;
                read = Count > 0;
                return read;
            case Errno.ENOENT:
                // The end, possibly together with the last elements (§8.3, §8.4).
                Count = (int)count;
                Finish(BpfIterationStatus.Completed);
                read = Count > 0;
                return true;
            case Errno.ENOSPC when _capacity < _maxChunk:
                // §8.3: the next bucket does not fit the chunk; nothing was read, and in_batch still points at it.
                Grow();
                return false;
            case Errno.ENOTSUPP or Errno.EOPNOTSUPP or Errno.EINVAL when Steps == 1 && !_hasCursor:
                // No batch lookup for this map type, or a kernel before 5.6 that does not know the command.
                Method = BpfIterationMethod.GetNextKey;
                Steps = 0;
                return false;
            default:
                throw new BpfException(command, errno, _map.Spec,
                    errno == Errno.ENOSPC ? $" with its largest chunk, {_capacity} elements (BpfIterationOptions.MaxChunkSize)" : null);
        }
    }

    // Get-next-key walk: the key after each element is fetched before the chunk is handed out, so the caller may
    // delete what it was given without restarting the walk (§7.1). Draining deletes as it goes and so always takes
    // the first key.
    private bool ReadByKeys()
    {
        var backend = _map.Backend;
        var pending = _cursors.AsSpan(2 * BpfMapLayout.CursorSize, _keySize);

        // A walk that has not started asks for the first key (_hasCursor: the walk has started).
        if (!_hasPending && !_hasCursor)
        {
            _hasCursor = true;
            if (!NextKey(backend, [], pending))
            {
                return false;
            }
        }

        while (Count < _capacity && _hasPending)
        {
            // An element costs two commands: its lookup and the next key.
            if (Steps + 2 > _maxSteps)
            {
                Finish(BpfIterationStatus.StoppedAfterBoundedSteps);
                break;
            }

            var key = _keys.AsSpan(Count * _keySize, _keySize);
            var value = _values.AsSpan(Count * _valueSize, _valueSize);
            pending.CopyTo(key);
            Steps++;
            var errno = _drain ? backend.LookupAndDelete(_map.Handle, key, value) : backend.Lookup(_map.Handle, key, value);
            var found = errno == Errno.None;
            if (!found && errno != Errno.ENOENT)
            {
                throw new BpfException(_drain ? BpfMapCommand.LookupAndDelete : BpfMapCommand.Lookup, errno, _map.Spec);
            }

            NextKey(backend, _drain ? [] : key, pending);
            if (found)
            {
                Count++;
            }
        }

        return Count > 0;
    }

    private bool NextKey(IBpfMapBackend backend, ReadOnlySpan<byte> key, Span<byte> next)
    {
        Steps++;
        var errno = backend.GetNextKey(_map.Handle, key, next);
        if (errno == Errno.ENOENT)
        {
            _hasPending = false;
            Finish(BpfIterationStatus.Completed);
            return false;
        }

        if (errno != Errno.None)
        {
            throw new BpfException(BpfMapCommand.GetNextKey, errno, _map.Spec);
        }

        _hasPending = true;
        return true;
    }

    private void Finish(BpfIterationStatus status)
    {
        _finished = true;
        Status = status;
    }

    private void Grow()
    {
        _capacity = (int)Math.Min(_maxChunk, 2L * _capacity);
        if (_keys.Length < _capacity * _keySize)
        {
            ArrayPool<byte>.Shared.Return(_keys);
            _keys = ArrayPool<byte>.Shared.Rent(_capacity * _keySize);
        }

        if (_values.Length < _capacity * _valueSize)
        {
            ArrayPool<byte>.Shared.Return(_values);
            _values = ArrayPool<byte>.Shared.Rent(_capacity * _valueSize);
        }
    }
}
