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
    /// whose outcome depends on the seed except walks, which are compared as sets.
    /// </summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void SimulatorsWithDifferentHashSeedsAgree(string family)
    {
        var runner = new LockstepRunner(Simulator(seed: 1), Simulator(seed: 2), "simulator 1", "simulator 2");
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

    /// <summary>Every shrink candidate is smaller: fewer steps, fewer batch elements, or a smaller map.</summary>
    [Fact]
    public void ShrinkCandidatesAreSmaller()
    {
        foreach (var scenario in ScenarioGenerator.Scenarios(MapFamily.ZeroSeedHash, Cpus, 40).Sample(20, 10))
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
    [Fact]
    public void TheGeneratorsCoverEveryCommandAndEdge()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in MapFamily.All)
        {
            foreach (var scenario in ScenarioGenerator.Scenarios(family, Cpus, 160).Sample(300, 10))
            {
                seen.Add($"{family.Name} create {scenario.Spec.Type}");
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
        }

        var missing = expected.Where(e => !seen.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"never generated: {string.Join(", ", missing)}");
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
        }) * 100 + scenario.Spec.MaxEntries;

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
            _ => ("?", null, false),
        };
        yield return name;
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

    /// <summary>The simulator with one planted divergence: BPF_NOEXIST on an array index answers EINVAL, not EEXIST.</summary>
    private sealed class PlantedBackend(IBpfMapBackend inner) : IBpfMapBackend
    {
        public int PossibleCpuCount => inner.PossibleCpuCount;

        public Errno CreateMap(BpfMapSpec spec, out BpfMapHandle? map) => inner.CreateMap(spec, out map);

        public Errno Lookup(BpfMapHandle map, ReadOnlySpan<byte> key, Span<byte> value, BpfElementFlags flags = BpfElementFlags.Any) =>
            inner.Lookup(map, key, value, flags);

        public Errno Update(BpfMapHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfElementFlags flags = BpfElementFlags.Any)
        {
            var errno = inner.Update(map, key, value, flags);
            return errno == Errno.EEXIST && map.Spec.Type.IsArrayFamily() ? Errno.EINVAL : errno;
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

        public Errno OpenMapById(uint id, BpfOpenFlags openFlags, out BpfMapHandle? map) => inner.OpenMapById(id, openFlags, out map);

        public Errno GetMapInfo(BpfMapHandle map, out BpfMapInfo? info) => inner.GetMapInfo(map, out info);

        public Errno Pin(BpfMapHandle map, string path) => inner.Pin(map, path);

        public Errno OpenPinned(string path, BpfOpenFlags fileFlags, out BpfMapHandle? map) => inner.OpenPinned(path, fileFlags, out map);
    }
}
