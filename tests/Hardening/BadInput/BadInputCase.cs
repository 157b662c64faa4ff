namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>
/// One bad call: a public member, what is wrong with its arguments, and what the documentation says happens.
/// <see cref="Member"/> names the member as <see cref="Coverage"/> does, so that every public member can be shown to
/// have cases.
/// </summary>
internal sealed record BadInputCase(string Member, string Problem, BpfMapType MapType, Func<BadInputTarget, Errno> Call, Expectation Expected)
{
    public string Name => $"{Member} {Problem} on {BpfErrorMessages.MapTypeName(MapType)}";
}

/// <summary>What a bad call must do.</summary>
internal abstract record Expectation
{
    /// <summary>Throws <paramref name="Exception"/> (or a subclass) before any call reaches the backend; the map is unchanged.</summary>
    public sealed record Throws(Type Exception) : Expectation;

    /// <summary>The backend answers <paramref name="Errno"/>; the map is unchanged.</summary>
    public sealed record Answers(Errno Errno) : Expectation;

    /// <summary>
    /// The typed layer throws a <see cref="BpfException"/> with this errno and command, whose message names the
    /// command, the errno and, with <paramref name="HasMap"/>, the map; the map under test is unchanged.
    /// </summary>
    public sealed record Raises(Errno Errno, BpfMapCommand Command, bool HasMap = true) : Expectation;

    /// <summary>
    /// The contract accepts the call (an oversized buffer); <paramref name="Verify"/> gets the target and the map's
    /// state before the call and checks what the call did and that nothing past the needed bytes was touched.
    /// </summary>
    public sealed record Accepts(Action<BadInputTarget, IReadOnlyList<string>> Verify) : Expectation;

    /// <summary>
    /// A raw value the kernel decides on (an errno that depends on the map type's code): the answer must be the same
    /// on both backends, and the map unchanged.
    /// </summary>
    public sealed record Agrees : Expectation;

    public static Expectation Throwing<TException>()
        where TException : Exception => new Throws(typeof(TException));
}
