using System.Globalization;
using System.Text.Json;
using BpfMaps.Kernel;
using BpfMaps.Testing;

namespace BpfMaps.Cli.Tests;

/// <summary>
/// <c>bpfmaps map</c> on real maps that the library created and pinned on a bpffs: dumps and map info compared entry
/// for entry with bpftool's, and lookups, updates and deletes with their errors.
/// </summary>
public sealed class MapCommandTests : IDisposable
{
    private readonly KernelBpfMapBackend? _kernel;
    private readonly KernelBpfFileSystem? _bpffs;
    private readonly List<BpfMapHandle> _maps = [];

    public MapCommandTests()
    {
        if (KernelProbe.IsAvailable)
        {
            _kernel = new KernelBpfMapBackend();
            _bpffs = new KernelBpfFileSystem();
        }
    }

    private KernelBpfMapBackend Kernel => _kernel!;

    public static TheoryData<BpfMapType> DumpableTypes =>
    [
        BpfMapType.Hash, BpfMapType.PerCpuHash, BpfMapType.LruHash, BpfMapType.LruPerCpuHash, BpfMapType.Array, BpfMapType.PerCpuArray,
    ];

    [Theory]
    [MemberData(nameof(DumpableTypes))]
    public void ADumpEqualsBpftoolsEntryForEntry(BpfMapType type)
    {
        KernelAvailability.EnsureOrSkip();
        var (map, path) = Pinned(type, keySize: type.IsArrayFamily() ? 4u : 6u, valueSize: 5, maxEntries: 16);
        Fill(map, count: 11);

        var ours = Tool.Run("map", "dump", "pinned", path, "--json");
        Assert.True(ours.ExitCode == ExitCodes.Success, ours.ToString());
        var theirs = Bpftool.Json("map", "dump", "pinned", path);

        var ourEntries = ours.Json().EnumerateArray().ToList();
        var theirEntries = theirs.EnumerateArray().ToList();
        Assert.Equal(type.IsArrayFamily() ? 16 : 11, theirEntries.Count);
        Assert.Equal(theirEntries.Count, ourEntries.Count);
        for (var i = 0; i < theirEntries.Count; i++)
        {
            Assert.Equal(Bytes(theirEntries[i].GetProperty("key")), Bytes(ourEntries[i].GetProperty("key")));
            if (type.IsPerCpu())
            {
                var theirValues = theirEntries[i].GetProperty("values").EnumerateArray().ToList();
                var ourValues = ourEntries[i].GetProperty("values").EnumerateArray().ToList();
                Assert.Equal(Kernel.PossibleCpuCount, theirValues.Count);
                Assert.Equal(theirValues.Count, ourValues.Count);
                for (var cpu = 0; cpu < theirValues.Count; cpu++)
                {
                    Assert.Equal(theirValues[cpu].GetProperty("cpu").GetInt32(), ourValues[cpu].GetProperty("cpu").GetInt32());
                    Assert.Equal(Bytes(theirValues[cpu].GetProperty("value")), Bytes(ourValues[cpu].GetProperty("value")));
                }
            }
            else
            {
                Assert.Equal(Bytes(theirEntries[i].GetProperty("value")), Bytes(ourEntries[i].GetProperty("value")));
            }
        }

        // And the bytes are the ones the library wrote, through the library's own lookup.
        foreach (var entry in ourEntries)
        {
            var key = Bytes(entry.GetProperty("key"));
            var value = new byte[map.Layout.ValueSize];
            Assert.Equal(Errno.None, Kernel.Lookup(map, key, value));
            var shown = type.IsPerCpu()
                ? entry.GetProperty("values").EnumerateArray().Select(v => Bytes(v.GetProperty("value"))).ToList()
                : [Bytes(entry.GetProperty("value"))];
            for (var cpu = 0; cpu < shown.Count; cpu++)
            {
                Assert.Equal(value.AsSpan((int)map.Layout.SlotOffset(cpu), 5).ToArray(), shown[cpu]);
            }
        }
    }

