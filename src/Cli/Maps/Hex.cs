using System.Globalization;
using System.Text.Json.Nodes;

namespace BpfMaps.Cli.Maps;

/// <summary>Bytes as the tool reads and writes them: hex, in memory order, as bpftool does.</summary>
internal static class Hex
{
    /// <summary>
    /// Parses hex tokens into bytes in memory order: each token is hex digits, optionally prefixed with <c>0x</c>, two
    /// per byte (<c>01 00 00 00</c>, <c>0x01 0x00 0x00 0x00</c> and <c>01000000</c> are the same four bytes).
    /// </summary>
    /// <exception cref="FormatException">A token is not an even number of hex digits.</exception>
    public static byte[] Parse(IEnumerable<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var digits = token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;
            if (digits.Length == 0 || digits.Length % 2 != 0)
            {
                throw new FormatException($"'{token}' is not hex bytes (two hex digits per byte, optionally after 0x).");
            }

            for (var i = 0; i < digits.Length; i += 2)
            {
                if (!byte.TryParse(digits.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    throw new FormatException($"'{token}' is not hex bytes (two hex digits per byte, optionally after 0x).");
                }

                bytes.Add(b);
            }
        }

        return [.. bytes];
    }

    /// <summary>Space-separated lower-case hex, as bpftool prints bytes: <c>01 00 00 00</c>.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "" : string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>A JSON array of <c>"0x01"</c> strings, as bpftool's JSON output writes bytes.</summary>
    public static JsonArray Json(ReadOnlySpan<byte> bytes) =>
        new([.. bytes.ToArray().Select(b => (JsonNode)JsonValue.Create("0x" + b.ToString("x2", CultureInfo.InvariantCulture)))]);
}
