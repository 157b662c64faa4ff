using System.Text.Encodings.Web;
using System.Text.Json;

namespace BpfMaps.Cli;

/// <summary>How the tool writes JSON: paths and messages unescaped where JSON allows.</summary>
internal static class JsonOutput
{
    /// <summary>Indented: reports (conformance).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One line, as bpftool -j writes: map commands.</summary>
    public static JsonSerializerOptions Compact { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
