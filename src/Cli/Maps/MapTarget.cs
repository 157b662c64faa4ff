using System.Globalization;

namespace BpfMaps.Cli.Maps;

/// <summary>
/// Which map a command works on, as bpftool names one: <c>id N</c> (or just <c>N</c>) or <c>pinned PATH</c>.
/// </summary>
internal sealed record MapTarget(uint? Id, string? PinnedPath)
{
    /// <summary>The target as the user wrote it, for messages: <c>id 7</c>, <c>pinned /sys/fs/bpf/x</c>.</summary>
    public override string ToString() => Id is { } id ? string.Create(CultureInfo.InvariantCulture, $"id {id}") : $"pinned {PinnedPath}";

    /// <summary>Reads a target from the start of <paramref name="tokens"/>; returns it and how many tokens it took.</summary>
    /// <exception cref="ToolException">No target there (usage error).</exception>
    public static (MapTarget Target, int Consumed) Parse(IReadOnlyList<string> tokens, string command)
    {
        if (tokens.Count == 0)
        {
            throw ToolException.Usage($"bpfmaps map {command}: which map? Give 'id N' or 'pinned PATH'.");
        }

        switch (tokens[0])
        {
            case "id" when tokens.Count > 1:
                return (new MapTarget(ParseId(tokens[1], command), null), 2);
            case "pinned" when tokens.Count > 1:
                return (new MapTarget(null, tokens[1]), 2);
            case "id" or "pinned":
                throw ToolException.Usage($"bpfmaps map {command}: '{tokens[0]}' needs a value.");
            default:
                return (new MapTarget(ParseId(tokens[0], command), null), 1);
        }
    }

    private static uint ParseId(string text, string command) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw ToolException.Usage($"bpfmaps map {command}: '{text}' is not a map id (give 'id N' or 'pinned PATH').");
}
