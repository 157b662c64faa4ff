namespace BpfMaps.Simulated.Models;

/// <summary>
/// How an update writes the value of a per-CPU map: every CPU's slot from the user's whole per-CPU value, or one
/// value_size value into one CPU's slot (BPF_F_CPU, and a program's write on its CPU) or into every CPU's
/// (BPF_F_ALL_CPUS). A new element starts with zeros where the write does not reach. Other maps are always written whole.
/// </summary>
/// <param name="Kind">Which slots the value lands in.</param>
/// <param name="Cpu">The CPU of <see cref="PerCpuWriteKind.OneCpu"/>.</param>
internal readonly record struct PerCpuWrite(PerCpuWriteKind Kind, int Cpu)
{
    /// <summary>The whole value, every CPU's slot (and every other map's value).</summary>
    public static PerCpuWrite Whole => default;

    /// <summary>One value into every CPU's slot.</summary>
    public static PerCpuWrite EveryCpu => new(PerCpuWriteKind.EveryCpu, 0);

    /// <summary>One value into <paramref name="cpu"/>'s slot.</summary>
    public static PerCpuWrite OneCpu(int cpu) => new(PerCpuWriteKind.OneCpu, cpu);
}

/// <summary>The slots a <see cref="PerCpuWrite"/> writes.</summary>
internal enum PerCpuWriteKind
{
    /// <summary>The user's buffer holds every CPU's slot.</summary>
    Whole,

    /// <summary>The user's buffer holds one value for one CPU.</summary>
    OneCpu,

    /// <summary>The user's buffer holds one value for every CPU.</summary>
    EveryCpu,
}
