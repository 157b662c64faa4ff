using System.CommandLine;
using BpfMaps.Cli.Conformance;
using BpfMaps.Cli.Fuzz;
using BpfMaps.Cli.Maps;

namespace BpfMaps.Cli;

/// <summary>The bpfmaps tool: its commands, and one invocation of it.</summary>
internal static class BpfMapsTool
{
    /// <summary>The root command with every subcommand, writing to <paramref name="console"/>.</summary>
    public static RootCommand Commands(ToolConsole console) => new(
        "bpfmaps: the BpfMaps conformance catalog on the simulator and the kernel, lockstep fuzzing of the simulator against the kernel, and bpftool-like commands on real BPF maps.")
    {
        ConformanceCommand.Create(console),
        FuzzCommand.Create(console),
        MapCommand.Create(console),
    };

    /// <summary>
    /// Runs the tool with <paramref name="args"/> and returns its exit code (<see cref="ExitCodes"/>): errors are
    /// written to the console's error writer, each naming what failed and why.
    /// </summary>
    public static int Run(string[] args, ToolConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var result = Commands(console).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                console.Error.WriteLine($"bpfmaps: {error.Message}");
            }

            console.Error.WriteLine("Run 'bpfmaps --help' (or 'bpfmaps COMMAND --help') for the commands and options.");
            return ExitCodes.Usage;
        }

        try
        {
            return result.Invoke(configuration);
        }
        catch (ToolException ex)
        {
            console.Error.WriteLine(ex.Message);
            return ex.ExitCode;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            console.Error.WriteLine($"bpfmaps: unexpected error, a defect of the tool: {ex}");
            return ExitCodes.InternalError;
        }
    }
}
