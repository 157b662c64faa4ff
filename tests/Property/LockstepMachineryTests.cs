using BpfMaps.Conformance;
using BpfMaps.Lockstep;
using BpfMaps.Simulated;
using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.PropertyTests;

/// <summary>
/// The lockstep machinery itself, without a kernel: two simulators stand in for the two backends. A comparison that
/// cannot fail, a generator that never makes some command, or a shrinker that does not shrink would each make the
/// kernel lockstep tests worthless, so each is checked here.
/// </summary>
public sealed class LockstepMachineryTests
{
    private const int Cpus = 2;

    /// <summary>
    /// Two simulators whose random hash seeds differ agree on every family: the random-seed family generates nothing
    /// whose outcome depends on the seed except walks, which are compared as sets. Each has its own bpffs per scenario
    /// and CPU choice, so pins and CPU switches run too.
    /// </summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void SimulatorsWithDifferentHashSeedsAgree(string family)
    {
        var (first, second) = (Simulator(seed: 1), Simulator(seed: 2));
        using var firstFileSystems = ScenarioFileSystems.Simulated(first);
        using var secondFileSystems = ScenarioFileSystems.Simulated(second);
        var runner = new LockstepRunner(first, second, "simulator 1", "simulator 2")
        {
            ReferenceEnvironment = firstFileSystems.Environment(new SimulatedCpuPinning(first)),
            CandidateEnvironment = secondFileSystems.Environment(new SimulatedCpuPinning(second)),
        };
        Assert.Equal(LockstepCapabilities.All, runner.Capabilities);
        var report = LockstepFuzzer.Run(runner, MapFamily.Named(family), new LockstepOptions { Seed = 7, OperationBudget = 3_000 });

        Assert.Null(report.Failure?.Format(PropertyRunner.SeedVariable));
        Assert.True(report.Operations >= 3_000);
    }

