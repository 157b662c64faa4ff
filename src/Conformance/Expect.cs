using System.Globalization;

namespace BpfMaps.Conformance;

/// <summary>The catalog's assertions: a failure names the step, what was expected and what came back.</summary>
public static class Expect
{
    /// <summary>The call returned exactly <paramref name="expected"/>.</summary>
    public static void Errno(Errno expected, Errno actual, string step)
    {
        if (expected != actual)
        {
            Fail(step, $"errno {Show(expected)}", $"errno {Show(actual)}");
        }
    }

    /// <summary>The call returned one of <paramref name="accepted"/> (the answers of builds that differ, <see cref="KernelChange.BuildsDiffer"/>).</summary>
    public static void Errno(IReadOnlyList<Errno> accepted, Errno actual, string step)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        if (!accepted.Contains(actual))
        {
            Fail(step, $"errno {string.Join(" or ", accepted.Select(Show))}", $"errno {Show(actual)}");
        }
    }

    /// <summary>Two values are equal.</summary>
    public static void Equal<T>(T expected, T actual, string step)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Fail(step, $"{expected}", $"{actual}");
        }
    }

    /// <summary>A condition holds.</summary>
    public static void True(bool condition, string step)
    {
        if (!condition)
        {
            throw new ConformanceFailureException($"{step}: the condition does not hold");
        }
    }

    /// <summary>Two byte sequences are identical.</summary>
    public static void Bytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string step)
    {
        if (!expected.SequenceEqual(actual))
        {
            Fail(step, Data.Hex(expected), Data.Hex(actual));
        }
    }

    /// <summary>Two lists of byte sequences are identical, in order.</summary>
    public static void Sequence(IEnumerable<byte[]> expected, IEnumerable<byte[]> actual, string step)
    {
        var e = expected.Select(b => Data.Hex(b)).ToList();
        var a = actual.Select(b => Data.Hex(b)).ToList();
        if (!e.SequenceEqual(a, StringComparer.Ordinal))
        {
            Fail(step, $"[{string.Join(", ", e)}]", $"[{string.Join(", ", a)}]");
        }
    }

    /// <summary>Two collections of byte sequences hold the same elements, in any order (no duplicates allowed).</summary>
    public static void SameSet(IEnumerable<byte[]> expected, IEnumerable<byte[]> actual, string step)
    {
        var e = expected.Select(b => Data.Hex(b)).Order(StringComparer.Ordinal).ToList();
        var a = actual.Select(b => Data.Hex(b)).Order(StringComparer.Ordinal).ToList();
        if (!e.SequenceEqual(a, StringComparer.Ordinal))
        {
            Fail(step, $"{{{string.Join(", ", e)}}}", $"{{{string.Join(", ", a)}}}");
        }
    }

    /// <summary>The map holds exactly these entries (compared as a set of key/value pairs).</summary>
    public static void Contents(IEnumerable<(byte[] Key, byte[] Value)> expected, IReadOnlyList<(byte[] Key, byte[] Value)> actual, string step) =>
        SameSet(expected.Select(e => Data.Concat(e.Key, e.Value)), actual.Select(e => Data.Concat(e.Key, e.Value)), step);

    /// <summary>The action throws <typeparamref name="TException"/> (or a subclass) and returns it.</summary>
    public static TException Throws<TException>(Action action, string step)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
        }
        catch (TException ex)
        {
            return ex;
        }
        catch (Exception ex)
        {
            throw new ConformanceFailureException($"{step}: expected {typeof(TException).Name}, got {ex.GetType().Name}: {ex.Message}", ex);
        }

        throw new ConformanceFailureException($"{step}: expected {typeof(TException).Name}, nothing was thrown");
    }

    private static string Show(BpfMaps.Errno errno) =>
        Enum.IsDefined(errno) ? $"{errno} ({(int)errno})" : ((int)errno).ToString(CultureInfo.InvariantCulture);

    private static void Fail(string step, string expected, string actual) =>
        throw new ConformanceFailureException($"{step}: expected {expected}, got {actual}");
}
