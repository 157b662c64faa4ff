namespace BpfMaps.Cli;

/// <summary>The exit codes of the bpfmaps tool (the README lists them).</summary>
internal static class ExitCodes
{
    /// <summary>Everything ran and agreed.</summary>
    public const int Success = 0;

    /// <summary>A conformance case failed on some backend, or the fuzzer found a divergence.</summary>
    public const int Divergence = 1;

    /// <summary>The command line is wrong: unknown command or option, bad hex, no case matching the filter.</summary>
    public const int Usage = 2;

    /// <summary>The command needs bpf(2) and this process cannot use it; the message says why.</summary>
    public const int KernelUnavailable = 3;

    /// <summary>A bpf(2) command answered an errno (map commands); the message names the command, the map and the errno.</summary>
    public const int CommandFailed = 4;

    /// <summary>A defect: an exception the tool did not expect (printed whole).</summary>
    public const int InternalError = 70;
}
