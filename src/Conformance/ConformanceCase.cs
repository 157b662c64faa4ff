namespace BpfMaps.Conformance;

/// <summary>
/// One conformance case: a stable name (<c>area/subject/condition</c>), the section of the kernel-semantics
/// reference it pins, and a body that drives a backend and checks every errno, byte, count and cursor.
/// </summary>
public sealed class ConformanceCase
{
    private readonly Action<ConformanceContext> _body;

    /// <summary>Creates a case.</summary>
    public ConformanceCase(string name, string section, Action<ConformanceContext> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        ArgumentNullException.ThrowIfNull(body);
        Name = name;
        Section = section;
        _body = body;
    }

    /// <summary>The stable name, <c>area/subject/condition</c>.</summary>
    public string Name { get; }

    /// <summary>The first segment of the name: the command or topic the case belongs to.</summary>
    public string Area => Name[..Name.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>The reference section the case pins, for example <c>§8.3</c>.</summary>
    public string Section { get; }

    /// <summary>
    /// This case where the backend answers the new way of <paramref name="change"/>; on older profiles
    /// <paramref name="before"/> checks the old answer instead (for example, that a command the map type gained later is
    /// ENOTSUPP and changes nothing). The name says both: <c>…-or-gives-enotsupp-before-6.1</c>.
    /// </summary>
    /// <param name="change">The change the case's own body needs.</param>
    /// <param name="beforeOutcome">The old answer in the name, for example <c>gives-enotsupp</c>.</param>
    /// <param name="before">The body on profiles before the change.</param>
    public ConformanceCase Until(KernelChange change, string beforeOutcome, Action<ConformanceContext> before)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(before);
        var since = _body;
        return new($"{Name}-or-{beforeOutcome}-before-{change.Since}", Section, ctx => (ctx.Since(change) ? since : before)(ctx));
    }

    /// <summary>Runs the case on <paramref name="backend"/>; throws <see cref="ConformanceFailureException"/> on a mismatch.</summary>
    public void Run(IBpfMapBackend backend) => Run(backend, ConformanceEnvironment.None);

    /// <summary>
    /// Runs the case on <paramref name="backend"/> with the capabilities of <paramref name="environment"/>, on CPU 0
    /// where the environment can pin threads (<see cref="ConformanceContext.LetThreadMigrate"/>); throws
    /// <see cref="ConformanceFailureException"/> on a mismatch, <see cref="ConformanceCapabilityException"/> when a
    /// capability the case needs is missing.
    /// </summary>
    public void Run(IBpfMapBackend backend, ConformanceEnvironment environment)
    {
        using var context = new ConformanceContext(backend, environment);
        context.StayOnOneCpu();
        _body(context);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
