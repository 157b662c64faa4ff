using System.Globalization;

namespace BpfMaps.Kernel;

/// <summary>The number of possible CPUs, as the kernel sizes per-CPU values (<c>num_possible_cpus()</c>, reference §0).</summary>
public static class PossibleCpus
{
    /// <summary>Where the kernel publishes the possible-CPU list.</summary>
    public const string SysfsPath = "/sys/devices/system/cpu/possible";

    /// <summary>Reads and counts <see cref="SysfsPath"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The file does not exist (not Linux).</exception>
    public static int Read()
    {
        if (!File.Exists(SysfsPath))
        {
            throw new PlatformNotSupportedException($"{SysfsPath} does not exist: the kernel backend needs Linux.");
        }

        return Count(File.ReadAllText(SysfsPath));
    }

    /// <summary>Counts the CPUs of a kernel CPU list such as <c>0-3,5,7-8</c>.</summary>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static int Count(string cpuList)
    {
        ArgumentNullException.ThrowIfNull(cpuList);
        var count = 0;
        foreach (var range in cpuList.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = range.Split('-');
            var first = int.Parse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture);
            var last = bounds.Length == 2 ? int.Parse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture) : first;
            if (bounds.Length > 2 || last < first)
            {
                throw new FormatException($"'{range}' is not a CPU range.");
            }

            count += last - first + 1;
        }

        return count > 0 ? count : throw new FormatException($"'{cpuList}' lists no CPU.");
    }
}
