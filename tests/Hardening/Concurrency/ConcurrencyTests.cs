using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using BpfMaps.Kernel;
using BpfMaps.Simulated;
using BpfMaps.Testing;

namespace BpfMaps.Hardening.Tests.Concurrency;

/// <summary>
/// Eight threads of mixed element and batch commands on one map for a bounded time, on both backends. Afterwards:
/// the map holds at most max_entries elements, every value is one some thread wrote (per-CPU values slot by slot), a
/// full lookup-batch pass returns each key once; during the run only the errnos the commands document came back, the
/// simulator threw nothing and nothing deadlocked. The output gives the operations per second.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const uint MaxEntries = 64;
    private const uint KeySpace = 2 * MaxEntries;
    private const int Chunk = (int)MaxEntries;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Deadlock = TimeSpan.FromSeconds(60);

    public static TheoryData<BpfMapType> Types => [BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.Array, BpfMapType.LruHash];

    [Theory]
    [MemberData(nameof(Types))]
    public void OnTheSimulator(BpfMapType type) => Run(Backends.Simulator(), type);

    [Theory]
    [MemberData(nameof(Types))]
    public void OnTheKernel(BpfMapType type)
    {
        KernelAvailability.EnsureOrSkip();
        Run(new KernelBpfMapBackend(), type);
    }

    [Fact]
    public void TheValueCheckRejectsWhatNoThreadWrote()
    {
        var issued = new uint[] { 10, 10 };
        var plain = new StressValues(new BpfMapLayout(new BpfMapSpec(BpfMapType.Hash, 4, 16, 1), 2), 16);
        var value = new byte[16];
        plain.Write(value, 1, 5, 42);
        Assert.Null(plain.Validate(42, value, issued, zeroAllowed: false));
        Assert.NotNull(plain.Validate(43, value, issued, zeroAllowed: false));
        Assert.NotNull(plain.Validate(42, value, [10, 5], zeroAllowed: false));
        Assert.NotNull(plain.Validate(42, new byte[16], issued, zeroAllowed: false));
        Assert.Null(plain.Validate(42, new byte[16], issued, zeroAllowed: true));
        var other = new byte[16];
        plain.Write(other, 0, 7, 42);
        other.AsSpan(8).CopyTo(value.AsSpan(8));
        Assert.NotNull(plain.Validate(42, value, issued, zeroAllowed: false));

        var perCpu = new StressValues(new BpfMapLayout(new BpfMapSpec(BpfMapType.PerCpuHash, 4, 12, 1), 2), 12);
        var slots = new byte[32];
        perCpu.Write(slots, 1, 5, 42);
        Assert.Null(perCpu.Validate(42, slots, issued, zeroAllowed: false));
        var mixed = new byte[32];
        perCpu.Write(mixed, 0, 6, 42);
        slots.AsSpan(0, 16).CopyTo(mixed);
        Assert.NotNull(perCpu.Validate(42, mixed, issued, zeroAllowed: false));
        var swapped = new byte[32];
        slots.AsSpan(16).CopyTo(swapped);
        slots.AsSpan(0, 16).CopyTo(swapped.AsSpan(16));
        Assert.NotNull(perCpu.Validate(42, swapped, issued, zeroAllowed: false));
        slots[13] = 1;
        Assert.NotNull(perCpu.Validate(42, slots, issued, zeroAllowed: false));
    }

    private static void Run(IBpfMapBackend backend, BpfMapType type)
    {
        var spec = new BpfMapSpec(type, 4, type.IsPerCpu() ? 12u : 16u, MaxEntries);
        Assert.Equal(Errno.None, backend.CreateMap(spec, out var created));
        using var map = created!;
        var run = new StressRun(backend, map, spec);
        var workers = Enumerable.Range(0, Threads).Select(i => new Worker(run, (uint)i)).ToArray();
        var threads = workers.Select(w => new Thread(w.Run) { IsBackground = true, Name = $"stress {w.Id}" }).ToArray();
        var clock = Stopwatch.StartNew();
        run.Deadline = Duration;
        run.Clock = clock;
        foreach (var thread in threads)
        {
            thread.Start();
        }

        var stuck = threads.Where(t => !t.Join(Duration + Deadlock)).ToList();
        var elapsed = clock.Elapsed;
        Assert.True(stuck.Count == 0, $"{stuck.Count} of {Threads} threads still ran {Deadlock.TotalSeconds} s after the deadline: a deadlock or livelock");

        var unexpected = workers.SelectMany(w => w.Unexpected).ToList();
        var issued = workers.Select(w => w.Seq).ToArray();
        var problems = unexpected.Concat(run.Afterwards(issued)).ToList();
        var operations = workers.Sum(w => w.Operations);
        var rate = operations / elapsed.TotalSeconds;
        var verdict = problems.Count == 0 ? "invariants hold" : $"{problems.Count} problems";
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"concurrency: {Backends.Name(backend)} {BpfErrorMessages.MapTypeName(type)}: {Threads} threads, {elapsed.TotalSeconds:F1} s, {operations:N0} operations ({rate:N0}/s), {workers.Sum(w => w.Passes)} full batch passes; {verdict}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(50)));
    }

    /// <summary>The map and what the threads share.</summary>
    private sealed class StressRun
    {
        public StressRun(IBpfMapBackend backend, BpfMapHandle map, BpfMapSpec spec)
        {
            Backend = backend;
            Map = map;
            Spec = spec;
            Values = new StressValues(map.Layout, spec.ValueSize);
            Simulator = backend as SimulatedBpfMapBackend;
            // The simulator serializes each command, so every value it returns must be whole. The kernel's batch
            // lookups on hash maps copy a bucket under its lock; its element lookups and array copies are not
            // atomic against a concurrent update (prealloc elements are reused, arrays are written in place).
            CheckBatchValuesDuringRun = Simulator is not null || spec.Type.IsHashFamily();
            CheckElementValuesDuringRun = Simulator is not null;
        }

        public IBpfMapBackend Backend { get; }

        public BpfMapHandle Map { get; }

        public BpfMapSpec Spec { get; }

        public StressValues Values { get; }

        public SimulatedBpfMapBackend? Simulator { get; }

        public bool IsArray => Spec.Type.IsArrayFamily();

        public bool CheckBatchValuesDuringRun { get; }

        public bool CheckElementValuesDuringRun { get; }

        public TimeSpan Deadline { get; set; }

        public Stopwatch Clock { get; set; } = new();

        // Values can only be checked against what the threads issued once they stop; during the run, seq numbers are
        // bounded by uint.MaxValue.
        public uint[] DuringRun { get; } = [.. Enumerable.Repeat(uint.MaxValue, Threads)];

        /// <summary>The invariants once every thread has stopped.</summary>
        public IEnumerable<string> Afterwards(uint[] issued)
        {
            // A get-next-key walk with a lookup of each key...
            var walked = new Dictionary<uint, string>();
            var key = Array.Empty<byte>();
            var next = new byte[4];
            var value = new byte[Values.Size];
            Errno errno;
            while ((errno = Backend.GetNextKey(Map, key, next)) == Errno.None)
            {
                var id = BinaryPrimitives.ReadUInt32LittleEndian(next);
                if (!walked.TryAdd(id, ""))
                {
                    yield return $"afterwards: get-next-key returned key {id} twice";
                    break;
                }

                errno = Backend.Lookup(Map, next, value);
                if (errno != Errno.None)
                {
                    yield return $"afterwards: key {id} was listed but its lookup answered {errno}";
                    continue;
                }

                walked[id] = Convert.ToHexString(value);
                if (Values.Validate(id, value, issued, IsArray) is { } why)
                {
                    yield return $"afterwards: key {id} holds {why}";
                }

                key = next.ToArray();
            }

            if (errno != Errno.ENOENT)
            {
                yield return $"afterwards: get-next-key answered {errno}";
            }

            if (walked.Count > MaxEntries)
            {
                yield return $"afterwards: {walked.Count} elements in a map of max_entries {MaxEntries}";
            }

            // ...and a full batch pass agree: each key once, with the same value.
            var batched = new Dictionary<uint, string>();
            foreach (var problem in BatchPass(issued, (id, bytes) =>
            {
                batched[id] = Convert.ToHexString(bytes);
            }))
            {
                yield return "afterwards: " + problem;
            }

            foreach (var (id, hex) in walked)
            {
                if (!batched.TryGetValue(id, out var other) || other != hex)
                {
                    yield return $"afterwards: key {id} reads {hex} element by element but {other ?? "nothing"} in the batch pass";
                }
            }

            if (batched.Count != walked.Count)
            {
                yield return $"afterwards: the batch pass returned {batched.Count} elements, the walk {walked.Count}";
            }
        }

        /// <summary>
        /// A full LOOKUP_BATCH pass: no key twice, each value valid (when <paramref name="issued"/> bounds the seq
        /// numbers and values can be checked). Returns the problems; <paramref name="element"/> gets each element.
        /// </summary>
        public List<string> BatchPass(uint[]? issued, Action<uint, byte[]>? element = null)
        {
            var problems = new List<string>();
            var seen = new HashSet<uint>();
            var keys = new byte[Chunk * 4];
            var values = new byte[Chunk * Values.Size];
            var inBatch = new byte[4];
            var outBatch = new byte[4];
            var first = true;
            for (var calls = 0; calls < 10_000; calls++)
            {
                var count = (uint)Chunk;
                var errno = Backend.LookupBatch(Map, first ? [] : inBatch, outBatch, keys, values, ref count);
                if (errno is not (Errno.None or Errno.ENOENT))
                {
                    problems.Add($"a batch pass: LOOKUP_BATCH answered {errno}");
                    return problems;
                }

                for (var i = 0; i < (int)Math.Min(count, (uint)Chunk); i++)
                {
                    var id = BinaryPrimitives.ReadUInt32LittleEndian(keys.AsSpan(i * 4));
                    var bytes = values.AsSpan(i * Values.Size, Values.Size);
                    if (!seen.Add(id))
                    {
                        problems.Add($"a batch pass returned key {id} twice");
                    }

                    if (issued is not null && Values.Validate(id, bytes, issued, IsArray) is { } why)
                    {
                        problems.Add($"a batch pass: key {id} holds {why}");
                    }

                    element?.Invoke(id, bytes.ToArray());
                }

                if (errno == Errno.ENOENT)
                {
                    return problems;
                }

                outBatch.CopyTo(inBatch);
                first = false;
            }

            problems.Add("a batch pass did not end after 10,000 calls");
            return problems;
        }
    }

    /// <summary>One thread: random commands until the deadline, each answer checked against what the command documents.</summary>
    private sealed class Worker(StressRun run, uint id)
    {
        private readonly Random _random = new((int)id * 7919);
        private readonly byte[] _key = new byte[4];
        private readonly byte[] _value = new byte[run.Values.Size];
        private readonly byte[] _keys = new byte[4 * 4];
        private readonly byte[] _values = new byte[4 * run.Values.Size];

        public uint Id => id;

        public long Operations { get; private set; }

        public int Passes { get; private set; }

        public uint Seq { get; private set; }

        public List<string> Unexpected { get; } = [];

        public void Run()
        {
            using var cpu = run.Simulator?.RunOnCpu((int)(id % (uint)run.Simulator.PossibleCpuCount));
            while (run.Clock.Elapsed < run.Deadline && Unexpected.Count < 20)
            {
                try
                {
                    Step();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Unexpected.Add($"thread {id}: threw {ex}");
                }

                Operations++;
            }
        }

        private void Step()
        {
            var hash = !run.IsArray;
            var roll = _random.Next(100);
            var backend = run.Backend;
            var map = run.Map;
            switch (roll)
            {
                case < 25:
                {
                    var flags = (BpfElementFlags)_random.Next(3);
                    var key = WritableKey();
                    run.Values.Write(_value, id, Seq++, key);
                    Expect("update", backend.Update(map, Key(key), _value, flags), Errno.None,
                        flags == BpfElementFlags.NoExist ? Errno.EEXIST : Errno.None,
                        flags == BpfElementFlags.Exist && hash ? Errno.ENOENT : Errno.None,
                        run.Spec.Type is BpfMapType.Hash or BpfMapType.PerCpuHash && flags != BpfElementFlags.Exist ? Errno.E2BIG : Errno.None);
                    break;
                }

                case < 45:
                {
                    var key = AnyKey();
                    var errno = backend.Lookup(map, Key(key), _value);
                    Expect("lookup", errno, Errno.None, hash ? Errno.ENOENT : Errno.None);
                    if (errno == Errno.None && run.CheckElementValuesDuringRun)
                    {
                        CheckValue("lookup", key, _value);
                    }

                    break;
                }

                case < 55 when hash:
                    Expect("delete", backend.Delete(map, Key(AnyKey())), Errno.None, Errno.ENOENT);
                    break;

                case < 65 when hash:
                {
                    var key = AnyKey();
                    var errno = backend.LookupAndDelete(map, Key(key), _value);
                    Expect("lookup-and-delete", errno, Errno.None, Errno.ENOENT);
                    if (errno == Errno.None && run.CheckElementValuesDuringRun)
                    {
                        CheckValue("lookup-and-delete", key, _value);
                    }

                    break;
                }

                case < 70:
                {
                    var next = new byte[4];
                    Expect("get-next-key", _random.Next(2) == 0 ? backend.GetNextKey(map, [], next) : backend.GetNextKey(map, Key(AnyKey()), next),
                        Errno.None, Errno.ENOENT);
                    break;
                }

                case < 80:
                {
                    // Four distinct keys this thread may write.
                    var first = WritableKey();
                    for (var i = 0u; i < 4; i++)
                    {
                        var key = run.IsArray ? (first + (i * Threads)) % MaxEntries : (first + i) % KeySpace;
                        BinaryPrimitives.WriteUInt32LittleEndian(_keys.AsSpan((int)i * 4), key);
                        run.Values.Write(_values.AsSpan((int)i * run.Values.Size), id, Seq++, key);
                    }

                    var count = 4u;
                    Expect("update-batch", backend.UpdateBatch(map, _keys, _values, ref count), Errno.None,
                        run.Spec.Type is BpfMapType.Hash or BpfMapType.PerCpuHash ? Errno.E2BIG : Errno.None);
                    break;
                }

                case < 85 when hash:
                {
                    var first = AnyKey();
                    for (var i = 0u; i < 4; i++)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(_keys.AsSpan((int)i * 4), (first + i) % KeySpace);
                    }

                    var count = 4u;
                    Expect("delete-batch", backend.DeleteBatch(map, _keys, ref count), Errno.None, Errno.ENOENT);
                    break;
                }

                case < 90 when hash:
                {
                    var count = 4u;
                    var errno = backend.LookupAndDeleteBatch(map, [], new byte[4], _keys, _values, ref count);
                    // ENOSPC: the first bucket holds more than four elements (reference §8.3).
                    Expect("lookup-and-delete-batch", errno, Errno.None, Errno.ENOENT, Errno.ENOSPC);
                    if (errno is Errno.None or Errno.ENOENT && run.CheckBatchValuesDuringRun)
                    {
                        for (var i = 0; i < (int)Math.Min(count, 4u); i++)
                        {
                            CheckValue("lookup-and-delete-batch", BinaryPrimitives.ReadUInt32LittleEndian(_keys.AsSpan(i * 4)),
                                _values.AsSpan(i * run.Values.Size, run.Values.Size));
                        }
                    }

                    break;
                }

                default:
                {
                    // A full pass: never a key twice; on the simulator, a consistent snapshot never over capacity.
                    Passes++;
                    foreach (var problem in run.BatchPass(run.CheckBatchValuesDuringRun ? run.DuringRun : null))
                    {
                        Unexpected.Add($"thread {id}: {problem}");
                    }

                    if (run.Simulator?.Dump(map) is { } snapshot && snapshot.Count > MaxEntries)
                    {
                        Unexpected.Add($"thread {id}: the simulator holds {snapshot.Count} elements, max_entries {MaxEntries}");
                    }

                    break;
                }
            }
        }

        // Arrays: the indexes of this thread's stripe (two writers on one index may interleave their copies in the
        // kernel, which is not a property of this library); hash maps: any key, twice as many as fit.
        private uint WritableKey() => run.IsArray ? id + ((uint)_random.Next((int)(MaxEntries / Threads)) * Threads) : (uint)_random.Next((int)KeySpace);

        private uint AnyKey() => (uint)_random.Next((int)(run.IsArray ? MaxEntries : KeySpace));

        private byte[] Key(uint key)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_key, key);
            return _key;
        }

        private void CheckValue(string command, uint key, ReadOnlySpan<byte> value)
        {
            if (run.Values.Validate(key, value, run.DuringRun, run.IsArray) is { } why)
            {
                Unexpected.Add($"thread {id}: {command} of key {key} read {why}");
            }
        }

        private void Expect(string command, Errno errno, params Errno[] allowed)
        {
            if (!allowed.Contains(errno))
            {
                Unexpected.Add($"thread {id}: {command} answered {errno}");
            }
        }
    }
}
