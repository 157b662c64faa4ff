using System.Buffers.Binary;
using System.Text;

namespace BpfMaps.Kernel.Btf;

/// <summary>
/// Writes a BTF blob for BPF_BTF_LOAD (reference §9): a 24-byte header, the type section, the string section. Type ids
/// are implicit, 1, 2, ... in the order types are added (0 is void); names are deduplicated in the string section,
/// which starts with the empty name. Everything is little-endian, as on the hosts the kernel backend runs on.
/// </summary>
internal sealed class BtfBuilder
{
    /// <summary>BTF_MAGIC.</summary>
    public const ushort Magic = 0xEB9F;

    /// <summary>BTF_VERSION.</summary>
    public const byte Version = 1;

    /// <summary>sizeof(struct btf_header).</summary>
    public const int HeaderSize = 24;

    private const uint KindInt = 1;
    private const uint KindArray = 3;
    private const uint KindStruct = 4;

    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];
    private readonly Dictionary<string, uint> _names = new(StringComparer.Ordinal) { [""] = 0 };

    /// <summary>How many types were added; also the id of the last one.</summary>
    public uint TypeCount { get; private set; }

    /// <summary>
    /// BTF_KIND_INT of <paramref name="size"/> bytes and <paramref name="bits"/> bits at bit offset 0; returns its id.
    /// </summary>
    public uint AddInt(string name, uint size, BtfIntEncoding encoding, uint bits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 0xFFu);
        AddType(name, KindInt, vlen: 0, size);
        Write((uint)encoding << 24 | bits);
        return TypeCount;
    }

    /// <summary>BTF_KIND_ARRAY of <paramref name="count"/> elements of <paramref name="elementType"/>; returns its id.</summary>
    public uint AddArray(uint elementType, uint indexType, uint count)
    {
        AddType("", KindArray, vlen: 0, sizeOrType: 0);
        Write(elementType);
        Write(indexType);
        Write(count);
        return TypeCount;
    }

    /// <summary>BTF_KIND_STRUCT of <paramref name="size"/> bytes with <paramref name="members"/> in order; returns its id.</summary>
    public uint AddStruct(string name, uint size, IReadOnlyList<BtfMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(members.Count, ushort.MaxValue);
        AddType(name, KindStruct, (uint)members.Count, size);
        foreach (var member in members)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(member.ByteOffset, uint.MaxValue / 8);
            Write(Name(member.Name));
            Write(member.Type);
            Write(member.ByteOffset * 8); // kind_flag 0: the whole field is the bit offset
        }

        return TypeCount;
    }

    /// <summary>The blob: header, types, strings.</summary>
    public byte[] Build()
    {
        var blob = new byte[HeaderSize + _types.Count + _strings.Count];
        var header = blob.AsSpan(0, HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header, Magic);
        header[2] = Version;
        header[3] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], HeaderSize); // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0); // type_off, from the end of the header
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)_types.Count); // type_len
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)_types.Count); // str_off
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)_strings.Count); // str_len
        _types.CopyTo(blob, HeaderSize);
        _strings.CopyTo(blob, HeaderSize + _types.Count);
        return blob;
    }

    // struct btf_type: name_off, info (vlen bits 0-15, kind bits 24-28, kind_flag bit 31), size or type.
    private void AddType(string name, uint kind, uint vlen, uint sizeOrType)
    {
        Write(Name(name));
        Write(kind << 24 | vlen);
        Write(sizeOrType);
        TypeCount++;
    }

    private uint Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_names.TryGetValue(name, out var offset))
        {
            return offset;
        }

        offset = (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(name));
        _strings.Add(0);
        _names.Add(name, offset);
        return offset;
    }

    private void Write(uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _types.AddRange(bytes);
    }
}

/// <summary>A struct member: name, type id, byte offset.</summary>
internal readonly record struct BtfMember(string Name, uint Type, uint ByteOffset);

/// <summary>BTF_INT_ENCODING bits.</summary>
[Flags]
internal enum BtfIntEncoding : uint
{
    /// <summary>Unsigned.</summary>
    None = 0,

    /// <summary>BTF_INT_SIGNED.</summary>
    Signed = 1,

    /// <summary>BTF_INT_CHAR.</summary>
    Char = 2,

    /// <summary>BTF_INT_BOOL.</summary>
    Bool = 4,
}
