using System.Text;

namespace BpfMaps;

/// <summary>
/// What BPF_MAP_CREATE is asked for. Every field is sent as given, so the kernel (or the simulator) decides which
/// combinations are valid; only what cannot be expressed in the syscall's attr (a name longer than its 16-byte field)
/// is rejected here, with an exception.
/// </summary>
public sealed record BpfMapSpec
{
    /// <summary>Size of the <c>map_name</c> field (BPF_OBJ_NAME_LEN), terminating NUL included.</summary>
    public const int NameFieldSize = 16;

    private readonly string? _name;

    /// <summary>Creates a spec with the four sizes every map needs.</summary>
    public BpfMapSpec(BpfMapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
    }

    /// <summary><c>map_type</c>.</summary>
    public BpfMapType Type { get; init; }

    /// <summary><c>key_size</c> in bytes.</summary>
    public uint KeySize { get; init; }

    /// <summary><c>value_size</c> in bytes (per CPU for per-CPU maps, before rounding to 8).</summary>
    public uint ValueSize { get; init; }

    /// <summary><c>max_entries</c>.</summary>
    public uint MaxEntries { get; init; }

    /// <summary><c>map_flags</c>, raw.</summary>
    public BpfMapFlags Flags { get; init; }

    /// <summary><c>numa_node</c>; the kernel reads it only with <see cref="BpfMapFlags.NumaNode"/>.</summary>
    public uint NumaNode { get; init; }

    /// <summary><c>map_extra</c>; must be 0 for the map types this library covers (reference §3.3).</summary>
    public ulong MapExtra { get; init; }

    /// <summary>
    /// <c>map_name</c>, encoded as UTF-8 into a 16-byte field. The kernel accepts at most 15 characters of
    /// <c>[A-Za-z0-9_.]</c>; others reach it unchanged so that its answer can be observed. A name whose encoding
    /// does not fit the field cannot be sent at all and is refused here.
    /// </summary>
    /// <exception cref="ArgumentException">The UTF-8 encoding is longer than 16 bytes.</exception>
    public string? Name
    {
        get => _name;
        init
        {
            if (value is not null && Encoding.UTF8.GetByteCount(value) > NameFieldSize)
            {
                throw new ArgumentException(
                    $"A map name is at most {NameFieldSize} bytes of UTF-8 (the kernel's map_name field); \"{value}\" needs {Encoding.UTF8.GetByteCount(value)}.",
                    nameof(Name));
            }

            _name = value;
        }
    }

    /// <summary>
    /// The BTF describing the key and value types, or null for none (<c>btf_fd</c> and the type ids 0). A value holds
    /// a <c>struct bpf_spin_lock</c>, and so accepts <see cref="BpfElementFlags.Lock"/>, only through BTF (reference §9).
    /// </summary>
    public BpfMapBtf? Btf { get; init; }

    /// <summary>The access mode of the handle that BPF_MAP_CREATE returns for these flags (reference §3.2).</summary>
    public BpfMapAccess Access => (Flags & (BpfMapFlags.ReadOnly | BpfMapFlags.WriteOnly)) switch
    {
        BpfMapFlags.ReadOnly => BpfMapAccess.ReadOnly,
        BpfMapFlags.WriteOnly => BpfMapAccess.WriteOnly,
        _ => BpfMapAccess.ReadWrite,
    };

    /// <summary>Writes the <c>map_name</c> field: the UTF-8 name, zero-filled to 16 bytes.</summary>
    public void WriteNameField(Span<byte> field)
    {
        if (field.Length != NameFieldSize)
        {
            throw new ArgumentException($"The map_name field is {NameFieldSize} bytes; got {field.Length}.", nameof(field));
        }

        field.Clear();
        if (_name is not null)
        {
            Encoding.UTF8.GetBytes(_name, field);
        }
    }
}
