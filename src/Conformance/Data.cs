using System.Buffers.Binary;

namespace BpfMaps.Conformance;

/// <summary>Deterministic keys, values and byte helpers for the cases.</summary>
public static class Data
{
    /// <summary>A little-endian u32: an ARRAY key, or a 4-byte hash key.</summary>
    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>Reads a little-endian u32 (a batch cursor or an ARRAY key).</summary>
    public static uint ReadU32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    /// <summary>
    /// A key of <paramref name="size"/> bytes that is distinct for every <paramref name="id"/>: the id little-endian
    /// in the first bytes, then bytes derived from it.
    /// </summary>
    public static byte[] Key(uint id, uint size)
    {
        var bytes = new byte[size];
        Span<byte> id4 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(id4, id);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = i < 4 ? id4[i] : unchecked((byte)((id * 131) + (uint)(i * 17) + 5));
        }

        return bytes;
    }

    /// <summary><paramref name="length"/> bytes that differ for every seed and position (no zero runs).</summary>
    public static byte[] Bytes(int seed, ulong length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = unchecked((byte)((seed * 37) + (i * 11) + 1 + (i / 251)));
        }

        return bytes;
    }

    /// <summary>A value for <paramref name="map"/> (one whole per-CPU value for per-CPU maps, padding included).</summary>
    public static byte[] Value(BpfMapHandle map, int seed)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Bytes(seed, map.Layout.ValueSize);
    }

    /// <summary>Keys <paramref name="ids"/> laid end to end, as a batch keys buffer.</summary>
    public static byte[] Keys(BpfMapHandle map, params uint[] ids)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(ids);
        return Concat([.. ids.Select(id => Key(id, map.Spec.KeySize))]);
    }

    /// <summary>Values for <paramref name="seeds"/> laid end to end, as a batch values buffer.</summary>
    public static byte[] Values(BpfMapHandle map, params int[] seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        return Concat([.. seeds.Select(s => Value(map, s))]);
    }

    /// <summary>The byte arrays concatenated.</summary>
    public static byte[] Concat(params byte[][] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    /// <summary>Splits a buffer into <paramref name="count"/> slices of <paramref name="stride"/> bytes.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> buffer, uint count, ulong stride)
    {
        var result = new List<byte[]>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            result.Add(buffer.Slice(i * (int)stride, (int)stride).ToArray());
        }

        return result;
    }

    /// <summary>Lower-case hex, for messages and set comparisons.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "<empty>" : Convert.ToHexStringLower(bytes);
}
