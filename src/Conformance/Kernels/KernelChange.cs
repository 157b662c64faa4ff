namespace BpfMaps.Conformance;

/// <summary>
/// A behaviour that differs between the kernels of the matrix (<see cref="LinuxKernelVersion.Profiles"/>): the
/// profiles from <see cref="Since"/> on answer the new way, the older ones the old way. A case whose expectation
/// depends on it asks its context which way (<see cref="ConformanceContext.Since"/>), and says both in its name.
/// Every change is listed in <see cref="KernelChanges.All"/> and in docs/kernels.md.
/// </summary>
/// <param name="Name">A stable name, for example <c>freeze-needs-write-permission</c>.</param>
/// <param name="Since">The first profile that answers the new way.</param>
/// <param name="Origin">Where the change comes from: the mainline release and commit, and stable backports.</param>
/// <param name="Summary">What changed, old way and new way.</param>
public sealed record KernelChange(string Name, LinuxKernelVersion Since, string Origin, string Summary)
{
    /// <summary>
    /// Profiles whose builds differ: some answer the old way and some the new (a stable release built with and without
    /// a patch). Cases accept exactly the two answers there, and say so in their names.
    /// </summary>
    public IReadOnlyList<LinuxKernelVersion> BuildsDiffer { get; init; } = [];

    /// <summary>
    /// The first profile that answers the old way again, for a change that later kernels do not have (a stable
    /// release's own patch); null when every later profile answers the new way.
    /// </summary>
    public LinuxKernelVersion? Until { get; init; }

    /// <summary>Whether kernels judged against <paramref name="profile"/> answer the new way.</summary>
    public bool AppliesTo(LinuxKernelVersion profile) => profile >= Since && (Until is not { } until || profile < until);

    /// <summary>
    /// The name part for a case that gives <paramref name="since"/> from <see cref="Since"/> on and
    /// <paramref name="before"/> before it: <c>succeeds-or-gives-e2big-before-6.1</c> (<c>…-on-6.12-only</c> with
    /// <see cref="Until"/>).
    /// </summary>
    public string Outcomes(string since, string before) =>
        (Until is { } until ? $"{since}-from-{Since}-until-{until}-or-{before}" : $"{since}-or-{before}-before-{Since}")
        + (BuildsDiffer.Count == 0 ? "" : $"-either-by-build-on-{string.Join("-and-", BuildsDiffer)}");
}