    /// <summary>
    /// A backend that answers BPF_NOEXIST on an array index with EINVAL instead of EEXIST (§5.2) is found, shrunk
    /// to the create and the one update, and printed as numbered steps with the seed to replay.
    /// </summary>
    [Fact]
    public void APlantedDivergenceIsFoundShrunkAndPrintedWithItsSeed()
    {
        var runner = new LockstepRunner(Simulator(), new PlantedBackend(Simulator()));
        var report = LockstepFuzzer.Run(runner, MapFamily.Arrays, new LockstepOptions { Seed = 11, OperationBudget = 20_000 });

        var failure = Assert.IsType<LockstepFailure>(report.Failure);
        Assert.Single(failure.Shrunk.Scenario.Operations);
        Assert.True(failure.Reproduced);
        Assert.Equal(Errno.EEXIST, failure.Shrunk.Divergence!.Reference.Errno);
        Assert.Equal(Errno.EINVAL, failure.Shrunk.Divergence.Candidate.Errno);
        var text = failure.Format(PropertyRunner.SeedVariable);
        Assert.Contains($"0: create {failure.Shrunk.Scenario.Spec.Type} key_size=4", text, StringComparison.Ordinal);
        Assert.Contains("1: update key=", text, StringComparison.Ordinal);
        Assert.Contains("flags=NOEXIST -> kernel EEXIST, simulator EINVAL", text, StringComparison.Ordinal);
        Assert.Contains($"Replay: {PropertyRunner.SeedVariable}=11", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A planted divergence in each kind of object step is found, reproduces, and shrinks to a few steps that include
    /// that kind: GET_FD_BY_ID taking RDONLY|WRONLY (§10), map info keeping BPF_F_RDONLY for a read-only handle (§3.2),
    /// a pin at an existing path succeeding, a candidate whose CPU switches do nothing (§12.1).
    /// </summary>
    [Theory]
    [InlineData(Plant.OpenByIdTakesBothAccessBits, "arrays", typeof(OpenByIdOp), 1)]
    [InlineData(Plant.InfoKeepsReadOnly, "zero-seed-hash", typeof(GetInfoOp), 3)]
    [InlineData(Plant.PinOverAnExistingPath, "queues-and-stacks", typeof(PinOp), 2)]
    [InlineData(Plant.CpuSwitchesIgnored, "lru-zero-seed", typeof(SwitchCpuOp), 6)]
    public void APlantedDivergenceInAnObjectStepIsFoundAndShrunk(Plant plant, string family, Type step, int maxSteps)
    {
        var reference = Simulator();
        var candidate = Simulator();
        using var referenceFileSystems = ScenarioFileSystems.Simulated(reference);
        using var candidateFileSystems = ScenarioFileSystems.Simulated(candidate);
        var runner = new LockstepRunner(reference, new PlantedBackend(candidate, plant))
        {
            ReferenceEnvironment = referenceFileSystems.Environment(new SimulatedCpuPinning(reference)),
            CandidateEnvironment = candidateFileSystems.Environment(plant == Plant.CpuSwitchesIgnored ? new NoPinning() : new SimulatedCpuPinning(candidate)),
        };
        var report = LockstepFuzzer.Run(runner, MapFamily.Named(family), new LockstepOptions { Seed = 13, OperationBudget = 50_000 });

        var failure = Assert.IsType<LockstepFailure>(report.Failure);
        Assert.True(failure.Reproduced);
        var shrunk = failure.Shrunk.Scenario.Operations;
        Assert.Contains(shrunk, op => op.GetType() == step);
        Assert.True(shrunk.Count <= maxSteps, failure.Format(PropertyRunner.SeedVariable));
        TestContext.Current.SendDiagnosticMessage(
            $"{plant}: found after {report.Operations} operations, shrunk from {failure.Original.Scenario.Operations.Count} to {shrunk.Count} steps: {string.Join("; ", shrunk)}");
    }

    /// <summary>The run's seed alone decides the scenarios, so a printed seed replays the failure.</summary>
    [Fact]
    public void TheSameSeedReplaysTheSameRun()
    {
        LockstepReport Run(ulong seed) => LockstepFuzzer.Run(
            new LockstepRunner(Simulator(), new PlantedBackend(Simulator())), MapFamily.Arrays, new LockstepOptions { Seed = seed, OperationBudget = 20_000 });

        var first = Run(5);
        var again = Run(5);
        var other = Run(6);

        Assert.Equal(first.Failure!.Original.Scenario.ToString(), again.Failure!.Original.Scenario.ToString());
        Assert.Equal(first.Failure.Shrunk.Format(), again.Failure!.Shrunk.Format());
        Assert.NotEqual(first.Failure.Original.Scenario.ToString(), other.Failure!.Original.Scenario.ToString());
    }

    /// <summary>Every shrink candidate is smaller: fewer steps, fewer batch elements or handle indexes, or a smaller map.</summary>
    [Fact]
    public void ShrinkCandidatesAreSmaller()
    {
        foreach (var scenario in ScenarioGenerator.Scenarios(MapFamily.ZeroSeedHash, Cpus, 40, LockstepCapabilities.All).Sample(20, 10))
        {
            foreach (var candidate in ScenarioGenerator.Shrink(scenario))
            {
                Assert.True(Size(candidate) < Size(scenario), $"{candidate} is not smaller than {scenario}");
            }
        }
    }

    /// <summary>
    /// Over a few hundred scenarios, each family makes every command it is meant to, with NULL buffers, invalid flag
    /// bits, counts of 0 and up to twice max_entries, cursors from earlier results and indexes past the bounds.
    /// </summary>
    // A fixed seed: coverage of rare steps (freeze is 2 in ~5000) must not depend on the luck of one run.
    private static readonly FsCheck.Rnd CoverageSeed = new(0x5EED_C0DE, 0x9E3779B97F4A7C15);

    [Fact]
    public void TheGeneratorsCoverEveryCommandAndEdge()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var misplaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in MapFamily.All)
        {
            foreach (var scenario in ScenarioGenerator.Scenarios(family, Cpus, 160, LockstepCapabilities.All).Sample(300, CoverageSeed, 30))
            {
                seen.Add($"{family.Name} create {scenario.Spec.Type}");
                if (!scenario.Spec.Type.IsLru() && scenario.Operations.Any(op => op is SwitchCpuOp))
                {
                    misplaced.Add($"{family.Name} {scenario.Spec.Type}");
                }

                foreach (var op in scenario.Operations)
                {
                    foreach (var feature in Features(scenario.Spec, op))
                    {
                        seen.Add($"{family.Name} {feature}");
                    }
                }
            }
        }

        string[] everyKeyed = ["update", "lookup", "delete", "get-next-key", "lookup-and-delete", "freeze", "update-batch", "delete-batch",
            "lookup-batch", "lookup-and-delete-batch", "contents", "walk", "null key", "null value", "invalid flags", "count 0",
            "count 2x max_entries", "null keys buffer"];
        string[] objects = ["open-by-id", "open-by-id unknown id", "open-by-id RDONLY", "open-by-id WRONLY", "open-by-id RDONLY|WRONLY",
            "open-by-id other bits", "close", "get-info", "pin", "open-pinned", "open-pinned RDONLY", "open-pinned other bits",
            "lookup through another handle", "update through another handle", "lookup-and-delete through another handle",
            .. Enum.GetValues<PinPath>().Select(p => $"pin {p}"), .. Enum.GetValues<PinPath>().Select(p => $"open-pinned {p}")];
        string[] exactKeyed = ["last next_key", "last out_batch", "arbitrary cursor", "null out_batch", "null next_key"];
        var expected = new List<string>();
        foreach (var family in new[] { MapFamily.ZeroSeedHash, MapFamily.LruZeroSeed, MapFamily.RandomSeedHash, MapFamily.Arrays })
        {
            expected.AddRange(everyKeyed.Select(f => $"{family.Name} {f}"));
        }

        foreach (var family in new[] { MapFamily.ZeroSeedHash, MapFamily.LruZeroSeed, MapFamily.Arrays })
        {
            expected.AddRange(exactKeyed.Select(f => $"{family.Name} {f}"));
        }

        expected.AddRange(["random-seed-hash cursor past n_buckets", "arrays index past max_entries", "arrays index u32 max"]);
        string[] queue = ["update", "lookup", "lookup-and-delete", "delete", "get-next-key", "lookup-batch", "update-batch", "delete-batch",
            "freeze", "contents", "null value", "invalid flags", "non-null key"];
        expected.AddRange(queue.Select(f => $"queues-and-stacks {f}"));
        foreach (var family in MapFamily.All)
        {
            expected.AddRange(family.Types.Select(t => $"{family.Name} create {t}"));
            expected.AddRange(objects.Select(f => $"{family.Name} {f}"));
        }

        expected.AddRange(Enumerable.Range(0, Cpus).Select(c => $"lru-zero-seed switch to CPU {c}"));
        expected.AddRange(["spin-lock lookup-and-delete", "random-seed-hash switch to CPU 1"]);

        var missing = expected.Where(e => !seen.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"never generated: {string.Join(", ", missing)}");
        Assert.True(misplaced.Count == 0, $"CPU switches on maps that are not LRU: {string.Join(", ", misplaced)}");
    }

