namespace BpfMaps;

/// <summary>
/// The BTF a map is created with: the key and value types that BPF_MAP_CREATE names through <c>btf_fd</c>,
/// <c>btf_key_type_id</c> and <c>btf_value_type_id</c> (reference §9). A value holds a <c>struct bpf_spin_lock</c>
/// (and so accepts <see cref="BpfElementFlags.Lock"/>) only when its BTF says so.
/// </summary>
/// <remarks>
/// <para>The types are fixed by this description, so that every backend derives the same BTF from it:</para>
/// <list type="bullet">
/// <item>the value type is a struct of <see cref="ValueStructSize"/> bytes (by default the map's <c>value_size</c>) with
/// one <c>struct bpf_spin_lock</c> member at each offset of <see cref="SpinLockOffsets"/>, in increasing order, and
/// <c>unsigned char</c> arrays covering the bytes before, between and after them;</item>
/// <item>the key type is chosen by <see cref="Key"/>: a 32-bit <c>int</c>, an <c>unsigned char[key_size]</c>, or none;</item>
/// <item><see cref="Value"/> can name the value struct, no type, or a type id that does not exist.</item>
/// </list>
/// <para>Everything else is the kernel's answer: a lock that does not fit the struct, two locks, a misaligned lock, sizes
/// that differ from the map's, map types that refuse a lock. Only what the BTF encoding cannot hold is refused here.</para>
/// </remarks>
public sealed record BpfMapBtf
{
    /// <summary>The most bytes a lock offset can have: BTF member offsets are u32 bit counts.</summary>
    public const uint MaxOffset = uint.MaxValue / 8;

    /// <summary>The most locks one struct can hold: a struct has at most 65535 members (locks and the arrays between them).</summary>
    public const int MaxSpinLocks = (ushort.MaxValue - 1) / 2;

    private IReadOnlyList<uint> _spinLockOffsets = [];

    /// <summary>A value struct with one <c>struct bpf_spin_lock</c> at <paramref name="offset"/> (4 bytes).</summary>
    public static BpfMapBtf SpinLockAt(uint offset) => new() { SpinLockOffsets = [offset] };

    /// <summary>A value struct without a spin lock: the map has BTF but no special fields.</summary>
    public static BpfMapBtf WithoutSpinLock() => new();

    /// <summary>
    /// Byte offsets of the <c>struct bpf_spin_lock</c> members of the value struct; empty for none. The kernel
    /// accepts exactly one, 4-aligned, inside the struct.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An offset above <see cref="MaxOffset"/>, or more than <see cref="MaxSpinLocks"/> locks.</exception>
    public IReadOnlyList<uint> SpinLockOffsets
    {
        get => _spinLockOffsets;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Count, MaxSpinLocks, nameof(SpinLockOffsets));
            foreach (var offset in value)
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, MaxOffset, nameof(SpinLockOffsets));
            }

            _spinLockOffsets = [.. value.Order()];
        }
    }

    /// <summary>The size the value struct declares; null for the map's <c>value_size</c>.</summary>
    public uint? ValueStructSize { get; init; }

    /// <summary>What <c>btf_key_type_id</c> names.</summary>
    public BpfBtfKey Key { get; init; } = BpfBtfKey.Auto;

    /// <summary>What <c>btf_value_type_id</c> names.</summary>
    public BpfBtfValue Value { get; init; } = BpfBtfValue.Struct;

    /// <summary>The size of the value struct for a map of <paramref name="spec"/>.</summary>
    public uint ValueStructSizeFor(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ValueStructSize ?? spec.ValueSize;
    }

    /// <summary>The key type for a map of <paramref name="spec"/>, with <see cref="BpfBtfKey.Auto"/> resolved.</summary>
    public BpfBtfKey KeyFor(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Key switch
        {
            BpfBtfKey.Auto => spec.KeySize switch
            {
                0 => BpfBtfKey.None,
                4 => BpfBtfKey.IntType,
                _ => BpfBtfKey.Bytes,
            },
            var key => key,
        };
    }

    /// <inheritdoc />
    public bool Equals(BpfMapBtf? other) =>
        other is not null && _spinLockOffsets.SequenceEqual(other._spinLockOffsets) && ValueStructSize == other.ValueStructSize
        && Key == other.Key && Value == other.Value;

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var offset in _spinLockOffsets)
        {
            hash.Add(offset);
        }

        hash.Add(ValueStructSize);
        hash.Add(Key);
        hash.Add(Value);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"BTF(locks [{string.Join(", ", _spinLockOffsets)}], value struct {(ValueStructSize is { } size ? $"{size} B" : "value_size")}, key {Key}, value {Value})";
}

/// <summary>The key type that <c>btf_key_type_id</c> names (reference §9.1).</summary>
public enum BpfBtfKey
{
    /// <summary><see cref="IntType"/> for 4-byte keys, <see cref="None"/> for maps without keys, <see cref="Bytes"/> otherwise.</summary>
    Auto = 0,

    /// <summary>A signed 32-bit <c>int</c> (4 bytes), the only key type arrays accept.</summary>
    IntType = 1,

    /// <summary>An <c>unsigned char[key_size]</c> array.</summary>
    Bytes = 2,

    /// <summary><c>btf_key_type_id</c> 0: no key type.</summary>
    None = 3,
}

/// <summary>The value type that <c>btf_value_type_id</c> names (reference §3.3, §9.1).</summary>
public enum BpfBtfValue
{
    /// <summary>The value struct.</summary>
    Struct = 0,

    /// <summary><c>btf_value_type_id</c> 0: no value type (with no key type either, the map has no BTF).</summary>
    None = 1,

    /// <summary>A type id one past the last type of the BTF: a type that does not exist.</summary>
    Nonexistent = 2,
}
