using System.Runtime.InteropServices;

namespace BpfMaps.Benchmarks;

/// <summary>
/// The baseline: <c>syscall(__NR_bpf, cmd, attr, size)</c> through an import of this project's own, with attrs
/// prepared once in native memory. No code of the library runs; the errno is read as any caller must.
/// </summary>
internal static unsafe partial class BareSyscall
{
    public const long MapLookupElem = 1;
    public const long MapUpdateElem = 2;
    public const long MapDeleteElem = 3;
    public const long MapGetNextKey = 4;
    public const long MapLookupBatch = 24;
    public const long MapLookupAndDeleteBatch = 25;
    public const long MapUpdateBatch = 26;

    /// <summary>Sizes the library sends for these commands (each command's struct up to its last field).</summary>
    public const long ElemSize = 32;
    public const long DeleteSize = 16;
    public const long GetNextKeySize = 24;
    public const long BatchSize = 56;

    private static readonly long Number = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 280 : 321;

    /// <summary>The syscall's result, or minus the errno.</summary>
    public static long Bpf(long command, void* attr, long size)
    {
        var result = Syscall(Number, command, attr, size);
        return result < 0 ? -Marshal.GetLastPInvokeError() : result;
    }

    [LibraryImport("libc.so.6", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long command, void* attr, long size);
}

/// <summary>The element part of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct ElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    [FieldOffset(16)] public ulong Value;
    [FieldOffset(24)] public ulong Flags;
}

/// <summary>The batch part of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct BatchAttr
{
    [FieldOffset(0)] public ulong InBatch;
    [FieldOffset(8)] public ulong OutBatch;
    [FieldOffset(16)] public ulong Keys;
    [FieldOffset(24)] public ulong Values;
    [FieldOffset(32)] public uint Count;
    [FieldOffset(36)] public uint MapFd;
    [FieldOffset(40)] public ulong ElemFlags;
    [FieldOffset(48)] public ulong Flags;
}

/// <summary>Zeroed native memory that stays put: attrs and the buffers they point at.</summary>
internal sealed unsafe class NativeBlock : IDisposable
{
    private readonly List<nint> _blocks = [];

    public T* Alloc<T>()
        where T : unmanaged => (T*)Bytes(sizeof(T));

    public byte* Bytes(int size)
    {
        var block = NativeMemory.AlignedAlloc((nuint)Math.Max(size, 8), 64);
        NativeMemory.Clear(block, (nuint)Math.Max(size, 8));
        _blocks.Add((nint)block);
        return (byte*)block;
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
        {
            NativeMemory.AlignedFree((void*)block);
        }

        _blocks.Clear();
    }
}
