using System.Buffers.Binary;
using System.Numerics;

namespace BpfMaps.Simulated.Hashing;

/// <summary>
/// Bob Jenkins' lookup3 hash as Linux uses it (<c>include/linux/jhash.h</c>): <c>jhash</c> over bytes and
/// <c>jhash2</c> over 32-bit words. Hash maps pick their bucket with it, so a simulator that hashes exactly like the
/// kernel iterates exactly like the kernel for <see cref="BpfMapFlags.ZeroSeed"/> maps (reference §7.2).
/// </summary>
public static class Jhash
{
    /// <summary>JHASH_INITVAL, lookup3's arbitrary starting value.</summary>
    public const uint InitialValue = 0xdeadbeef;

    /// <summary>
    /// <c>jhash(key, length, initval)</c>: whole 12-byte blocks are read as little-endian words, the tail byte by byte
    /// (the kernel reads words in CPU order; BPF keys are hashed as the raw bytes of a little-endian host).
    /// </summary>
    public static uint Hash(ReadOnlySpan<byte> key, uint seed)
    {
        var a = InitialValue + (uint)key.Length + seed;
        var b = a;
        var c = a;
        var k = key;
        while (k.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(k);
            b += BinaryPrimitives.ReadUInt32LittleEndian(k[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(k[8..]);
            Mix(ref a, ref b, ref c);
            k = k[12..];
        }

        if (k.IsEmpty)
        {
            // lookup3 returns c unmixed when nothing is left (also for the empty key).
            return c;
        }

        // The tail (1..12 bytes) is added byte by byte, little-endian within each word.
        for (var i = 0; i < k.Length; i++)
        {
            var shifted = (uint)k[i] << (8 * (i % 4));
            switch (i / 4)
            {
                case 0: a += shifted; break;
                case 1: b += shifted; break;
                default: c += shifted; break;
            }
        }

        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary><c>jhash2(words, length, initval)</c>: the hash of a key made of 32-bit words.</summary>
    public static uint Hash2(ReadOnlySpan<uint> words, uint seed)
    {
        var a = InitialValue + ((uint)words.Length << 2) + seed;
        var b = a;
        var c = a;
        var k = words;
        while (k.Length > 3)
        {
            a += k[0];
            b += k[1];
            c += k[2];
            Mix(ref a, ref b, ref c);
            k = k[3..];
        }

        switch (k.Length)
        {
            case 3:
                c += k[2];
                b += k[1];
                a += k[0];
                break;
            case 2:
                b += k[1];
                a += k[0];
                break;
            case 1:
                a += k[0];
                break;
            default:
                return c;
        }

        Final(ref a, ref b, ref c);
        return c;
    }

    /// <summary>
    /// The hash a BPF hash map computes for a key (<c>htab_map_hash</c>): <c>jhash2</c> over little-endian words when
    /// the key size is a multiple of 4, <c>jhash</c> over the bytes otherwise (reference §7.2).
    /// </summary>
    public static uint HashMapKey(ReadOnlySpan<byte> key, uint seed)
    {
        if (key.Length % 4 != 0)
        {
            return Hash(key, seed);
        }

        var words = key.Length <= 256 ? stackalloc uint[key.Length / 4] : new uint[key.Length / 4];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(i * 4)..]);
        }

        return Hash2(words, seed);
    }

    /// <summary>__jhash_mix: reversibly mixes three 32-bit values.</summary>
    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
        a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
        b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
        c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
    }

    /// <summary>__jhash_final: final mixing of three 32-bit values into c.</summary>
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
