using System.Globalization;

namespace BpfMaps.Cli.Maps;

/// <summary>The names bpftool gives map types (<c>enum bpf_map_type</c> without its prefix, lower case).</summary>
internal static class MapTypeNames
{
    private static readonly string[] Names =
    [
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array", "stack_trace",
        "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap",
        "cpumap", "xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
        "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter",
        "user_ringbuf", "cgrp_storage", "arena",
    ];

    /// <summary>The type's name, or <c>type N</c> for a number this table does not know.</summary>
    public static string Of(BpfMapType type) =>
        (uint)type < (uint)Names.Length ? Names[(int)type] : string.Create(CultureInfo.InvariantCulture, $"type {(uint)type}");

    /// <summary>Whether BpfMaps models the type, so that its element layout (per-CPU or not) is known.</summary>
    public static bool IsModelled(BpfMapType type) => type != BpfMapType.Unspecified && Enum.IsDefined(type);

    /// <summary>The modelled types, for messages.</summary>
    public static string Modelled => string.Join(", ", Enum.GetValues<BpfMapType>().Where(IsModelled).Select(Of));
}
