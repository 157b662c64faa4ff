namespace BpfMaps.Typed.Tests;

/// <summary>BpfErrorMessages: what each errno means for the command and map that returned it.</summary>
public sealed class ErrorMessageTests
{
    public static TheoryData<BpfMapCommand, Errno, BpfMapType?, string> Meanings => new()
    {
        { BpfMapCommand.Update, Errno.E2BIG, BpfMapType.Hash, "the map is full" },
        { BpfMapCommand.UpdateBatch, Errno.E2BIG, BpfMapType.PerCpuHash, "the map is full" },
        { BpfMapCommand.Update, Errno.E2BIG, BpfMapType.Array, "the index is past max_entries" },
        { BpfMapCommand.Update, Errno.E2BIG, BpfMapType.Queue, "the queue is full" },
        { BpfMapCommand.Update, Errno.E2BIG, BpfMapType.Stack, "the stack is full" },
        { BpfMapCommand.CreateMap, Errno.E2BIG, BpfMapType.Hash, "the map is too large: a size or max_entries is beyond the kernel's limits" },
        { BpfMapCommand.Update, Errno.EEXIST, BpfMapType.Hash, "the key already exists" },
        { BpfMapCommand.Update, Errno.EEXIST, BpfMapType.PerCpuArray, "array elements always exist, so none can be added" },
        { BpfMapCommand.Pin, Errno.EEXIST, BpfMapType.Hash, "something is pinned at this path already" },
        { BpfMapCommand.Lookup, Errno.ENOENT, BpfMapType.LruHash, "no such key" },
        { BpfMapCommand.Delete, Errno.ENOENT, BpfMapType.Hash, "no such key" },
        { BpfMapCommand.DeleteBatch, Errno.ENOENT, BpfMapType.Hash, "no such key" },
        { BpfMapCommand.Lookup, Errno.ENOENT, BpfMapType.Array, "the index is past max_entries" },
        { BpfMapCommand.LookupAndDelete, Errno.ENOENT, BpfMapType.Queue, "the queue is empty" },
        { BpfMapCommand.Lookup, Errno.ENOENT, BpfMapType.Stack, "the stack is empty" },
        { BpfMapCommand.GetNextKey, Errno.ENOENT, BpfMapType.Hash, "there is no next key" },
        { BpfMapCommand.LookupBatch, Errno.ENOENT, BpfMapType.Hash, "there are no more elements" },
        { BpfMapCommand.OpenMapById, Errno.ENOENT, null, "no map has this id" },
        { BpfMapCommand.OpenPinned, Errno.ENOENT, null, "no such file or directory" },
        { BpfMapCommand.CreateMap, Errno.EPERM, BpfMapType.LruHash, "not permitted: creating BPF maps needs CAP_BPF (or root)" },
        { BpfMapCommand.Update, Errno.EPERM, BpfMapType.Hash, "not permitted: this handle is read-only, or the map is frozen" },
        { BpfMapCommand.DeleteBatch, Errno.EPERM, BpfMapType.Hash, "not permitted: this handle is read-only, or the map is frozen" },
        { BpfMapCommand.Lookup, Errno.EPERM, BpfMapType.Hash, "not permitted: this handle is write-only" },
        { BpfMapCommand.LookupAndDelete, Errno.EPERM, BpfMapType.Queue, "not permitted: this command needs a handle that can read and write, on a map that is not frozen" },
        { BpfMapCommand.Freeze, Errno.EPERM, BpfMapType.Array, "not permitted: this handle cannot write, or the map is frozen already" },
        { BpfMapCommand.OpenMapById, Errno.EPERM, null, "not permitted: opening a map by id needs CAP_SYS_ADMIN" },
        { BpfMapCommand.CreateMap, Errno.EINVAL, BpfMapType.Hash, "the kernel refused the map's type, sizes, flags or name" },
        { BpfMapCommand.Delete, Errno.EINVAL, BpfMapType.Array, "array elements cannot be deleted" },
        { BpfMapCommand.GetNextKey, Errno.EINVAL, BpfMapType.Queue, "queues and stacks have no keys" },
        { BpfMapCommand.Update, Errno.EINVAL, BpfMapType.Hash, "invalid argument: flags this map or command does not accept" },
        { BpfMapCommand.DeleteBatch, Errno.ENOTSUPP, BpfMapType.Array, "the map type does not support this command" },
        { BpfMapCommand.LookupAndDelete, Errno.ENOTSUPP, BpfMapType.PerCpuArray, "the map type does not support this command" },
        { BpfMapCommand.Freeze, Errno.ENOTSUPP, BpfMapType.Hash, "a map whose values hold a spin lock (or another BTF special field) cannot be frozen" },
        { BpfMapCommand.CreateMap, Errno.ENOTSUPP, BpfMapType.LruHash, "the kernel does not support this map configuration (such as an LRU map with BPF_F_NO_PREALLOC)" },
        { BpfMapCommand.CreateMap, Errno.EOPNOTSUPP, BpfMapType.PerCpuHash, "this map type does not support spin-lock values" },
        { BpfMapCommand.Lookup, Errno.EFAULT, BpfMapType.Hash, "a buffer could not be read or written (bad address)" },
        { BpfMapCommand.LookupBatch, Errno.ENOSPC, BpfMapType.Hash, "a hash bucket holds more elements than the batch buffer" },
        { BpfMapCommand.CreateMap, Errno.ENOMEM, BpfMapType.Array, "the kernel could not allocate the map" },
    };

