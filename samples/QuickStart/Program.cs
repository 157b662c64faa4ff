// A tour of BpfMaps: maps, batch update and lookup, per-CPU values and the errnos the kernel gives.
// Runs on the simulator by default; `--backend kernel` runs the same tour on bpf(2) (root or CAP_BPF needed).
using System.Buffers.Binary;
using BpfMaps;
using BpfMaps.Kernel;
using Microsoft.Extensions.DependencyInjection;

var useKernel = args.Length == 2 && args[0] == "--backend" && args[1] == "kernel";
if (args.Length > 0 && !useKernel && !(args.Length == 2 && args[0] == "--backend" && args[1] == "simulated"))
{
    Console.Error.WriteLine("usage: QuickStart [--backend simulated|kernel]");
    return 2;
}

if (useKernel && !KernelBpfMapBackend.IsAvailable(out var reason))
{
    Console.Error.WriteLine($"The kernel backend is not available: {reason}.");
    return 1;
}

var services = new ServiceCollection();
if (useKernel)
{
    services.AddKernelBpfBackend();
}
else
{
    services.AddSimulatedBpfBackend(options => options.PossibleCpuCount = 4);
}

using var provider = services.BuildServiceProvider();
var bpf = provider.GetRequiredService<IBpfMapBackend>();
Console.WriteLine($"Backend: {bpf.GetType().Name}, {bpf.PossibleCpuCount} possible CPUs");

// 1. A hash map with a reproducible iteration order (BPF_F_ZERO_SEED).
Step("Create a HASH map: 4-byte keys, 8-byte values, max 8 entries, BPF_F_ZERO_SEED");
var hashSpec = new BpfMapSpec(BpfMapType.Hash, 4, 8, 8) { Flags = BpfMapFlags.ZeroSeed, Name = "quickstart" };
Show("create", bpf.CreateMap(hashSpec, out var hashHandle));
using var hash = hashHandle!;

// 2. Batch update: five keys in one call.
Step("UPDATE_BATCH keys 1..5 with values 100..500");
var keys = Keys(1, 2, 3, 4, 5);
var values = Values(100, 200, 300, 400, 500);
var count = 5u;
Show($"update batch, count {count}", bpf.UpdateBatch(hash, keys, values, ref count), $"count = {count}");

Step("UPDATE_BATCH with elem_flags BPF_NOEXIST: documented as EEXIST per element, the kernel refuses the flag");
count = 1;
Show("update batch NOEXIST", bpf.UpdateBatch(hash, Keys(9), Values(900), ref count, BpfElementFlags.NoExist), $"count = {count}");

// 3. Batch lookup, two at a time, with the bucket cursor.
Step("LOOKUP_BATCH two at a time: the cursor is a bucket index, ENOENT can come with data");
var inBatch = Array.Empty<byte>();
var outBatch = new byte[BpfMapLayout.CursorSize];
while (true)
{
    count = 2;
    var keyBuffer = new byte[count * 4];
    var valueBuffer = new byte[count * 8];
    var errno = bpf.LookupBatch(hash, inBatch, outBatch, keyBuffer, valueBuffer, ref count);
    var pairs = Enumerable.Range(0, (int)count).Select(i =>
        $"{BinaryPrimitives.ReadUInt32LittleEndian(keyBuffer.AsSpan(i * 4))}={BinaryPrimitives.ReadUInt64LittleEndian(valueBuffer.AsSpan(i * 8))}");
    Show("lookup batch", errno, $"count {count} [{string.Join(", ", pairs)}] next bucket {BinaryPrimitives.ReadUInt32LittleEndian(outBatch)}");
    if (errno == Errno.ENOSPC)
    {
        Console.WriteLine("    a bucket holds more keys than the buffer: a real caller grows the buffer and retries");
        break;
    }

    if (errno != Errno.None)
    {
        break;
    }

    inBatch = outBatch.ToArray();
}

// 4. Capacity: a full hash map refuses new keys but still replaces existing ones.
Step("Fill the map to max_entries, then add one more key and replace an existing one");
count = 3;
Show("update batch keys 6..8", bpf.UpdateBatch(hash, Keys(6, 7, 8), Values(600, 700, 800), ref count), $"count = {count}");
Show("update new key 9", bpf.Update(hash, Keys(9), Values(900)));
Show("update existing key 1", bpf.Update(hash, Keys(1), Values(111)));
Show("update key 1 with BPF_NOEXIST", bpf.Update(hash, Keys(1), Values(1), BpfElementFlags.NoExist));
Show("lookup absent key 42", bpf.Lookup(hash, Keys(42), new byte[8]));

// 5. Per-CPU values: one 8-byte-aligned slot per possible CPU.
Step("PERCPU_ARRAY with 4-byte values: each CPU's slot is round_up(4, 8) = 8 bytes");
Show("create", bpf.CreateMap(new BpfMapSpec(BpfMapType.PerCpuArray, 4, 4, 2), out var perCpuHandle));
using var perCpu = perCpuHandle!;
var perCpuValue = new byte[perCpu.Layout.ValueSize];
for (var cpu = 0; cpu < bpf.PossibleCpuCount; cpu++)
{
    BinaryPrimitives.WriteUInt32LittleEndian(perCpuValue.AsSpan((int)perCpu.Layout.SlotOffset(cpu)), (uint)(cpu + 1) * 10);
}

Show("update index 0", bpf.Update(perCpu, Keys(0), perCpuValue));
var readBack = new byte[perCpu.Layout.ValueSize];
Show("lookup index 0", bpf.Lookup(perCpu, Keys(0), readBack), string.Join(", ",
    Enumerable.Range(0, bpf.PossibleCpuCount).Select(cpu =>
        $"cpu{cpu}={BinaryPrimitives.ReadUInt32LittleEndian(readBack.AsSpan((int)perCpu.Layout.SlotOffset(cpu)))}")));
Show("update index 2 (max_entries 2)", bpf.Update(perCpu, Keys(2), perCpuValue));
Show("update index 0 with BPF_NOEXIST", bpf.Update(perCpu, Keys(0), perCpuValue, BpfElementFlags.NoExist));
Show("delete index 0 (arrays cannot delete)", bpf.Delete(perCpu, Keys(0)));
Show("lookup-and-delete index 0", bpf.LookupAndDelete(perCpu, Keys(0), readBack));
count = 1;
Show("delete batch", bpf.DeleteBatch(perCpu, Keys(0), ref count));
Show("lookup with BPF_F_LOCK (no spin lock in the value)", bpf.Lookup(perCpu, Keys(0), readBack, BpfElementFlags.Lock));
return 0;

static byte[] Keys(params uint[] ids) => [.. ids.SelectMany(id => BitConverter.GetBytes(id))];

static byte[] Values(params ulong[] values) => [.. values.SelectMany(v => BitConverter.GetBytes(v))];

static void Step(string title) => Console.WriteLine($"{Environment.NewLine}== {title}");

static void Show(string what, Errno errno, string detail = "")
{
    var outcome = errno == Errno.None ? "ok" : $"{errno} ({(int)errno})";
    Console.WriteLine($"  {what,-52} -> {outcome}{(detail.Length > 0 ? "  " + detail : "")}");
}
