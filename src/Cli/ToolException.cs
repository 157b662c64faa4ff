namespace BpfMaps.Cli;

/// <summary>An error the tool reports on stderr and turns into an exit code; the message is complete on its own.</summary>
internal sealed class ToolException(int exitCode, string message) : Exception(message)
{
    /// <summary>The process exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>An error in the command line.</summary>
    public static ToolException Usage(string message) => new(ExitCodes.Usage, message);
}
