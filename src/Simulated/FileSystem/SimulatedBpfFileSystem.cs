using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated.FileSystem;

/// <summary>
/// The BPF file systems of one simulator: directories where a bpffs is mounted, and the maps pinned in them. Only
/// names directly in a mount directory exist (no subdirectories). Outside the mounts, paths are looked up on the host
/// file system, read only, so that "exists", "missing" and "not a directory" answer as they would on that host.
/// </summary>
/// <remarks>The caller serializes access.</remarks>
internal sealed class SimulatedBpfFileSystem
{
    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly HashSet<string> _mounts = new(PathComparer);
    private readonly Dictionary<string, MapModel> _pins = new(PathComparer);

    /// <summary>Mounts a bpffs at <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">A bpffs is mounted there, above or below already.</exception>
    public void Mount(string directory)
    {
        var full = Normalize(directory);
        if (_mounts.Any(m => PathComparer.Equals(m, full) || IsUnder(full, m) || IsUnder(m, full)))
        {
            throw new InvalidOperationException($"A simulated bpffs is already mounted at, above or below '{full}'.");
        }

        _mounts.Add(full);
    }

    /// <summary>Unmounts the bpffs at <paramref name="directory"/>; returns the maps that were pinned in it, or null if none was mounted there.</summary>
    public List<MapModel>? Unmount(string directory)
    {
        var full = Normalize(directory);
        if (!_mounts.Remove(full))
        {
            return null;
        }

        var pinned = _pins.Where(p => IsUnder(p.Key, full)).ToList();
        foreach (var (path, _) in pinned)
        {
            _pins.Remove(path);
        }

        return [.. pinned.Select(p => p.Value)];
    }

    /// <summary>What <paramref name="path"/> names, as path resolution in the kernel would find it.</summary>
    public PathLookup Lookup(string path)
    {
        var trailingSlash = Path.EndsInDirectorySeparator(path);
        var full = Normalize(path);
        var mount = _mounts.FirstOrDefault(m => PathComparer.Equals(m, full) || IsUnder(full, m));
        return mount is null ? LookupOnHost(full, trailingSlash) : LookupInBpfFs(mount, full, trailingSlash);
    }

    /// <summary>Pins <paramref name="map"/> at <paramref name="path"/>, which <see cref="Lookup"/> found missing in a bpffs.</summary>
    public void Add(string path, MapModel map) => _pins.Add(Normalize(path), map);

    /// <summary>The map pinned at <paramref name="path"/>, which <see cref="Lookup"/> found.</summary>
    public MapModel Get(string path) => _pins[Normalize(path)];

    private PathLookup LookupInBpfFs(string mount, string full, bool trailingSlash)
    {
        if (PathComparer.Equals(mount, full))
        {
            return new(PathKind.BpfDirectory, trailingSlash);
        }

        var names = full[(mount.Length + 1)..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);

        // bpffs refuses to look up any name with a dot in it.
        if (names[0].Contains('.', StringComparison.Ordinal))
        {
            return new(PathKind.DottedName, trailingSlash);
        }

        if (_pins.ContainsKey(Path.Combine(mount, names[0])))
        {
            return new(names.Length == 1 ? PathKind.PinnedMap : PathKind.NotDirectory, trailingSlash);
        }

        return new(names.Length == 1 && !trailingSlash ? PathKind.MissingInBpfFs : PathKind.MissingDirectory, trailingSlash);
    }

    private static PathLookup LookupOnHost(string full, bool trailingSlash)
    {
        if (Directory.Exists(full))
        {
            return new(PathKind.OtherDirectory, trailingSlash);
        }

        if (File.Exists(full))
        {
            return new(trailingSlash ? PathKind.NotDirectory : PathKind.OtherFile, trailingSlash);
        }

        var parent = Path.GetDirectoryName(full);
        if (parent is not null && Directory.Exists(parent))
        {
            return new(trailingSlash ? PathKind.MissingDirectory : PathKind.MissingElsewhere, trailingSlash);
        }

        return new(parent is not null && File.Exists(parent) ? PathKind.NotDirectory : PathKind.MissingDirectory, trailingSlash);
    }

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static bool IsUnder(string path, string directory) =>
        path.Length > directory.Length + 1
        && path.StartsWith(directory, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
        && (path[directory.Length] == Path.DirectorySeparatorChar || path[directory.Length] == Path.AltDirectorySeparatorChar);
}

/// <summary>What a path names.</summary>
internal enum PathKind
{
    /// <summary>Nothing, in a bpffs directory: a map can be pinned there.</summary>
    MissingInBpfFs,

    /// <summary>Nothing, in an existing directory of another file system.</summary>
    MissingElsewhere,

    /// <summary>A directory on the way does not exist (or the missing name ends with a slash).</summary>
    MissingDirectory,

    /// <summary>A name on the way is not a directory.</summary>
    NotDirectory,

    /// <summary>The name, or a directory on the way, has a dot in it inside a bpffs, whose lookup refuses such names.</summary>
    DottedName,

    /// <summary>A pinned map.</summary>
    PinnedMap,

    /// <summary>The directory a bpffs is mounted at.</summary>
    BpfDirectory,

    /// <summary>An existing file of another file system.</summary>
    OtherFile,

    /// <summary>An existing directory of another file system.</summary>
    OtherDirectory,
}

/// <summary>The result of a path lookup: what the path names, and whether it ended with a slash.</summary>
internal readonly record struct PathLookup(PathKind Kind, bool TrailingSlash);