    public static TheoryData<string> Families => [.. MapFamily.All.Select(f => f.Name)];

    private static SimulatedBpfMapBackend Simulator(int seed = 0) =>
        new(new SimulatedBpfBackendOptions { PossibleCpuCount = Cpus, Seed = seed });

    private static long Size(LockstepScenario scenario) =>
        (scenario.Operations.Count * 1_000_000L) + scenario.Operations.Sum(op => op switch
        {
            UpdateBatchOp u => (long)u.Count,
            DeleteBatchOp d => d.Count,
            LookupBatchOp l => l.Count,
            BatchWalkOp w => w.Chunk,
            _ => 0L,
        } + op.Handle) * 100 + scenario.Spec.MaxEntries;

    private static IEnumerable<string> Features(BpfMapSpec spec, LockstepOperation op)
    {
        var max = spec.MaxEntries;
        var (name, key, flagsInvalid) = op switch
        {
            UpdateOp u => ("update", u.Key, (ulong)u.Flags > 2),
            LookupOp l => ("lookup", l.Key, l.Flags != BpfElementFlags.Any),
            DeleteOp d => ("delete", d.Key, false),
            GetNextKeyOp g => ("get-next-key", g.Key, false),
            LookupAndDeleteOp l => ("lookup-and-delete", l.Key, l.Flags != BpfElementFlags.Any),
            FreezeOp => ("freeze", null, false),
            UpdateBatchOp u => ("update-batch", null, u.ElementFlags != BpfElementFlags.Any || u.Flags != BpfBatchFlags.None),
            DeleteBatchOp d => ("delete-batch", null, d.ElementFlags != BpfElementFlags.Any || d.Flags != BpfBatchFlags.None),
            LookupBatchOp { AndDelete: false } l => ("lookup-batch", null, l.ElementFlags != BpfElementFlags.Any || l.Flags != BpfBatchFlags.None),
            LookupBatchOp l => ("lookup-and-delete-batch", null, l.ElementFlags != BpfElementFlags.Any || l.Flags != BpfBatchFlags.None),
            ContentsOp => ("contents", null, false),
            BatchWalkOp => ("walk", null, false),
            OpenByIdOp => ("open-by-id", null, false),
            CloseHandleOp => ("close", null, false),
            GetInfoOp => ("get-info", null, false),
            PinOp => ("pin", null, false),
            OpenPinnedOp => ("open-pinned", null, false),
            SwitchCpuOp c => ($"switch to CPU {c.Cpu}", null, false),
            _ => ("?", null, false),
        };
        yield return name;
        if (op.Handle != 0)
        {
            yield return $"{name} through another handle";
        }
        if (flagsInvalid)
        {
            yield return "invalid flags";
        }

        switch (key?.Source)
        {
            case KeySource.Null when name != "get-next-key":
                yield return "null key";
                break;
            case KeySource.LastNextKey:
                yield return "last next_key";
                break;
            case KeySource.Bytes when spec.Type.IsQueueOrStack():
                yield return "non-null key";
                break;
            case KeySource.Bytes when spec.Type.IsArrayFamily():
                var index = BitConverter.ToUInt32(key.Bytes);
                if (index >= max)
                {
                    yield return "index past max_entries";
                }

                if (index == uint.MaxValue)
                {
                    yield return "index u32 max";
                }

                break;
        }

        switch (op)
        {
            case UpdateOp { Value: null } or LookupOp { NullValue: true } or LookupAndDeleteOp { NullValue: true }:
                yield return "null value";
                break;
            case GetNextKeyOp { NullNextKey: true }:
                yield return "null next_key";
                break;
            case LookupBatchOp l:
                if (l.NullOutBatch)
                {
                    yield return "null out_batch";
                }

                if (l.NullKeys)
                {
                    yield return "null keys buffer";
                }

                if (l.InBatch.Source == CursorSource.LastOutBatch)
                {
                    yield return "last out_batch";
                }

                if (l.InBatch.Source == CursorSource.Literal)
                {
                    yield return "arbitrary cursor";
                    if (spec.Type.IsHashFamily() && l.InBatch.Value >= Jhash.BucketCount(max))
                    {
                        yield return "cursor past n_buckets";
                    }
                }

                break;
            case UpdateBatchOp { Keys: null } or DeleteBatchOp { Keys: null }:
                yield return "null keys buffer";
                break;
            case OpenByIdOp o:
                if (o.Id is not null)
                {
                    yield return "open-by-id unknown id";
                }

                yield return $"open-by-id {OpenFlagsFeature(o.Flags)}";
                break;
            case PinOp p:
                yield return $"pin {p.Path}";
                break;
            case OpenPinnedOp o:
                yield return $"open-pinned {o.Path}";
                yield return $"open-pinned {OpenFlagsFeature(o.Flags)}";
                break;
        }

        var count = op switch
        {
            UpdateBatchOp u => u.Count,
            DeleteBatchOp d => d.Count,
            LookupBatchOp l => l.Count,
            _ => uint.MaxValue,
        };
        if (count == 0)
        {
            yield return "count 0";
        }
        else if (count == 2 * max)
        {
            yield return "count 2x max_entries";
        }
    }

