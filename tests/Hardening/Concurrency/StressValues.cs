using System.Buffers.Binary;

namespace BpfMaps.Hardening.Tests.Concurrency;

/// <summary>
/// Values that say who wrote them: the writing thread, its sequence number and the key, sealed by a check word, so
/// that a value found in the map can be traced to one write. Per-CPU values carry the CPU in each slot, and all slots
/// of one write carry the same thread and sequence number.
/// </summary>
internal sealed class StressValues(BpfMapLayout layout, uint valueSize)
{
    public bool PerCpu => layout.IsPerCpu;

    public int Size => (int)layout.ValueSize;

    public void Write(Span<byte> value, uint thread, uint seq, uint key)
    {
        if (!PerCpu)
        {
            Words(value, thread, seq, key, Check(thread, seq, key, 0));
            return;
        }

        var slot = (int)layout.PerCpuSlotSize;
        value.Clear();
        for (var cpu = 0u; cpu < layout.PossibleCpus; cpu++)
        {
            Words(value.Slice((int)cpu * slot, slot), thread | (cpu << 16), seq, Check(thread, seq, key, cpu + 1));
        }
    }

    /// <summary>
    /// Null when <paramref name="value"/> is one some thread wrote for <paramref name="key"/> (with
    /// <paramref name="issued"/>[thread] the sequence numbers each thread used); otherwise what is wrong.
    /// <paramref name="zeroAllowed"/>: arrays start zero-filled.
    /// </summary>
    public string? Validate(uint key, ReadOnlySpan<byte> value, uint[] issued, bool zeroAllowed)
    {
        if (zeroAllowed && !value.ContainsAnyExcept((byte)0))
        {
            return null;
        }

        if (!PerCpu)
        {
            var (thread, seq, written, check) = Read(value);
            if (written != key)
            {
                return $"a value written for key {written} under key {key}";
            }

            return Known(thread, seq, issued) ?? (check == Check(thread, seq, key, 0) ? null : "a torn value (the check word does not match)");
        }

        var slot = (int)layout.PerCpuSlotSize;
        var (first, firstSeq, _, _) = Read(value[..slot]);
        for (var cpu = 0u; cpu < layout.PossibleCpus; cpu++)
        {
            var bytes = value.Slice((int)cpu * slot, slot);
            var (word, seq, check, _) = Read(bytes);
            var thread = word & 0xffff;
            if (word >> 16 != cpu)
            {
                return $"CPU {cpu}'s slot holds CPU {word >> 16}'s value";
            }

            if (thread != (first & 0xffff) || seq != firstSeq)
            {
                return $"CPU {cpu}'s slot was written by thread {thread} seq {seq}, CPU 0's by thread {first & 0xffff} seq {firstSeq}";
            }

            if (Known(thread, seq, issued) is { } unknown)
            {
                return unknown;
            }

            if (check != Check(thread, seq, key, cpu + 1))
            {
                return $"CPU {cpu}'s slot is torn (the check word does not match)";
            }

            if (bytes[(int)valueSize..].ContainsAnyExcept((byte)0))
            {
                return $"CPU {cpu}'s slot padding is not zero";
            }
        }

        return null;
    }

    private static string? Known(uint thread, uint seq, uint[] issued) =>
        thread < issued.Length && seq < issued[thread] ? null : $"a value no thread wrote (thread {thread}, seq {seq})";

    private static void Words(Span<byte> bytes, uint a, uint b, uint c, uint? d = null)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, a);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], c);
        if (d is { } last)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], last);
        }
    }

    private static (uint, uint, uint, uint) Read(ReadOnlySpan<byte> bytes) => (
        BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
        bytes.Length >= 16 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) : 0);

    private static uint Check(uint thread, uint seq, uint key, uint cpu)
    {
        var h = (thread * 0x9E3779B1u) ^ (seq * 0x85EBCA77u) ^ (key * 0xC2B2AE3Du) ^ (cpu * 0x27D4EB2Fu);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        return (h ^ (h >> 12)) | 1;
    }
}