    [Theory]
    [MemberData(nameof(Meanings))]
    public void EachErrnoSaysWhatHappenedForItsCommandAndMap(BpfMapCommand command, Errno errno, BpfMapType? type, string meaning) =>
        Assert.Equal(meaning, BpfErrorMessages.WhatHappened(command, errno, type));

    [Fact]
    public void EveryErrnoHasAMeaningForEveryCommand()
    {
        var generic = BpfErrorMessages.WhatHappened(BpfMapCommand.Update, (Errno)4242, BpfMapType.Hash);
        var missing = from errno in Enum.GetValues<Errno>().Where(e => e != Errno.None)
                      from command in Enum.GetValues<BpfMapCommand>()
                      where BpfErrorMessages.WhatHappened(command, errno, BpfMapType.Hash) == generic
                      select $"{command} {errno}";
        Assert.Empty(missing);
        Assert.Equal("the kernel reported an error", generic);
    }

    [Fact]
    public void AMessageNamesTheCommandTheMapTheErrnoAndItsNumber()
    {
        var map = new BpfMapSpec(BpfMapType.LruPerCpuHash, 8, 12, 4096) { Name = "flows" };
        Assert.Equal(
            "BPF_MAP_DELETE_BATCH on LRU_PERCPU_HASH map \"flows\" (key 8 B, value 12 B, max_entries 4096) failed after 3 of 5 elements: no such key (ENOENT, errno 2).",
            BpfErrorMessages.Format(BpfMapCommand.DeleteBatch, Errno.ENOENT, map, " after 3 of 5 elements"));
        Assert.Equal(
            "BPF_MAP_CREATE of ARRAY map (key 4 B, value 8 B, max_entries 0) failed: the kernel refused the map's type, sizes, flags or name (EINVAL, errno 22).",
            BpfErrorMessages.Format(BpfMapCommand.CreateMap, Errno.EINVAL, new BpfMapSpec(BpfMapType.Array, 4, 8, 0)));
        Assert.Equal(
            "BPF_OBJ_GET failed for path \"/sys/fs/bpf/x\": not permitted by the BPF file system (EPERM, errno 1).",
            BpfErrorMessages.Format(BpfMapCommand.OpenPinned, Errno.EPERM, null, " for path \"/sys/fs/bpf/x\""));
    }

    [Fact]
    public void Enotsupp524AndEopnotsupp95AreNamedApart()
    {
        var map = new BpfMapSpec(BpfMapType.Array, 4, 4, 1);
        Assert.EndsWith("(ENOTSUPP, errno 524).", BpfErrorMessages.Format(BpfMapCommand.DeleteBatch, Errno.ENOTSUPP, map), StringComparison.Ordinal);
        Assert.EndsWith("(EOPNOTSUPP, errno 95).", BpfErrorMessages.Format(BpfMapCommand.DeleteBatch, Errno.EOPNOTSUPP, map), StringComparison.Ordinal);
        Assert.EndsWith("the kernel reported an error (errno 4242).", BpfErrorMessages.Format(BpfMapCommand.Lookup, (Errno)4242, map), StringComparison.Ordinal);
    }

    [Fact]
    public void NamesCoverEveryCommandAndMapType()
    {
        Assert.Equal(
            ["BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY",
             "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD", "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
             "BPF_MAP_FREEZE", "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH", "BPF_MAP_DELETE_BATCH"],
            Enum.GetValues<BpfMapCommand>().Select(BpfErrorMessages.CommandName));
        Assert.Equal("bpf command 5", BpfErrorMessages.CommandName((BpfMapCommand)5));
        Assert.Equal(
            ["HASH", "ARRAY", "PERCPU_HASH", "PERCPU_ARRAY", "LRU_HASH", "LRU_PERCPU_HASH", "QUEUE", "STACK"],
            Enum.GetValues<BpfMapType>().Where(t => t != BpfMapType.Unspecified).Select(BpfErrorMessages.MapTypeName));
        Assert.Equal("type 99", BpfErrorMessages.MapTypeName((BpfMapType)99));
    }

