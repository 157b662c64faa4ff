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

    /// <summary>Runs the case on <paramref name="backend"/>; throws <see cref="ConformanceFailureException"/> on a mismatch.</summary>
    public void Run(IBpfMapBackend backend) => Run(backend, ConformanceEnvironment.None);

    /// <summary>
    /// Runs the case on <paramref name="backend"/> with the capabilities of <paramref name="environment"/>; throws
    /// <see cref="ConformanceFailureException"/> on a mismatch, <see cref="ConformanceCapabilityException"/> when a
    /// capability the case needs is missing.
    /// </summary>
    public void Run(IBpfMapBackend backend, ConformanceEnvironment environment)
    {
        using var context = new ConformanceContext(backend, environment);
        _body(context);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
