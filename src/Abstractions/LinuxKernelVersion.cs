using System.Globalization;

namespace BpfMaps;

/// <summary>
/// A Linux version, major and minor: what decides the behaviour of <c>bpf(2)</c> (patch levels and distribution
/// suffixes of a release such as <c>6.1.0-50-amd64</c> are not kept).
/// </summary>
/// <remarks>
/// BpfMaps pins the behaviour of the kernels of its matrix, the <see cref="Profiles"/>: the simulator models each of
/// them and the conformance catalog knows what each answers. A kernel between two profiles is judged against the
/// nearest older one (<see cref="ProfileFor"/>).
/// </remarks>
/// <param name="Major">The major version.</param>
/// <param name="Minor">The minor version.</param>
public readonly record struct LinuxKernelVersion(int Major, int Minor) : IComparable<LinuxKernelVersion>
{
    /// <summary>The kernels whose behaviour BpfMaps pins, oldest first: 5.10, 6.1, 6.12, 6.18 and 7.2.</summary>
    public static IReadOnlyList<LinuxKernelVersion> Profiles { get; } =
        [new(5, 10), new(6, 1), new(6, 12), new(6, 18), new(7, 2)];

    /// <summary>
    /// The profile a kernel of <paramref name="version"/> is judged against: its own, or the nearest older one; null
    /// for a kernel older than every profile.
    /// </summary>
    public static LinuxKernelVersion? ProfileFor(LinuxKernelVersion version)
    {
        LinuxKernelVersion? profile = null;
        foreach (var candidate in Profiles)
        {
            if (candidate <= version)
            {
                profile = candidate;
            }
        }

        return profile;
    }

    /// <summary>Reads the version at the start of a kernel release (<c>uname -r</c>): <c>6.18.44-fc-v1045</c> is 6.18.</summary>
    /// <exception cref="FormatException">The text does not start with <c>major.minor</c>.</exception>
    public static LinuxKernelVersion Parse(string release) =>
        TryParse(release, out var version) ? version : throw new FormatException($"'{release}' does not start with a Linux version (major.minor).");

    /// <summary>Reads the version at the start of a kernel release; false when it does not start with <c>major.minor</c>.</summary>
    public static bool TryParse(string? release, out LinuxKernelVersion version)
    {
        version = default;
        if (string.IsNullOrEmpty(release))
        {
            return false;
        }

        var span = release.AsSpan().Trim();
        var dot = span.IndexOf('.');
        if (dot <= 0 || !int.TryParse(span[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return false;
        }

        var rest = span[(dot + 1)..];
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        if (digits == 0 || !int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = new(major, minor);
        return true;
    }

    /// <summary>Whether this version is <paramref name="major"/>.<paramref name="minor"/> or newer.</summary>
    public bool IsAtLeast(int major, int minor) => this >= new LinuxKernelVersion(major, minor);

    /// <inheritdoc />
    public int CompareTo(LinuxKernelVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>Compares two versions.</summary>
    public static bool operator <(LinuxKernelVersion left, LinuxKernelVersion right) => left.CompareTo(right) < 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator >(LinuxKernelVersion left, LinuxKernelVersion right) => left.CompareTo(right) > 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator <=(LinuxKernelVersion left, LinuxKernelVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two versions.</summary>
    public static bool operator >=(LinuxKernelVersion left, LinuxKernelVersion right) => left.CompareTo(right) >= 0;

    /// <summary><c>major.minor</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
