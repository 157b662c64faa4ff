using System.Globalization;
using System.Runtime.InteropServices;

namespace BpfMaps.Cli;

/// <summary>How the tool names an errno: the symbol, the number and the C library's text, as in <c>ENOENT (2: No such file or directory)</c>.</summary>
internal static class ErrnoText
{
    /// <summary>The errno's symbolic name, number and description.</summary>
    public static string Describe(Errno errno)
    {
        var number = (int)errno;
        var name = Enum.IsDefined(errno) ? errno.ToString() : "errno";
        var text = errno switch
        {
            // The kernel-internal ENOTSUPP has no text in the C library.
            Errno.ENOTSUPP => "Operation is not supported (kernel-internal ENOTSUPP)",
            _ => OperatingSystem.IsWindows() ? null : Marshal.GetPInvokeErrorMessage(number),
        };
        return text is null || text.StartsWith("Unknown error", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{name} ({number})")
            : string.Create(CultureInfo.InvariantCulture, $"{name} ({number}: {text})");
    }
}
