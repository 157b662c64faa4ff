namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Divergences between the simulator and the kernel that the lockstep property runner (<c>src/Lockstep</c>,
/// <c>tests/Property</c>) found, each kept as a named example once the simulator was fixed: the shrunk sequence, step
/// by step, with the kernel's answers. Name: <c>lockstep/&lt;map type&gt;/&lt;what the kernel does&gt;</c>, section: the
/// reference section the kernel's answer belongs to. None so far: every generated sequence has agreed.
/// </summary>
internal static class LockstepFindingsCases
{
    public static IEnumerable<ConformanceCase> All() => [];
}
