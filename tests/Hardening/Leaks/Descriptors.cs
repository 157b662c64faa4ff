namespace BpfMaps.Hardening.Tests.Leaks;

/// <summary>This process's open file descriptors (<c>/proc/self/fd</c>), by what they refer to.</summary>
internal sealed record Descriptors(int Total, int BpfMaps, int Btf)
{
    public static Descriptors Count()
    {
        int total = 0, maps = 0, btf = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(path).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while listing (the listing's own descriptor)
            }

            if (target is null)
            {
                continue;
            }

            total++;
            if (target == "anon_inode:bpf-map")
            {
                maps++;
            }
            else if (target == "anon_inode:btf")
            {
                btf++;
            }
        }

        return new Descriptors(total, maps, btf);
    }

    public override string ToString() => $"{Total} open, {BpfMaps} bpf-map, {Btf} btf";
}
