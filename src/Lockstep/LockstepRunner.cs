using System.Globalization;
using System.Text;
using BpfMaps.Conformance;

namespace BpfMaps.Lockstep;

/// <summary>Steps a generator may make beyond the map commands, because both hosts support them.</summary>
[Flags]
public enum LockstepCapabilities
{
    /// <summary>Map and handle commands only.</summary>
    None = 0,

    /// <summary>BPF_OBJ_PIN and BPF_OBJ_GET, in a BPF file system per scenario.</summary>
    Pins = 1,

    /// <summary>Running the following steps on another CPU.</summary>
    CpuSwitches = 2,

    /// <summary>Everything.</summary>
    All = Pins | CpuSwitches,
}

/// <summary>One step of a lockstep run and what each backend showed.</summary>
/// <param name="Label">The step number (0 is the create, <c>end</c> the final contents).</param>
/// <param name="Operation">The step, rendered.</param>
/// <param name="Reference">The reference backend's outcome (the kernel).</param>
/// <param name="Candidate">The candidate backend's outcome (the simulator).</param>
/// <param name="Difference">What differs, or null.</param>
public sealed record LockstepStep(string Label, string Operation, StepOutcome Reference, StepOutcome Candidate, string? Difference);

/// <summary>The result of applying one scenario to two backends in lockstep.</summary>
public sealed class LockstepRun
{
    internal LockstepRun(LockstepScenario scenario, IReadOnlyList<LockstepStep> steps, long operations, long syscalls,
        string referenceName, string candidateName)
    {
        Scenario = scenario;
        Steps = steps;
        Operations = operations;
        Syscalls = syscalls;
        ReferenceName = referenceName;
        CandidateName = candidateName;
    }

    /// <summary>The scenario that ran.</summary>
    public LockstepScenario Scenario { get; }

    /// <summary>The steps that ran, up to and including the first divergence.</summary>
    public IReadOnlyList<LockstepStep> Steps { get; }

    /// <summary>The first step where the backends differ, or null.</summary>
    public LockstepStep? Divergence => Steps.Count > 0 && Steps[^1].Difference is not null ? Steps[^1] : null;

    /// <summary>Operations applied to each backend (the create and the generated steps).</summary>
    public long Operations { get; }

    /// <summary>Calls made to the reference backend (walks make several).</summary>
    public long Syscalls { get; }

    /// <summary>The reference backend's name in listings.</summary>
    public string ReferenceName { get; }

    /// <summary>The candidate backend's name in listings.</summary>
    public string CandidateName { get; }

    /// <summary>Numbered steps with each outcome; the diverging step in full.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        var ordering = Scenario.Ordering == OrderComparison.Exact ? "order compared exactly" : "order compared as sets (random hash seed)";
        text.Append(CultureInfo.InvariantCulture,
            $"{(Divergence is null ? "No divergence" : $"Divergence at step {Divergence.Label}")} in {Scenario.Operations.Count + 1} steps; {ordering}:");
        foreach (var step in Steps)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {step.Label}: {step.Operation} -> ");
            if (step.Difference is null)
            {
                text.Append(step.Reference.Summary());
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"{ReferenceName} {step.Reference.Summary()}, {CandidateName} {step.Candidate.Summary()}");
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"     difference: {step.Difference}");
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"     {ReferenceName}:");
            text.AppendLine().Append(step.Reference.Detail("       "));
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"     {CandidateName}:");
            text.AppendLine().Append(step.Candidate.Detail("       "));
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Format();
}

/// <summary>
/// Applies a scenario to two backends in lockstep, the reference (the kernel, the oracle) and the candidate (the
/// simulator), and compares every step: errno, count, every output byte, and the whole contents at the end. Stops at
/// the first difference. Both backends must have the same possible-CPU count, so that per-CPU values line up.
/// </summary>
public sealed class LockstepRunner
{
    private readonly IBpfMapBackend _reference;
    private readonly IBpfMapBackend _candidate;

    /// <summary>A runner comparing <paramref name="candidate"/> with <paramref name="reference"/>.</summary>
    /// <exception cref="ArgumentException">The backends' possible-CPU counts differ.</exception>
    public LockstepRunner(IBpfMapBackend reference, IBpfMapBackend candidate, string referenceName = "kernel", string candidateName = "simulator")
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        if (reference.PossibleCpuCount != candidate.PossibleCpuCount)
        {
            throw new ArgumentException(
                $"Per-CPU values differ in size unless both backends have the same possible CPUs: {referenceName} has {reference.PossibleCpuCount}, {candidateName} {candidate.PossibleCpuCount}.",
                nameof(candidate));
        }

        _reference = reference;
        _candidate = candidate;
        ReferenceName = referenceName;
        CandidateName = candidateName;
    }

    /// <summary>
    /// What the reference's host gives its sessions: a BPF file system per scenario (for <see cref="PinOp"/> and
    /// <see cref="OpenPinnedOp"/>) and running on another CPU (<see cref="SwitchCpuOp"/>).
    /// </summary>
    public ConformanceEnvironment ReferenceEnvironment { get; init; } = ConformanceEnvironment.None;

    /// <summary>What the candidate's host gives its sessions, as <see cref="ReferenceEnvironment"/>.</summary>
    public ConformanceEnvironment CandidateEnvironment { get; init; } = ConformanceEnvironment.None;

    /// <summary>The steps both environments allow: generators make only these.</summary>
    public LockstepCapabilities Capabilities =>
        (ReferenceEnvironment.BpfFileSystem is not null && CandidateEnvironment.BpfFileSystem is not null ? LockstepCapabilities.Pins : 0)
        | (ReferenceEnvironment.CpuPinning is not null && CandidateEnvironment.CpuPinning is not null ? LockstepCapabilities.CpuSwitches : 0);

    /// <summary>The possible-CPU count of both backends.</summary>
    public int PossibleCpuCount => _reference.PossibleCpuCount;

    /// <summary>The reference backend's name in listings.</summary>
    public string ReferenceName { get; }

    /// <summary>The candidate backend's name in listings.</summary>
    public string CandidateName { get; }

    /// <summary>Runs <paramref name="scenario"/> on fresh maps of both backends.</summary>
    public LockstepRun Run(LockstepScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var reference = new BackendSession(_reference, ReferenceEnvironment);
        using var candidate = new BackendSession(_candidate, CandidateEnvironment);
        var steps = new List<LockstepStep>();
        var operations = 1L;
        var ordering = scenario.Ordering;

        bool Compare(string label, string operation, StepOutcome r, StepOutcome c)
        {
            var difference = OutcomeComparer.Difference(r, c, ordering, ReferenceName, CandidateName);
            steps.Add(new LockstepStep(label, operation, r, c, difference));
            return difference is null;
        }

        var created = Compare("0", $"create {LockstepScenario.Describe(scenario.Spec)}", reference.Create(scenario.Spec), candidate.Create(scenario.Spec));
        if (created && reference.HasMap)
        {
            var agreed = true;
            for (var i = 0; i < scenario.Operations.Count && agreed; i++)
            {
                var op = scenario.Operations[i];
                operations++;
                agreed = Compare((i + 1).ToString(CultureInfo.InvariantCulture), op.ToString(), reference.Apply(op), candidate.Apply(op));
            }

            if (agreed)
            {
                var contents = new ContentsOp();
                Compare("end", contents.ToString(), reference.Apply(contents), candidate.Apply(contents));
            }
        }

        return new LockstepRun(scenario, steps, operations, reference.Syscalls, ReferenceName, CandidateName);
    }
}
