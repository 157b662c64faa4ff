using System.Text;

namespace BpfMaps.Simulated.Tests;

/// <summary>jhash and jhash2 against lookup3's published vectors and buckets the Linux 6.18 kernel chose (reference §7.2).</summary>
public sealed class JhashTests
{
    [Theory]
    [InlineData("", 0u, 0xdeadbeefu)]
    [InlineData("", 0xdeadbeefu, 0xbd5b7ddeu)]
    [InlineData("Four score and seven years ago", 0u, 0x17770551u)]
    [InlineData("Four score and seven years ago", 1u, 0xcd628161u)]
    public void JhashMatchesLookup3Hashlittle(string text, uint seed, uint expected) =>
        Assert.Equal(expected, Jhash.Hash(Encoding.ASCII.GetBytes(text), seed));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(64)]
    public void Jhash2OverWordsEqualsJhashOverTheirLittleEndianBytes(int words)
    {
        var random = new Random(words);
        var values = new uint[words];
        var bytes = new byte[words * 4];
        for (var i = 0; i < words; i++)
        {
            values[i] = (uint)random.NextInt64(0, 1L << 32);
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
        }

        foreach (var seed in new[] { 0u, 1u, 0x9e3779b9u })
        {
            Assert.Equal(Jhash.Hash(bytes, seed), Jhash.Hash2(values, seed));
        }
    }

    /// <summary>
    /// Bucket indexes the kernel chose in a BPF_F_ZERO_SEED hash map with 2^20 buckets (Linux 6.18.44 x86_64), read
    /// back by bisecting LOOKUP_BATCH's in_batch: the low 20 bits of htab_map_hash, i.e. jhash2 for key sizes that are
    /// multiples of 4 and jhash otherwise, seed 0.
    /// </summary>
    [Theory]
    [InlineData("01", 0xc883bu)]
    [InlineData("616263", 0x97631u)]
    [InlineData("00000000", 0x396b8u)]
    [InlineData("01000000", 0x82a9bu)]
    [InlineData("2A000000", 0xedd46u)]
    [InlineData("FFFFFFFF", 0x1c75bu)]
    [InlineData("010203040506", 0xfd335u)]
    [InlineData("0102030405060708", 0x3bb19u)]
    [InlineData("0102030405060708090A0B0C", 0x1b813u)]
    [InlineData("0102030405060708090A0B0C0D", 0x7a0e5u)]
    [InlineData("0102030405060708090A0B0C0D0E0F10", 0xb5548u)]
    [InlineData("070E151C232A31383F464D545B626970777E858C", 0xf23aau)]
    [InlineData("010E1B2835424F5C697683909DAAB7C4D1DEEBF805121F2C39", 0xb2a7du)]
    public void HashMapKeyPicksTheKernelsBucket(string keyHex, uint kernelBucket) =>
        Assert.Equal(kernelBucket, Jhash.HashMapKey(Convert.FromHexString(keyHex), 0) & ((1u << 20) - 1));
}
