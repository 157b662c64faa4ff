using BpfMaps.Simulated.Models;

namespace BpfMaps.Simulated.Rules;

/// <summary>The writes of BPF programs, which the simulator's steering performs (<see cref="SimulatedBpfMapBackend.WriteAsProgram"/>).</summary>
internal static partial class KernelRules
{
    /// <summary>
    /// <c>bpf_map_update_elem</c> called by a program on <paramref name="cpu"/> (<c>bpf_map_push_elem</c> for QUEUE and
    /// STACK): the map's own update operation, without the syscall's checks (descriptor modes and freezing restrict
    /// user space only, §10). A program passes one CPU's value; on per-CPU maps it lands in that CPU's slot only, and
    /// a new element starts with zeros in every other slot (<c>hashtab.c:pcpu_init_value</c>,
    /// <c>pcpu_copy_value</c> and <c>array_map_update_elem</c> with <c>onallcpus</c> false, §2).
    /// </summary>
    /// <param name="map">The map; the caller holds its gate and has set its CPU.</param>
    /// <param name="key">Exactly key_size bytes (empty for QUEUE and STACK).</param>
    /// <param name="value">Exactly value_size bytes: one CPU's value.</param>
    /// <param name="cpu">The CPU the program runs on.</param>
    /// <param name="flags">The helper's flags.</param>
    public static Errno ProgramUpdate(MapModel map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int cpu, BpfElementFlags flags)
    {
        // §5.1, §9.2: the update operations refuse BPF_F_LOCK on a value without a bpf_spin_lock.
        if ((flags & BpfElementFlags.Lock) != 0 && !map.HasSpinLock)
        {
            return Errno.EINVAL;
        }

        // On per-CPU maps the value lands in this CPU's slot of the element the update finds (zeros elsewhere for a
        // new one); the model's update decides every errno (flags, existence, room, LRU nodes) as for a syscall
        // write, with the helper's own flag rules.
        var write = map.Layout.IsPerCpu ? PerCpuWrite.OneCpu(cpu) : PerCpuWrite.Whole;
        return map.UpdateElement(key, value, flags, write, byProgram: true);
    }
}
