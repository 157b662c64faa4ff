using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// Reads a map chunk by chunk: BPF_MAP_LOOKUP_BATCH (or, when draining, BPF_MAP_LOOKUP_AND_DELETE_BATCH) into a buffer
/// it sizes and grows itself, or a get-next-key walk where the map has no batch lookup. Enumerate it with
/// <c>foreach</c>, or call <see cref="ReadChunk"/> and use <see cref="Keys"/> and <see cref="Values"/>; afterwards
/// <see cref="Status"/> says whether the pass completed or stopped after its bounded number of steps.
/// </summary>
/// <remarks>
/// The reader keeps its pooled buffers until it is disposed: reading it again (<see cref="Reset"/>, or another
/// <c>foreach</c>) allocates nothing. Elements deleted during a pass are safe to delete; a hash map's batch cursor is
/// a bucket, which deletes do not move. Not thread-safe. Kernel failures throw <see cref="BpfException"/>.
/// </remarks>
/// <typeparam name="TKey">The key type (<see cref="uint"/> indexes for arrays).</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class BpfMapReader<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly MapIteration _iteration;

    internal BpfMapReader(BpfMap map, bool drain, BpfIterationOptions? options)
    {
        _iteration = new MapIteration(map, drain, options);
    }

    /// <summary>Where the current pass stands.</summary>
    public BpfIterationStatus Status => _iteration.Status;

    /// <summary>The commands the reader uses: batches, or a get-next-key walk where the map has no batch lookup.</summary>
    public BpfIterationMethod Method => _iteration.Method;

    /// <summary>Commands sent in the current pass.</summary>
    public long Steps => _iteration.Steps;

    /// <summary>Elements the next batch call asks for.</summary>
    public int ChunkCapacity => _iteration.ChunkCapacity;

    /// <summary>The keys of the current chunk.</summary>
    public ReadOnlySpan<TKey> Keys => MemoryMarshal.Cast<byte, TKey>(_iteration.Keys);

    /// <summary>The values of the current chunk, one per key.</summary>
    public ReadOnlySpan<TValue> Values => MemoryMarshal.Cast<byte, TValue>(_iteration.Values);

    /// <summary>Reads the next chunk into <see cref="Keys"/> and <see cref="Values"/>; false when the pass is over.</summary>
    /// <exception cref="BpfException">A command failed.</exception>
    public bool ReadChunk() => _iteration.ReadChunk();

    /// <summary>Starts a new pass from the beginning of the map.</summary>
    public void Reset() => _iteration.Reset();

    /// <summary>Starts a new pass and enumerates its elements.</summary>
    public Enumerator GetEnumerator()
    {
        Reset();
        return new Enumerator(this);
    }

    /// <summary>Gives the buffers back to the pool; the reader cannot be used afterwards.</summary>
    public void Dispose() => _iteration.Dispose();

    /// <summary>Enumerates the elements of a pass, chunk by chunk, without allocating.</summary>
    public struct Enumerator
    {
        private readonly BpfMapReader<TKey, TValue> _reader;
        private int _index;

        internal Enumerator(BpfMapReader<TKey, TValue> reader)
        {
            _reader = reader;
            _index = -1;
        }

        /// <summary>The current element.</summary>
        public readonly KeyValuePair<TKey, TValue> Current => new(_reader.Keys[_index], _reader.Values[_index]);

        /// <summary>Moves to the next element, reading the next chunk when this one is used up.</summary>
        /// <exception cref="BpfException">A command failed.</exception>
        public bool MoveNext()
        {
            if (++_index < _reader._iteration.Count)
            {
                return true;
            }

            _index = 0;
            return _reader.ReadChunk();
        }
    }
}

/// <summary>
/// Reads a per-CPU map chunk by chunk, as <see cref="BpfMapReader{TKey, TValue}"/> does; each value is a
/// <see cref="PerCpu{T}"/> view of the chunk's buffer.
/// </summary>
/// <typeparam name="TKey">The key type (<see cref="uint"/> indexes for arrays).</typeparam>
/// <typeparam name="TValue">The value type of one CPU's slot.</typeparam>
public sealed class BpfPerCpuMapReader<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private readonly MapIteration _iteration;
    private readonly int _cpus;

    internal BpfPerCpuMapReader(BpfMap map, bool drain, BpfIterationOptions? options)
    {
        _iteration = new MapIteration(map, drain, options);
        _cpus = map.Handle.Layout.PossibleCpus;
    }

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Status"/>
    public BpfIterationStatus Status => _iteration.Status;

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Method"/>
    public BpfIterationMethod Method => _iteration.Method;

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Steps"/>
    public long Steps => _iteration.Steps;

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.ChunkCapacity"/>
    public int ChunkCapacity => _iteration.ChunkCapacity;

    /// <summary>The number of elements in the current chunk.</summary>
    public int Count => _iteration.Count;

    /// <summary>The keys of the current chunk.</summary>
    public ReadOnlySpan<TKey> Keys => MemoryMarshal.Cast<byte, TKey>(_iteration.Keys);

    /// <summary>The per-CPU value of element <paramref name="index"/> of the current chunk.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public PerCpu<TValue> ValuesAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var size = PerCpu.SizeInBytes<TValue>(_cpus);
        return new PerCpu<TValue>(_iteration.Values.Slice(index * size, size), _cpus);
    }

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.ReadChunk"/>
    public bool ReadChunk() => _iteration.ReadChunk();

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Reset"/>
    public void Reset() => _iteration.Reset();

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.GetEnumerator"/>
    public Enumerator GetEnumerator()
    {
        Reset();
        return new Enumerator(this);
    }

    /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Dispose"/>
    public void Dispose() => _iteration.Dispose();

    /// <summary>Enumerates the elements of a pass, chunk by chunk, without allocating.</summary>
    public struct Enumerator
    {
        private readonly BpfPerCpuMapReader<TKey, TValue> _reader;
        private int _index;

        internal Enumerator(BpfPerCpuMapReader<TKey, TValue> reader)
        {
            _reader = reader;
            _index = -1;
        }

        /// <summary>The current element.</summary>
        public readonly BpfPerCpuEntry<TKey, TValue> Current => new(_reader.Keys[_index], _reader.ValuesAt(_index));

        /// <inheritdoc cref="BpfMapReader{TKey, TValue}.Enumerator.MoveNext"/>
        public bool MoveNext()
        {
            if (++_index < _reader.Count)
            {
                return true;
            }

            _index = 0;
            return _reader.ReadChunk();
        }
    }
}

/// <summary>An element of a per-CPU map: its key and a view of its per-CPU value.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type of one CPU's slot.</typeparam>
public readonly ref struct BpfPerCpuEntry<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Creates an entry.</summary>
    public BpfPerCpuEntry(TKey key, PerCpu<TValue> values)
    {
        Key = key;
        Values = values;
    }

    /// <summary>The key.</summary>
    public TKey Key { get; }

    /// <summary>The value, one slot per possible CPU.</summary>
    public PerCpu<TValue> Values { get; }

    /// <summary>Deconstructs into key and values.</summary>
    public void Deconstruct(out TKey key, out PerCpu<TValue> values)
    {
        key = Key;
        values = Values;
    }
}
