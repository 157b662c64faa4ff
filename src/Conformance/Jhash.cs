using System.Buffers.Binary;
using System.Numerics;

namespace BpfMaps.Conformance;

/// <summary>
/// Bob Jenkins' lookup3 hash as the kernel's hash maps use it (<c>jhash</c> over bytes, <c>jhash2</c> over u32
/// words), and the bucket a key lands in. With <see cref="BpfMapFlags.ZeroSeed"/> the seed is 0, so the bucket of
/// every key, and with it the iteration and batch order, is known in advance (reference §7.2, §8.3).
/// </summary>
public static class Jhash
{
    /// <summary>JHASH_INITVAL, the lookup3 starting constant.</summary>
    public const uint InitialValue = 0xdeadbeef;

    /// <summary>
    /// <c>jhash(key, length, initval)</c>: lookup3 <c>hashlittle</c> over bytes; words are read little-endian.
    /// </summary>
    public static uint Bytes(ReadOnlySpan<byte> key, uint initval)
    {
        uint a, b, c;
        a = b = c = unchecked(InitialValue + (uint)key.Length + initval);
        while (key.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(key);
            b += BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
            Mix(ref a, ref b, ref c);
            key = key[12..];
        }

        if (key.IsEmpty)
        {
            return c;
        }

        // The last 1..12 bytes: zero-padded to three little-endian words.
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        key.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary><c>jhash2(words, length, initval)</c>: lookup3 <c>hashword</c> over u32 words.</summary>
    public static uint Words(ReadOnlySpan<uint> words, uint initval)
    {
        uint a, b, c;
        a = b = c = unchecked(InitialValue + ((uint)words.Length << 2) + initval);
        while (words.Length > 3)
        {
            a += words[0];
            b += words[1];
            c += words[2];
            Mix(ref a, ref b, ref c);
            words = words[3..];
        }

        if (words.IsEmpty)
        {
            return c;
        }

        c += words.Length > 2 ? words[2] : 0;
        b += words.Length > 1 ? words[1] : 0;
        a += words[0];
        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary>
    /// The hash of a hash-map key: <c>jhash2</c> over host-order (little-endian) u32 words when the key size is a
    /// multiple of 4, otherwise <c>jhash</c> over the bytes (reference §7.2).
    /// </summary>
    public static uint Key(ReadOnlySpan<byte> key, uint seed = 0)
    {
        if (key.Length % 4 != 0)
        {
            return Bytes(key, seed);
        }

        Span<uint> words = key.Length <= 256 ? stackalloc uint[key.Length / 4] : new uint[key.Length / 4];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(i * 4)..]);
        }

        return Words(words, seed);
    }

    /// <summary><c>n_buckets = roundup_pow_of_two(max_entries)</c> (reference §3.1).</summary>
    public static uint BucketCount(uint maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxEntries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEntries, 1u << 31);
        return BitOperations.RoundUpToPowerOf2(maxEntries);
    }

    /// <summary>
    /// The bucket of <paramref name="key"/> in a hash map of <paramref name="maxEntries"/> (the effective value)
    /// hashed with <paramref name="seed"/>: <c>hash &amp; (n_buckets − 1)</c>.
    /// </summary>
    public static uint Bucket(ReadOnlySpan<byte> key, uint maxEntries, uint seed = 0) =>
        Key(key, seed) & (BucketCount(maxEntries) - 1);

    /// <summary>The bucket of <paramref name="key"/> in a <see cref="BpfMapFlags.ZeroSeed"/> hash map of <paramref name="spec"/>.</summary>
    public static uint Bucket(BpfMapSpec spec, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Type.IsHashFamily() || (spec.Flags & BpfMapFlags.ZeroSeed) == 0)
        {
            throw new ArgumentException("Buckets are predictable only for hash maps created with BPF_F_ZERO_SEED.", nameof(spec));
        }

        if ((ulong)key.Length != spec.KeySize)
        {
            throw new ArgumentException($"The key holds {key.Length} bytes; the map's key_size is {spec.KeySize}.", nameof(key));
        }

        return Bucket(key, spec.MaxEntries);
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
    }
}