    [Fact]
    public void TheTableDumpShowsEveryKeyAndValueInHex()
    {
        KernelAvailability.EnsureOrSkip();
        var (map, path) = Pinned(BpfMapType.Hash, keySize: 4, valueSize: 4, maxEntries: 4);
        Assert.Equal(Errno.None, Kernel.Update(map, [1, 0, 0, 0], [0xde, 0xad, 0xbe, 0xef]));
        var run = Tool.Run("map", "dump", "pinned", path);
        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Matches(@"│ 01 00 00 00 │ de ad be ef │", run.Output);
        Assert.Contains("Found 1 element", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ShowAndListReportWhatBpftoolReports()
    {
        KernelAvailability.EnsureOrSkip();
        var (map, path) = Pinned(BpfMapType.LruHash, keySize: 8, valueSize: 12, maxEntries: 32, flags: BpfMapFlags.ZeroSeed);
        Assert.Equal(Errno.None, Kernel.GetMapInfo(map, out var info));
        var theirs = Bpftool.Json("map", "show", "id", info!.Id.ToString(CultureInfo.InvariantCulture));

        foreach (var args in new[] { new[] { "map", "show", "id", info.Id.ToString(CultureInfo.InvariantCulture) }, ["map", "show", "pinned", path] })
        {
            var run = Tool.Run([.. args, "--json"]);
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            var ours = run.Json();
            foreach (var field in new[] { "id", "flags", "bytes_key", "bytes_value", "max_entries" })
            {
                Assert.Equal(theirs.GetProperty(field).GetUInt32(), ours.GetProperty(field).GetUInt32());
            }

            Assert.Equal(theirs.GetProperty("type").GetString(), ours.GetProperty("type").GetString());
            Assert.Equal(theirs.GetProperty("name").GetString(), ours.GetProperty("name").GetString());
        }

        var list = Tool.Run("map", "list", "--json");
        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        var listed = Assert.Single(list.Json().EnumerateArray(), m => m.GetProperty("id").GetUInt32() == info.Id);
        Assert.Equal("lru_hash", listed.GetProperty("type").GetString());
        Assert.Equal("cli_test", listed.GetProperty("name").GetString());
        // Other processes' maps widen the columns: compare the cells of this map's row.
        var table = Tool.Run("map", "list");
        var row = table.Output.Split('\n')
            .Select(line => line.Split('│', StringSplitOptions.TrimEntries))
            .Single(cells => cells.Length > 2 && cells[1] == info.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(["", info.Id.ToString(CultureInfo.InvariantCulture), "lru_hash", "cli_test", "8", "12", "32", "0x40 (ZeroSeed)", ""], row);
    }

    [Fact]
    public void LookupUpdateAndDeleteRoundTrip()
    {
        KernelAvailability.EnsureOrSkip();
        var (map, path) = Pinned(BpfMapType.Hash, keySize: 4, valueSize: 4, maxEntries: 4);
        Assert.Equal(ExitCodes.Success, Tool.Run("map", "update", "pinned", path, "key", "01", "00", "00", "00", "value", "0x2a000000").ExitCode);
        var value = new byte[4];
        Assert.Equal(Errno.None, Kernel.Lookup(map, [1, 0, 0, 0], value));
        Assert.Equal(new byte[] { 0x2a, 0, 0, 0 }, value);

        var lookup = Tool.Run("map", "lookup", "pinned", path, "key", "hex", "01", "00", "00", "00", "--json");
        Assert.True(lookup.ExitCode == ExitCodes.Success, lookup.ToString());
        Assert.Equal(new byte[] { 0x2a, 0, 0, 0 }, Bytes(lookup.Json().GetProperty("value")));

        var exists = Tool.Run("map", "update", "pinned", path, "key", "01000000", "value", "00000000", "--flags", "noexist");
        Assert.Equal(ExitCodes.CommandFailed, exists.ExitCode);
        Assert.Contains(
            $"bpfmaps map update pinned {path}: BPF_MAP_UPDATE_ELEM on HASH map \"cli_test\" (key 4 B, value 4 B, max_entries 4) failed for key 01 00 00 00 with flags noexist: the key already exists (EEXIST, errno 17).",
            exists.Error, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Success, Tool.Run("map", "delete", "pinned", path, "key", "01000000").ExitCode);
        var gone = Tool.Run("map", "lookup", "pinned", path, "key", "01000000");
        Assert.Equal(ExitCodes.CommandFailed, gone.ExitCode);
        Assert.Contains($"bpfmaps map lookup pinned {path}: BPF_MAP_LOOKUP_ELEM on HASH map \"cli_test\"", gone.Error, StringComparison.Ordinal);
        Assert.Contains("failed for key 01 00 00 00: no such key (ENOENT, errno 2).", gone.Error, StringComparison.Ordinal);
        var again = Tool.Run("map", "delete", "pinned", path, "key", "01000000");
        Assert.Contains("BPF_MAP_DELETE_ELEM on HASH map \"cli_test\" (key 4 B, value 4 B, max_entries 4) failed for key 01 00 00 00: no such key (ENOENT, errno 2).",
            again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void APerCpuUpdateTakesOneValueForEveryCpuOrEverySlot()
    {
        KernelAvailability.EnsureOrSkip();
        var (map, path) = Pinned(BpfMapType.PerCpuArray, keySize: 4, valueSize: 3, maxEntries: 2);
        Assert.Equal(ExitCodes.Success, Tool.Run("map", "update", "pinned", path, "key", "00000000", "value", "0a0b0c").ExitCode);
        var slots = string.Concat(Enumerable.Range(0, Kernel.PossibleCpuCount).Select(cpu => $"{cpu:x2}{cpu:x2}{cpu:x2}0000000000"));
        Assert.Equal(ExitCodes.Success, Tool.Run("map", "update", "pinned", path, "key", "01000000", "value", slots).ExitCode);
        var value = new byte[map.Layout.ValueSize];
        Assert.Equal(Errno.None, Kernel.Lookup(map, [0, 0, 0, 0], value));
        Assert.All(Enumerable.Range(0, Kernel.PossibleCpuCount), cpu => Assert.Equal(new byte[] { 10, 11, 12 }, value.AsSpan(cpu * 8, 3).ToArray()));
        Assert.Equal(Errno.None, Kernel.Lookup(map, [1, 0, 0, 0], value));
        Assert.All(Enumerable.Range(0, Kernel.PossibleCpuCount), cpu => Assert.Equal(new byte[] { (byte)cpu, (byte)cpu, (byte)cpu }, value.AsSpan(cpu * 8, 3).ToArray()));

        var wrong = Tool.Run("map", "update", "pinned", path, "key", "00000000", "value", "0a0b");
        Assert.Equal(ExitCodes.Usage, wrong.ExitCode);
        Assert.Contains("the value has 2 bytes; this per-CPU map takes 3 (written to every CPU)", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void QueuesPushAndPeekWithoutKeysAndCannotBeDumped()
    {
        KernelAvailability.EnsureOrSkip();
        var (_, path) = Pinned(BpfMapType.Queue, keySize: 0, valueSize: 2, maxEntries: 4);
        Assert.Equal(ExitCodes.Success, Tool.Run("map", "update", "pinned", path, "value", "0102").ExitCode);
        var peek = Tool.Run("map", "lookup", "pinned", path, "--json");
        Assert.True(peek.ExitCode == ExitCodes.Success, peek.ToString());
        Assert.Equal(new byte[] { 1, 2 }, Bytes(peek.Json().GetProperty("value")));
        var dump = Tool.Run("map", "dump", "pinned", path);
        Assert.Equal(ExitCodes.CommandFailed, dump.ExitCode);
        Assert.Contains("BPF_MAP_GET_NEXT_KEY on QUEUE map \"cli_test\" (key 0 B, value 2 B, max_entries 4) failed: queues and stacks have no keys (EINVAL, errno 22).",
            dump.Error, StringComparison.Ordinal);
        Assert.Contains("peeks at the next element", dump.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, Tool.Run("map", "lookup", "pinned", path, "key", "00").ExitCode);
    }

    [Fact]
    public void ErrorsNameTheCommandTheMapAndTheErrno()
    {
        KernelAvailability.EnsureOrSkip();
        var missing = Path.Combine(_bpffs!.BpfDirectory, "missing");
        var run = Tool.Run("map", "dump", "pinned", missing);
        Assert.Equal(ExitCodes.CommandFailed, run.ExitCode);
        Assert.Equal($"bpfmaps map dump pinned {missing}: BPF_OBJ_GET failed: no such file or directory (ENOENT, errno 2).", run.Error.Trim());

        var noId = Tool.Run("map", "show", "id", "4294967295");
        Assert.Equal(ExitCodes.CommandFailed, noId.ExitCode);
        Assert.Equal("bpfmaps map show id 4294967295: BPF_MAP_GET_FD_BY_ID failed: no map has this id (ENOENT, errno 2).", noId.Error.Trim());

        var (_, path) = Pinned(BpfMapType.Hash, keySize: 4, valueSize: 4, maxEntries: 4);
        var shortKey = Tool.Run("map", "lookup", "pinned", path, "key", "0100");
        Assert.Equal(ExitCodes.Usage, shortKey.ExitCode);
        Assert.Contains($"bpfmaps map lookup pinned {path}: the key has 2 bytes; this map's keys have 4.", shortKey.Error, StringComparison.Ordinal);
        var badHex = Tool.Run("map", "lookup", "pinned", path, "key", "0g000000");
        Assert.Equal(ExitCodes.Usage, badHex.ExitCode);
        Assert.Contains("'0g000000' is not hex bytes", badHex.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, Tool.Run("map", "show", "id", "x").ExitCode);
        Assert.Equal(ExitCodes.Usage, Tool.Run("map", "dump").ExitCode);
    }

    [Fact]
    public void WithoutTheKernelMapCommandsSayWhyAndExitWith3()
    {
        if (KernelProbe.IsAvailable)
        {
            Assert.Skip("bpf(2) is usable here; this test is for processes without it.");
        }

        var run = Tool.Run("map", "list");
        Assert.Equal(ExitCodes.KernelUnavailable, run.ExitCode);
        Assert.Contains($"bpfmaps map list needs the kernel backend: {KernelProbe.Reason}", run.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var map in _maps)
        {
            map.Dispose();
        }

        _bpffs?.Dispose();
    }

    private (BpfMapHandle Map, string Path) Pinned(BpfMapType type, uint keySize, uint valueSize, uint maxEntries, BpfMapFlags flags = BpfMapFlags.None)
    {
        var spec = new BpfMapSpec(type, keySize, valueSize, maxEntries) { Flags = flags, Name = "cli_test" };
        Assert.Equal(Errno.None, Kernel.CreateMap(spec, out var map));
        _maps.Add(map!);
        var path = System.IO.Path.Combine(_bpffs!.BpfDirectory, $"map{_maps.Count}");
        Assert.Equal(Errno.None, Kernel.Pin(map!, path));
        return (map!, path);
    }

    // Keys 0, 3, 6, ... (array indexes below max_entries); every byte of every CPU's value distinct. The thread stays
    // on one CPU, so that an LRU map hands out nodes from one CPU's list and evicts nothing below max_entries (§12).
    private void Fill(BpfMapHandle map, int count)
    {
        using var pinned = CpuAffinity.PinCurrentThread(CpuAffinity.CurrentCpu());
        var layout = map.Layout;
        for (var i = 0; i < count; i++)
        {
            var key = new byte[layout.KeySize];
            key[0] = (byte)(i * (map.Spec.Type.IsArrayFamily() ? 1 : 3));
            key[^1] ^= (byte)(0x80 | i);
            if (map.Spec.Type.IsArrayFamily())
            {
                key[^1] = 0;
            }

            var value = new byte[layout.ValueSize];
            for (var b = 0; b < value.Length; b++)
            {
                value[b] = (byte)((i * 31) + b + 1);
            }

            Assert.Equal(Errno.None, Kernel.Update(map, key, value));
        }
    }

    private static byte[] Bytes(JsonElement hexArray) =>
        [.. hexArray.EnumerateArray().Select(b => byte.Parse(b.GetString()!.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))];
}
