using System.Buffers.Binary;
using System.Globalization;

namespace BpfMaps.Lockstep;

/// <summary>Where a key argument comes from.</summary>
public enum KeySource
{
    /// <summary>A NULL pointer (an empty span).</summary>
    Null,

    /// <summary>Bytes fixed when the sequence was generated.</summary>
    Bytes,

    /// <summary>What the last GET_NEXT_KEY of this backend wrote into its next_key buffer (a result taken from an earlier step).</summary>
    LastNextKey,
}

/// <summary>A key argument of an element command.</summary>
public sealed class KeyArg
{
    private KeyArg(KeySource source, byte[]? bytes)
    {
        Source = source;
        Bytes = bytes;
    }

    /// <summary>A NULL key.</summary>
    public static KeyArg Null { get; } = new(KeySource.Null, null);

    /// <summary>The key the last GET_NEXT_KEY returned on each backend.</summary>
    public static KeyArg LastNextKey { get; } = new(KeySource.LastNextKey, null);

    /// <summary>Where the key comes from.</summary>
    public KeySource Source { get; }

    /// <summary>The bytes of a <see cref="KeySource.Bytes"/> key.</summary>
    public byte[]? Bytes { get; }

    /// <summary>A key of these bytes.</summary>
    public static KeyArg Of(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new KeyArg(KeySource.Bytes, bytes);
    }

    /// <summary>An ARRAY key: a little-endian u32 index.</summary>
    public static KeyArg Index(uint index)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, index);
        return Of(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => Source switch
    {
        KeySource.Null => "NULL",
        KeySource.LastNextKey => "<last next_key>",
        _ => Hex.Full(Bytes!),
    };
}

/// <summary>Where an <c>in_batch</c> cursor comes from.</summary>
public enum CursorSource
{
    /// <summary>A NULL pointer: start from the beginning.</summary>
    Null,

    /// <summary>A u32 fixed when the sequence was generated (arbitrary, possibly past the end).</summary>
    Literal,

    /// <summary>What the last lookup batch of this backend wrote into its out_batch buffer.</summary>
    LastOutBatch,
}

/// <summary>An <c>in_batch</c> argument: a u32 bucket index (hash maps, §8.3) or array key (§8.4).</summary>
public sealed class CursorArg
{
    private CursorArg(CursorSource source, uint value)
    {
        Source = source;
        Value = value;
    }

    /// <summary>NULL: start from the beginning.</summary>
    public static CursorArg Null { get; } = new(CursorSource.Null, 0);

    /// <summary>The last out_batch of each backend.</summary>
    public static CursorArg LastOutBatch { get; } = new(CursorSource.LastOutBatch, 0);

    /// <summary>Where the cursor comes from.</summary>
    public CursorSource Source { get; }

    /// <summary>The value of a <see cref="CursorSource.Literal"/> cursor.</summary>
    public uint Value { get; }

    /// <summary>A literal cursor.</summary>
    public static CursorArg Literal(uint value) => new(CursorSource.Literal, value);

    /// <inheritdoc />
    public override string ToString() => Source switch
    {
        CursorSource.Null => "NULL",
        CursorSource.LastOutBatch => "<last out_batch>",
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>Short hex renderings for step listings.</summary>
public static class Hex
{
    /// <summary>Longest rendering before the middle is elided.</summary>
    public const int MaxShown = 24;

    /// <summary>Lower-case hex of <paramref name="bytes"/>, elided in the middle when long.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return "NULL";
        }

        if (bytes.Length <= MaxShown)
        {
            return Convert.ToHexStringLower(bytes);
        }

        return $"{Convert.ToHexStringLower(bytes[..8])}...{Convert.ToHexStringLower(bytes[^4..])} ({bytes.Length} B)";
    }

    /// <summary>Lower-case hex of every byte.</summary>
    public static string Full(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "NULL" : Convert.ToHexStringLower(bytes);
}

/// <summary>
/// A path argument of BPF_OBJ_PIN and BPF_OBJ_GET, from a small pool; each backend resolves it under its own bpffs
/// directory or ordinary directory (a fresh pair per scenario), so the same name meets the same state on both.
/// </summary>
public enum PinPath
{
    /// <summary><c>a</c> in the bpffs.</summary>
    A,

    /// <summary><c>b</c> in the bpffs.</summary>
    B,

    /// <summary><c>a.b</c> in the bpffs: bpffs refuses dotted names.</summary>
    Dotted,

    /// <summary><c>missing/x</c> in the bpffs: a directory that does not exist.</summary>
    MissingDirectory,

    /// <summary><c>a/x</c> in the bpffs: through <c>a</c>, a pinned map once pinned.</summary>
    ThroughPin,

    /// <summary><c>a/</c> in the bpffs: a trailing slash.</summary>
    TrailingSlash,

    /// <summary>The bpffs directory itself.</summary>
    BpfDirectory,

    /// <summary><c>a</c> in an ordinary directory (not a bpffs).</summary>
    Elsewhere,

    /// <summary>The ordinary directory itself.</summary>
    OtherDirectory,
}

/// <summary>How a <see cref="PinPath"/> reads in step listings and which path it is under given directories.</summary>
public static class PinPaths
{
    /// <summary>The path <paramref name="path"/> stands for under <paramref name="bpfDirectory"/> and <paramref name="otherDirectory"/>.</summary>
    public static string Resolve(this PinPath path, string bpfDirectory, string otherDirectory) => path switch
    {
        PinPath.A => Path.Combine(bpfDirectory, "a"),
        PinPath.B => Path.Combine(bpfDirectory, "b"),
        PinPath.Dotted => Path.Combine(bpfDirectory, "a.b"),
        PinPath.MissingDirectory => Path.Combine(bpfDirectory, "missing", "x"),
        PinPath.ThroughPin => Path.Combine(bpfDirectory, "a", "x"),
        PinPath.TrailingSlash => Path.Combine(bpfDirectory, "a") + "/",
        PinPath.BpfDirectory => bpfDirectory,
        PinPath.Elsewhere => Path.Combine(otherDirectory, "a"),
        PinPath.OtherDirectory => otherDirectory,
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, null),
    };

    /// <summary>The path relative to the bpffs (<c>&lt;bpffs&gt;</c>) or the ordinary directory (<c>&lt;other&gt;</c>).</summary>
    public static string Text(this PinPath path) => path.Resolve("<bpffs>", "<other>");
}
