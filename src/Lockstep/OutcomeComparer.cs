using System.Globalization;

namespace BpfMaps.Lockstep;

/// <summary>Compares two backends' outcomes of one step: exactly, or for walks of unpredictable order as multisets.</summary>
public static class OutcomeComparer
{
    /// <summary>
    /// What differs between <paramref name="reference"/> and <paramref name="candidate"/>, or null when they agree.
    /// With <see cref="OrderComparison.Sets"/> a walk is compared by its final errno and the multiset of elements it
    /// returned; everything else is always compared exactly: errno, count, fields, every output byte, every call of a walk.
    /// </summary>
    public static string? Difference(StepOutcome reference, StepOutcome candidate, OrderComparison ordering, string referenceName, string candidateName)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var names = (referenceName, candidateName);
        if (ordering == OrderComparison.Sets && reference.Elements is not null && candidate.Elements is not null)
        {
            return Result(reference, candidate, names) ?? Multiset(reference.Elements, candidate.Elements, names);
        }

        return Exact(reference, candidate, names, "");
    }

    private static string? Exact(StepOutcome r, StepOutcome c, (string R, string C) names, string where)
    {
        var difference = Result(r, c, names);
        if (difference is not null)
        {
            return where + difference;
        }

        if (r.Count != c.Count)
        {
            return $"{where}count: {names.R} {r.Count}, {names.C} {c.Count}";
        }

        if (!string.Equals(r.Fields, c.Fields, StringComparison.Ordinal))
        {
            return $"{where}{names.R} ({r.Fields}), {names.C} ({c.Fields})";
        }

        if (r.Outputs.Count != c.Outputs.Count)
        {
            return $"{where}outputs: {names.R} {r.Outputs.Count}, {names.C} {c.Outputs.Count}";
        }

        for (var i = 0; i < r.Outputs.Count; i++)
        {
            var (ro, co) = (r.Outputs[i], c.Outputs[i]);
            if (ro.Name != co.Name || !ro.Bytes.AsSpan().SequenceEqual(co.Bytes))
            {
                return $"{where}{ro.Name} bytes: {names.R} {Hex.Full(ro.Bytes)}, {names.C} {Hex.Full(co.Bytes)}";
            }
        }

        for (var i = 0; i < Math.Min(r.Calls.Count, c.Calls.Count); i++)
        {
            var inner = Exact(r.Calls[i], c.Calls[i], names, string.Create(CultureInfo.InvariantCulture, $"{where}call {i + 1}: "));
            if (inner is not null)
            {
                return inner;
            }
        }

        return r.Calls.Count != c.Calls.Count ? $"{where}calls: {names.R} {r.Calls.Count}, {names.C} {c.Calls.Count}" : null;
    }

    private static string? Result(StepOutcome r, StepOutcome c, (string R, string C) names)
    {
        if (r.Exception != c.Exception && ExceptionType(r.Exception) != ExceptionType(c.Exception))
        {
            return $"{names.R} {r.Summary()}, {names.C} {c.Summary()}";
        }

        return r.Errno != c.Errno ? $"errno: {names.R} {r.Summary()}, {names.C} {c.Summary()}" : null;
    }

    private static string? Multiset(IReadOnlyList<byte[]> r, IReadOnlyList<byte[]> c, (string R, string C) names)
    {
        var rs = r.Select(e => Hex.Full(e)).Order(StringComparer.Ordinal).ToList();
        var cs = c.Select(e => Hex.Full(e)).Order(StringComparer.Ordinal).ToList();
        if (rs.SequenceEqual(cs, StringComparer.Ordinal))
        {
            return null;
        }

        var onlyR = rs.Except(cs, StringComparer.Ordinal).Take(4).ToList();
        var onlyC = cs.Except(rs, StringComparer.Ordinal).Take(4).ToList();
        return $"elements as a multiset: {names.R} {rs.Count}, {names.C} {cs.Count}; only {names.R}: [{string.Join(" ", onlyR)}], only {names.C}: [{string.Join(" ", onlyC)}]";
    }

    // The contract's exceptions are thrown by shared argument checks, so the type is what must agree.
    private static string? ExceptionType(string? exception) => exception?[..exception.IndexOf(':', StringComparison.Ordinal)];
}
