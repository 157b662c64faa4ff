using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>
/// Bob Jenkins' lookup3 hash in the two forms Linux hash maps use (reference §7.2): <see cref="Hash"/> over bytes
/// (jhash) and <see cref="Hash2"/> over 32-bit words (jhash2), both with the initial value 0xdeadbeef. Written from
/// the published, public-domain lookup3 description, independently of any kernel source. With it the simulator places keys as the kernel does, and the conformance
/// catalog (or any caller) can predict the exact iteration order of a hash map created with
/// <see cref="BpfMapFlags.ZeroSeed"/>.
/// </summary>
/// <remarks>
/// Keys are hashed as raw bytes read little-endian, as the kernel does on x86_64 and arm64. A hash map puts a key in
/// bucket <c>hash &amp; (n_buckets − 1)</c> with <c>n_buckets = roundup_pow_of_two(max_entries)</c>.
/// </remarks>
public static class Jhash
{
    /// <summary>lookup3's arbitrary initial value (JHASH_INITVAL).</summary>
    public const uint InitialValue = 0xdeadbeef;

    /// <summary>jhash: lookup3 over <paramref name="key"/> bytes with <paramref name="seed"/> (initval).</summary>
    public static uint Hash(ReadOnlySpan<byte> key, uint seed)
    {
        uint a, b, c;
        a = b = c = unchecked(InitialValue + (uint)key.Length + seed);
        var rest = key;
        while (rest.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(rest);
            b += BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
            Mix(ref a, ref b, ref c);
            rest = rest[12..];
        }

        if (rest.IsEmpty)
        {
            return c;
        }

        // The last 1..12 bytes: byte i goes to word i / 4 at bit 8 × (i % 4); the rest of that word stays zero.
        a += Tail(rest, 0);
        b += Tail(rest, 4);
        c += Tail(rest, 8);
        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary>jhash2: lookup3 over 32-bit <paramref name="words"/> with <paramref name="seed"/> (initval).</summary>
    public static uint Hash2(ReadOnlySpan<uint> words, uint seed)
    {
        uint a, b, c;
        a = b = c = unchecked(InitialValue + ((uint)words.Length << 2) + seed);
        var rest = words;
        while (rest.Length > 3)
        {
            a += rest[0];
            b += rest[1];
            c += rest[2];
            Mix(ref a, ref b, ref c);
            rest = rest[3..];
        }

        if (rest.IsEmpty)
        {
            return c;
        }

        a += rest[0];
        b += rest.Length > 1 ? rest[1] : 0;
        c += rest.Length > 2 ? rest[2] : 0;
        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary>
    /// The hash a hash map computes for <paramref name="key"/>: jhash2 over the key's little-endian words when the
    /// key size is a multiple of 4, jhash over its bytes otherwise (reference §7.2).
    /// </summary>
    public static uint HashMapKey(ReadOnlySpan<byte> key, uint seed)
    {
        if (key.Length % 4 != 0)
        {
            return Hash(key, seed);
        }

        if (BitConverter.IsLittleEndian)
        {
            // The key's bytes already are its little-endian words: hash them in place, without a copy.
            return Hash2(MemoryMarshal.Cast<byte, uint>(key), seed);
        }

        Span<uint> words = key.Length <= 256 ? stackalloc uint[key.Length / 4] : new uint[key.Length / 4];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        }

        return Hash2(words, seed);
    }

    /// <summary>The bucket count of a hash map: <c>roundup_pow_of_two(max_entries)</c> (reference §3.1).</summary>
    public static uint BucketCount(uint maxEntries) =>
        maxEntries <= 1 ? 1 : (uint)System.Numerics.BitOperations.RoundUpToPowerOf2(maxEntries);

    /// <summary>The bucket of <paramref name="key"/> in a map of <paramref name="bucketCount"/> buckets.</summary>
    public static uint Bucket(ReadOnlySpan<byte> key, uint bucketCount, uint seed = 0) =>
        HashMapKey(key, seed) & (bucketCount - 1);

    private static uint Tail(ReadOnlySpan<byte> rest, int start)
    {
        var word = 0u;
        for (var i = start; i < start + 4 && i < rest.Length; i++)
        {
            word |= (uint)rest[i] << (8 * (i - start));
        }

        return word;
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= uint.RotateLeft(c, 4); c += b;
        b -= a; b ^= uint.RotateLeft(a, 6); a += c;
        c -= b; c ^= uint.RotateLeft(b, 8); b += a;
        a -= c; a ^= uint.RotateLeft(c, 16); c += b;
        b -= a; b ^= uint.RotateLeft(a, 19); a += c;
        c -= b; c ^= uint.RotateLeft(b, 4); b += a;
    }

    private static void Final(ref uint a, ref uint b, ref uint c)
    {
        c ^= b; c -= uint.RotateLeft(b, 14);
        a ^= c; a -= uint.RotateLeft(c, 11);
        b ^= a; b -= uint.RotateLeft(a, 25);
        c ^= b; c -= uint.RotateLeft(b, 16);
        a ^= c; a -= uint.RotateLeft(c, 4);
        b ^= a; b -= uint.RotateLeft(a, 14);
        c ^= b; c -= uint.RotateLeft(b, 24);
    }
}