    private static string OpenFlagsFeature(BpfOpenFlags flags) => flags switch
    {
        BpfOpenFlags.None => "read-write",
        BpfOpenFlags.ReadOnly => "RDONLY",
        BpfOpenFlags.WriteOnly => "WRONLY",
        BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly => "RDONLY|WRONLY",
        _ => "other bits",
    };

    /// <summary>A divergence planted in the candidate.</summary>
    public enum Plant
    {
        /// <summary>BPF_NOEXIST on an array index answers EINVAL, not EEXIST.</summary>
        ArrayNoExistIsEinval,

        /// <summary>BPF_MAP_GET_FD_BY_ID with RDONLY|WRONLY opens a read-only handle instead of EINVAL.</summary>
        OpenByIdTakesBothAccessBits,

        /// <summary>Map info through a read-only handle keeps BPF_F_RDONLY in map_flags.</summary>
        InfoKeepsReadOnly,

        /// <summary>BPF_OBJ_PIN at an existing path succeeds instead of EEXIST.</summary>
        PinOverAnExistingPath,

        /// <summary>CPU switches do nothing (the environment's pinning is a no-op).</summary>
        CpuSwitchesIgnored,
    }

    // Pinning that leaves the simulator on its default CPU.
    private sealed class NoPinning : ICpuPinning, IDisposable
    {
        public IDisposable PinCurrentThread(int cpu) => this;

