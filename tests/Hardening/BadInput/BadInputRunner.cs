namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>How one case went on one backend: what it did (for comparing backends), and why it failed, if it did.</summary>
internal sealed record CaseOutcome(string Case, string Outcome, string? Failure);

/// <summary>Runs bad-input cases against a backend, each on a fresh target, and checks what the documentation promises.</summary>
internal static class BadInputRunner
{
    /// <summary>
    /// Runs <paramref name="cases"/> on <paramref name="backend"/>; <paramref name="anotherInstance"/> is a second
    /// instance of the same backend and <paramref name="otherBackend"/> a different one, whose handles it must refuse.
    /// </summary>
    public static List<CaseOutcome> Run(IBpfMapBackend backend, IBpfMapBackend anotherInstance, IBpfMapBackend otherBackend, IEnumerable<BadInputCase> cases)
    {
        var scratch = Directory.CreateTempSubdirectory("bpfmaps-bad-input-");
        try
        {
            return [.. cases.Select(c => RunOne(c, backend, anotherInstance, otherBackend, scratch.FullName))];
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static CaseOutcome RunOne(BadInputCase c, IBpfMapBackend backend, IBpfMapBackend anotherInstance, IBpfMapBackend otherBackend, string scratch)
    {
        try
        {
            using var target = new BadInputTarget(backend, c.MapType, anotherInstance, otherBackend, scratch);
            var before = target.State();
            var calls = Backends.Calls(backend);
            Exception? thrown = null;
            try
            {
                target.Answer = c.Call(target);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                thrown = ex;
            }

            var reached = Backends.Calls(backend) - (target.CallsBeforeTheBadCall ?? calls);
            var outcome = thrown switch
            {
                null => BpfErrorMessages.ErrnoName(target.Answer),
                BpfException bpf => $"{nameof(BpfException)} {BpfErrorMessages.ErrnoName(bpf.Errno)}",
                _ => thrown.GetType().Name,
            };
            var failure = Check(c.Expected, target, before, thrown, reached);
            if (failure is null && c.Expected is not Expectation.Accepts && !target.Map.IsClosed)
            {
                var after = target.State();
                if (!after.SequenceEqual(before))
                {
                    failure = $"the map changed:\n  before: {string.Join(", ", before)}\n  after:  {string.Join(", ", after)}";
                }
            }

            return new CaseOutcome(c.Name, outcome, failure is null ? null : $"{c.Name} on the {Backends.Name(backend)}: {failure}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new CaseOutcome(c.Name, "setup failed", $"{c.Name} on the {Backends.Name(backend)}: setting up or checking threw {ex}");
        }
    }

    private static string? Check(Expectation expected, BadInputTarget target, IReadOnlyList<string> before, Exception? thrown, long reached)
    {
        switch (expected)
        {
            case Expectation.Throws throws:
                if (thrown?.GetType() != throws.Exception)
                {
                    return $"expected {throws.Exception.Name}, {Describe(thrown, target.Answer)}";
                }

                return reached == 0 ? null : $"threw {throws.Exception.Name}, but {reached} call(s) reached the backend first";

            case Expectation.Answers answers:
                return thrown is not null || target.Answer != answers.Errno ? $"expected {answers.Errno}, {Describe(thrown, target.Answer)}" : null;

            case Expectation.Raises raises:
                return Raised(raises, thrown, target.Answer);

            case Expectation.Agrees:
                return thrown is null ? null : $"expected an errno, {Describe(thrown, target.Answer)}";

            case Expectation.Accepts accepts:
                if (thrown is not null)
                {
                    return $"expected the call to be accepted, {Describe(thrown, target.Answer)}";
                }

                try
                {
                    accepts.Verify(target, before);
                    return null;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    return $"accepted ({target.Answer}), but: {ex.Message}";
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(expected), expected, "Unknown expectation.");
        }
    }

    // Part 5 of the hardening issue: the error names the command, the map and the errno.
    private static string? Raised(Expectation.Raises raises, Exception? thrown, Errno answer)
    {
        if (thrown is not BpfException bpf)
        {
            return $"expected a BpfException ({raises.Command}, {raises.Errno}), {Describe(thrown, answer)}";
        }

        if (bpf.Errno != raises.Errno || bpf.Command != raises.Command)
        {
            return $"expected a BpfException ({raises.Command}, {raises.Errno}), got ({bpf.Command}, {bpf.Errno}): {bpf.Message}";
        }

        var missing = new List<string> { BpfErrorMessages.CommandName(bpf.Command), BpfErrorMessages.ErrnoName(bpf.Errno) };
        if (raises.HasMap)
        {
            missing.Add(bpf.Map is null ? "(no map)" : BpfErrorMessages.DescribeMap(bpf.Map));
        }

        missing.RemoveAll(part => bpf.Message.Contains(part, StringComparison.Ordinal));
        return missing.Count == 0 ? null : $"the message \"{bpf.Message}\" does not name {string.Join(", ", missing)}";
    }

    private static string Describe(Exception? thrown, Errno answer) =>
        thrown is null ? $"answered {BpfErrorMessages.ErrnoName(answer)}" : $"threw {thrown.GetType().Name}: {thrown.Message}";
}
