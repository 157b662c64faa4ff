using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BpfMaps.Testing;

namespace BpfMaps.Cli.Tests;

/// <summary>
/// bpftool, the reference the map commands are compared with. Installed with apt-get when missing (Debian's
/// <c>bpftool</c> package; <c>apt-get update</c> first if the install fails). If it still cannot be had, the test
/// fails under BPFMAPS_REQUIRE_KERNEL=1 and is skipped otherwise.
/// </summary>
internal static class Bpftool
{
    private static readonly Lazy<(string? Path, string Log)> Installed = new(Install);

    /// <summary>Runs <c>bpftool ARGS</c> and returns its JSON output (<c>-j</c> is added).</summary>
    public static JsonElement Json(params string[] args)
    {
        var path = Ensure();
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-j");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var (exitCode, output, error) = Execute(start);
        Assert.True(exitCode == 0, $"bpftool {string.Join(' ', args)} exited with {exitCode}: {error}{output}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string Ensure()
    {
        var (path, log) = Installed.Value;
        if (path is not null)
        {
            return path;
        }

        var message = $"bpftool is not installed and apt-get could not install it:\n{log}";
        if (Environment.GetEnvironmentVariable(KernelAvailability.RequireVariable) == "1")
        {
            Assert.Fail($"{KernelAvailability.RequireVariable}=1: {message}");
        }

        Assert.Skip(message);
        return null!;
    }

    private static (string? Path, string Log) Install()
    {
        if (Find() is { } found)
        {
            return (found, "");
        }

        var log = new System.Text.StringBuilder();
        foreach (var step in new[] { new[] { "install", "-y", "bpftool" }, ["update"], ["install", "-y", "bpftool"] })
        {
            var start = new ProcessStartInfo("apt-get") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            foreach (var arg in step)
            {
                start.ArgumentList.Add(arg);
            }

            try
            {
                var (exitCode, output, error) = Execute(start);
                log.AppendLine(CultureInfo.InvariantCulture, $"apt-get {string.Join(' ', step)}: exit {exitCode}").AppendLine(error.Trim());
                if (exitCode == 0 && step[0] == "install" && Find() is { } installed)
                {
                    return (installed, log.ToString());
                }
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                log.AppendLine(CultureInfo.InvariantCulture, $"apt-get {string.Join(' ', step)}: {ex.Message}");
                break;
            }
        }

        return (null, log.ToString());
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])
            .Select(directory => Path.Combine(directory, "bpftool"))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output, string Error) Execute(ProcessStartInfo start)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
