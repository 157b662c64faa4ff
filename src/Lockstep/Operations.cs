using System.Globalization;

namespace BpfMaps.Lockstep;

/// <summary>
/// One command of a generated sequence, with every argument fixed at generation time (or taken from an earlier
/// result of the same backend: <see cref="KeyArg.LastNextKey"/>, <see cref="CursorArg.LastOutBatch"/>). Buffers that
/// are null stand for NULL pointers. <see cref="object.ToString"/> renders the step readably.
/// </summary>
public abstract record LockstepOperation
{
    /// <summary>
    /// The open handle the step goes through: this index modulo the number of handles open, in the order they were
    /// opened (0 is the created map's handle until it is closed). Both backends hold the same handles, since every open
    /// and close is compared.
    /// </summary>
    public int Handle { get; init; }
}

/// <summary>BPF_MAP_LOOKUP_ELEM (peek for queues and stacks).</summary>
public sealed record LookupOp(KeyArg Key, bool NullValue, BpfElementFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"lookup key={Key}{(NullValue ? " value=NULL" : "")}{FlagText.Element(Flags)}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_UPDATE_ELEM (push for queues and stacks).</summary>
public sealed record UpdateOp(KeyArg Key, byte[]? Value, BpfElementFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"update key={Key} value={Hex.Of(Value)}{FlagText.Element(Flags)}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_DELETE_ELEM.</summary>
public sealed record DeleteOp(KeyArg Key) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"delete key={Key}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_GET_NEXT_KEY; the result goes to the backend's next_key buffer unless <see cref="NullNextKey"/>.</summary>
public sealed record GetNextKeyOp(KeyArg Key, bool NullNextKey) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"get-next-key key={Key}{(NullNextKey ? " next_key=NULL" : "")}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_LOOKUP_AND_DELETE_ELEM (pop for queues and stacks).</summary>
public sealed record LookupAndDeleteOp(KeyArg Key, bool NullValue, BpfElementFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"lookup-and-delete key={Key}{(NullValue ? " value=NULL" : "")}{FlagText.Element(Flags)}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_FREEZE.</summary>
public sealed record FreezeOp : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"freeze{FlagText.On(Handle)}";
}

/// <summary>
/// BPF_MAP_LOOKUP_BATCH or BPF_MAP_LOOKUP_AND_DELETE_BATCH; out_batch goes to the backend's out_batch buffer unless
/// <see cref="NullOutBatch"/>, and keys and values to buffers of <see cref="Count"/> elements unless NULL.
/// </summary>
public sealed record LookupBatchOp(
    bool AndDelete, CursorArg InBatch, bool NullOutBatch, uint Count, bool NullKeys, bool NullValues,
    BpfElementFlags ElementFlags, BpfBatchFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(AndDelete ? "lookup-and-delete-batch" : "lookup-batch")} in={InBatch}{(NullOutBatch ? " out=NULL" : "")} count={Count}"
        + $"{(NullKeys ? " keys=NULL" : "")}{(NullValues ? " values=NULL" : "")}{FlagText.Batch(ElementFlags, Flags)}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_UPDATE_BATCH of <see cref="Count"/> elements; null buffers are NULL.</summary>
public sealed record UpdateBatchOp(IReadOnlyList<byte[]>? Keys, IReadOnlyList<byte[]>? Values, uint Count,
    BpfElementFlags ElementFlags, BpfBatchFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() =>
        $"update-batch count={Count} keys={FlagText.Keys(Keys)} values={(Values is null ? "NULL" : $"[{Values.Count}]")}{FlagText.Batch(ElementFlags, Flags)}{FlagText.On(Handle)}";
}

/// <summary>BPF_MAP_DELETE_BATCH of <see cref="Count"/> keys; a null buffer is NULL.</summary>
public sealed record DeleteBatchOp(IReadOnlyList<byte[]>? Keys, uint Count, BpfElementFlags ElementFlags, BpfBatchFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"delete-batch count={Count} keys={FlagText.Keys(Keys)}{FlagText.Batch(ElementFlags, Flags)}{FlagText.On(Handle)}";
}

/// <summary>
/// The whole contents: a GET_NEXT_KEY walk from NULL with a LOOKUP_ELEM of each key (hash maps, arrays), or pops
/// until ENOENT (queues, stacks; a peek where popping is refused). The runner also ends every sequence with it.
/// </summary>
public sealed record ContentsOp : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"contents{FlagText.On(Handle)}";
}

/// <summary>
/// A batch walk: LOOKUP_BATCH (or LOOKUP_AND_DELETE_BATCH) from NULL, each call continuing from the previous
/// out_batch, until ENOENT or an error; on ENOSPC the chunk doubles and the same cursor is retried (§8.3).
/// </summary>
public sealed record BatchWalkOp(bool AndDelete, uint Chunk) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"{(AndDelete ? "lookup-and-delete-batch" : "lookup-batch")} walk chunk={Chunk}{FlagText.On(Handle)}";
}