        public void Dispose()
        {
        }
    }

    /// <summary>The simulator with one planted divergence (<see cref="Plant"/>).</summary>
    private sealed class PlantedBackend(IBpfMapBackend inner, Plant plant = Plant.ArrayNoExistIsEinval) : IBpfMapBackend
    {
        public int PossibleCpuCount => inner.PossibleCpuCount;

        public LinuxKernelVersion KernelVersion => inner.KernelVersion;

        public Errno CreateMap(BpfMapSpec spec, out BpfMapHandle? map) => inner.CreateMap(spec, out map);

        public Errno Lookup(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any) =>
            inner.Lookup(map, key, value, flags);

        public Errno Update(BpfMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags = BpfElementFlags.Any)
        {
            var errno = inner.Update(map, key, value, flags);
            return plant == Plant.ArrayNoExistIsEinval && errno == Errno.EEXIST && map.Spec.Type.IsArrayFamily() ? Errno.EINVAL : errno;
        }

        public Errno Delete(BpfMapHandle map, ReadOnlySpan<byte> key) => inner.Delete(map, key);

        public Errno GetNextKey(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> nextKey) => inner.GetNextKey(map, key, nextKey);

        public Errno LookupAndDelete(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any) =>
            inner.LookupAndDelete(map, key, value, flags);

        public Errno Freeze(BpfMapHandle map) => inner.Freeze(map);

        public Errno LookupBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
            ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
            inner.LookupBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags);

        public Errno LookupAndDeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> inBatch, Span<byte> outBatch, Span<byte> keys, Span<byte> values,
            ref uint count, BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
            inner.LookupAndDeleteBatch(map, inBatch, outBatch, keys, values, ref count, elementFlags, flags);

        public Errno UpdateBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, ref uint count,
            BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
            inner.UpdateBatch(map, keys, values, ref count, elementFlags, flags);

        public Errno DeleteBatch(BpfMapHandle map, ReadOnlySpan<byte> keys, ref uint count,
            BpfElementFlags elementFlags = BpfElementFlags.Any, BpfBatchFlags flags = BpfBatchFlags.None) =>
            inner.DeleteBatch(map, keys, ref count, elementFlags, flags);

        public Errno OpenMapById(uint id, BpfOpenFlags openFlags, out BpfMapHandle? map) =>
            inner.OpenMapById(id, plant == Plant.OpenByIdTakesBothAccessBits && openFlags == (BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly)
                ? BpfOpenFlags.ReadOnly : openFlags, out map);

        public Errno GetMapInfo(BpfMapHandle map, out BpfMapInfo? info)
        {
            var errno = inner.GetMapInfo(map, out info);
            if (plant == Plant.InfoKeepsReadOnly && info is not null && map.Access == BpfMapAccess.ReadOnly)
            {
                info = info with { Flags = info.Flags | BpfMapFlags.ReadOnly };
            }

            return errno;
        }

        public Errno Pin(BpfMapHandle map, string path)
        {
            var errno = inner.Pin(map, path);
            return plant == Plant.PinOverAnExistingPath && errno == Errno.EEXIST ? Errno.None : errno;
        }

        public Errno OpenPinned(string path, BpfOpenFlags fileFlags, out BpfMapHandle? map) => inner.OpenPinned(path, fileFlags, out map);
    }
}
