using System.Text.Json;

namespace BpfMaps.Cli.Tests;

/// <summary>Runs the bpfmaps tool in-process on captured writers, as the process would run it.</summary>
internal static class Tool
{
    public static ToolRun Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = BpfMapsTool.Run(args, ToolConsole.Plain(output, error));
        return new ToolRun(exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>What one run of the tool printed, and its exit code.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error)
{
    public JsonElement Json() => JsonDocument.Parse(Output).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