/// <summary>
/// BPF_MAP_GET_FD_BY_ID with raw <paramref name="Flags"/> (invalid bits and RDONLY|WRONLY included): the map's own id
/// (<paramref name="Id"/> null, each backend its own) or an id no map has. A handle it opens joins the session's
/// handles, with its own access mode (§10).
/// </summary>
public sealed record OpenByIdOp(uint? Id, BpfOpenFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() =>
        $"open-by-id id={(Id is { } id ? $"0x{id.ToString("x", CultureInfo.InvariantCulture)}" : "<own>")} flags={FlagText.Open(Flags)}";
}

/// <summary>Closes the handle <see cref="LockstepOperation.Handle"/>; with one handle left, nothing is closed (so the map lives on).</summary>
public sealed record CloseHandleOp : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"close{FlagText.On(Handle)}";
}

/// <summary>BPF_OBJ_GET_INFO_BY_FD; the id is compared as "the created map's" or not, since ids differ between backends.</summary>
public sealed record GetInfoOp : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"get-info{FlagText.On(Handle)}";
}

/// <summary>BPF_OBJ_PIN at <paramref name="Path"/>.</summary>
public sealed record PinOp(PinPath Path) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"pin path={Path.Text()}{FlagText.On(Handle)}";
}

/// <summary>BPF_OBJ_GET of <paramref name="Path"/> with raw <paramref name="Flags"/>; a handle it opens joins the session's handles.</summary>
public sealed record OpenPinnedOp(PinPath Path, BpfOpenFlags Flags) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"open-pinned path={Path.Text()} flags={FlagText.Open(Flags)}";
}

/// <summary>
/// Runs the following steps on CPU <paramref name="Cpu"/>: the kernel's thread is pinned there, the simulator runs its
/// commands there. LRU maps keep free lists per CPU, so this changes which elements are evicted (§12.1, §12.2).
/// </summary>
public sealed record SwitchCpuOp(int Cpu) : LockstepOperation
{
    /// <inheritdoc />
    public override string ToString() => $"switch to CPU {Cpu.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Renderings of flags and key lists for step listings.</summary>
internal static class FlagText
{
    public static string Element(BpfElementFlags flags) => flags == BpfElementFlags.Any ? "" : $" flags={Name(flags)}";

    public static string Batch(BpfElementFlags elementFlags, BpfBatchFlags flags) =>
        (elementFlags == BpfElementFlags.Any ? "" : $" elem_flags={Name(elementFlags)}")
        + (flags == BpfBatchFlags.None ? "" : $" batch.flags=0x{((ulong)flags).ToString("x", CultureInfo.InvariantCulture)}");

    public static string On(int handle) => handle == 0 ? "" : $" handle={handle.ToString(CultureInfo.InvariantCulture)}";

    public static string Open(BpfOpenFlags flags) => flags switch
    {
        BpfOpenFlags.None => "0",
        BpfOpenFlags.ReadOnly => "RDONLY",
        BpfOpenFlags.WriteOnly => "WRONLY",
        BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly => "RDONLY|WRONLY",
        _ => $"0x{((uint)flags).ToString("x", CultureInfo.InvariantCulture)}",
    };

    public static string Name(BpfElementFlags flags) => flags switch
    {
        BpfElementFlags.Any => "ANY",
        BpfElementFlags.NoExist => "NOEXIST",
        BpfElementFlags.Exist => "EXIST",
        BpfElementFlags.Lock => "F_LOCK",
        _ => $"0x{((ulong)flags).ToString("x", CultureInfo.InvariantCulture)}",
    };

    public static string Keys(IReadOnlyList<byte[]>? keys) =>
        keys is null ? "NULL" : $"[{string.Join(" ", keys.Select(k => Hex.Full(k)))}]";
}