    [Fact]
    public void CommandsAreNumberedAsEnumBpfCmd()
    {
        // include/uapi/linux/bpf.h, enum bpf_cmd.
        var uapi = new Dictionary<string, int>
        {
            ["BPF_MAP_CREATE"] = 0, ["BPF_MAP_LOOKUP_ELEM"] = 1, ["BPF_MAP_UPDATE_ELEM"] = 2, ["BPF_MAP_DELETE_ELEM"] = 3,
            ["BPF_MAP_GET_NEXT_KEY"] = 4, ["BPF_OBJ_PIN"] = 6, ["BPF_OBJ_GET"] = 7, ["BPF_MAP_GET_FD_BY_ID"] = 14,
            ["BPF_OBJ_GET_INFO_BY_FD"] = 15, ["BPF_MAP_LOOKUP_AND_DELETE_ELEM"] = 21, ["BPF_MAP_FREEZE"] = 22,
            ["BPF_MAP_LOOKUP_BATCH"] = 24, ["BPF_MAP_LOOKUP_AND_DELETE_BATCH"] = 25, ["BPF_MAP_UPDATE_BATCH"] = 26,
            ["BPF_MAP_DELETE_BATCH"] = 27,
        };
        Assert.All(Enum.GetValues<BpfMapCommand>(), c => Assert.Equal(uapi[BpfErrorMessages.CommandName(c)], (int)c));
        Assert.Equal(uapi.Count, Enum.GetValues<BpfMapCommand>().Length);
    }

    [Fact]
    public void ABpfExceptionCarriesErrnoCommandAndMap()
    {
        var map = new BpfMapSpec(BpfMapType.Hash, 4, 4, 2);
        var ex = new BpfException(BpfMapCommand.Update, Errno.E2BIG, map);
        Assert.Equal((Errno.E2BIG, BpfMapCommand.Update), (ex.Errno, ex.Command));
        Assert.Same(map, ex.Map);
        Assert.Equal(BpfErrorMessages.Format(BpfMapCommand.Update, Errno.E2BIG, map), ex.Message);
        Assert.Equal(Errno.None, new BpfException("own message").Errno);
    }

    [Fact]
    public void ABatchResultPrintsWhatItCounted()
    {
        using var map = new BpfArrayMap<uint>(new Simulated.SimulatedBpfMapBackend(), 2);
        var result = map.UpdateBatch([0, 5], [1, 2]);
        Assert.Equal("BPF_MAP_UPDATE_BATCH: 1 of 2 processed, 0 skipped, E2BIG", result.ToString());
        Assert.Equal(result, map.UpdateBatch([0, 5], [1, 2]));
        Assert.NotEqual(result, map.UpdateBatch([0, 1], [1, 2]));
    }
}

/// <summary>PerCpu&lt;T&gt;: slots of round_up(sizeof(T), 8) bytes, CPU i at i × slot.</summary>
public sealed class PerCpuTests
{
    [Fact]
    public void SlotsAreRoundedUpToEightBytes()
    {
        Assert.Equal(8, PerCpu.SlotSize<uint>());
        Assert.Equal(8, PerCpu.SlotSize<ulong>());
        Assert.Equal(16, PerCpu.SlotSize<Counters>());
        Assert.Equal(48, PerCpu.SizeInBytes<Counters>(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => PerCpu.SizeInBytes<uint>(0));
    }

    [Fact]
    public void TheIndexerReadsAndWritesEachCpusSlot()
    {
        var bytes = new byte[24];
        var view = new PerCpu<uint>(bytes, 3) { [1] = 0x01020304 };
        Assert.Equal(3, view.Count);
        Assert.Equal(8, view.SlotSize);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1, 0, 0, 0, 0], bytes[..16]);
        Assert.Equal(0x01020304u, view[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpu<uint>(bytes, 3)[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpu<uint>(bytes, 3)[-1]);
    }

    [Fact]
    public void WritingAWholeValueClearsThePadding()
    {
        var bytes = Enumerable.Repeat((byte)0xff, 16).ToArray();
        var view = new PerCpu<uint>(bytes, 2);
        view.CopyFrom([7, 8]);
        Assert.Equal([7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0], bytes);
        Assert.Equal([7u, 8], view.ToArray());
        bytes.AsSpan().Fill(0xff);
        view.Fill(9);
        Assert.Equal([9, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0], bytes);
        Assert.Throws<ArgumentException>(() => new PerCpu<uint>(bytes, 2).CopyFrom([1]));
        Assert.Throws<ArgumentException>(() => new PerCpu<uint>(bytes, 2).CopyTo(new uint[1]));
    }

    [Fact]
    public void AViewNeedsAWholeValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PerCpu<Counters>(new byte[47], 3));
        Assert.StartsWith("A per-CPU value of Counters for 3 CPUs needs 48 bytes (3 × 16); got 47.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerCpu<uint>(new byte[8], 0));
    }
}
