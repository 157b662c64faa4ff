using System.Runtime.InteropServices;

namespace BpfMaps.Kernel.Interop;

internal static partial class Sys
{
    /// <summary><c>__NR_bpf</c> for this process's architecture: 321 on x86_64, 280 on arm64.</summary>
    private static readonly long BpfSyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"No bpf(2) syscall number is known for {other}."),
    };

    /// <summary>
    /// Issues <c>bpf(cmd, attr, sizeof(TAttr))</c>. The attr is the command's own struct, so no byte after the
    /// command's last field can be sent (reference §1.2). Returns the syscall's result and the errno read at once.
    /// </summary>
    public static unsafe int Bpf<TAttr>(BpfCommand command, ref TAttr attr, out Errno errno)
        where TAttr : unmanaged
    {
        fixed (TAttr* pointer = &attr)
        {
            return Bpf(command, pointer, sizeof(TAttr), out errno);
        }
    }

    /// <summary>Issues <c>bpf(cmd, attr, size)</c> with a raw attr; only the attr-rule tests send sizes of their own.</summary>
    public static unsafe int Bpf(BpfCommand command, void* attr, int size, out Errno errno)
    {
        var result = Syscall(BpfSyscallNumber, (long)command, attr, size);
        errno = result < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
        return (int)result;
    }

    [LibraryImport(LibC, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall(long number, long command, void* attr, long size);
}
