namespace BpfMaps;

/// <summary>
/// A Linux errno value as the <c>bpf(2)</c> syscall reports it; <see cref="None"/> is success.
/// Values are the x86_64/arm64 Linux numbers, so any value the kernel returns can be cast to this type.
/// </summary>
/// <remarks>
/// <see cref="ENOTSUPP"/> (524) is a kernel-internal errno that leaks to user space; it is distinct from
/// <see cref="EOPNOTSUPP"/> (95). Both occur, for different conditions (reference §0, §14).
/// </remarks>
public enum Errno
{
    /// <summary>Success.</summary>
    None = 0,
    /// <summary>Operation not permitted (missing privilege, fd access mode, frozen map).</summary>
    EPERM = 1,
    /// <summary>No such entry (absent key, end of iteration).</summary>
    ENOENT = 2,
    /// <summary>No such process.</summary>
    ESRCH = 3,
    /// <summary>Interrupted system call.</summary>
    EINTR = 4,
    /// <summary>I/O error.</summary>
    EIO = 5,
    /// <summary>Argument list too long: the kernel's "too big" (full map, index past the end, size limits).</summary>
    E2BIG = 7,
    /// <summary>Bad file descriptor.</summary>
    EBADF = 9,
    /// <summary>Try again.</summary>
    EAGAIN = 11,
    /// <summary>Out of memory.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied.</summary>
    EACCES = 13,
    /// <summary>Bad address: a NULL or unmapped user buffer.</summary>
    EFAULT = 14,
    /// <summary>Device or resource busy.</summary>
    EBUSY = 16,
    /// <summary>Entry exists.</summary>
    EEXIST = 17,
    /// <summary>Not a directory.</summary>
    ENOTDIR = 20,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>Too many open files in the system.</summary>
    ENFILE = 23,
    /// <summary>Too many open files in this process.</summary>
    EMFILE = 24,
    /// <summary>No space: a batch buffer too small for the first hash bucket.</summary>
    ENOSPC = 28,
    /// <summary>Result out of range.</summary>
    ERANGE = 34,
    /// <summary>Resource deadlock would occur.</summary>
    EDEADLK = 35,
    /// <summary>File name too long.</summary>
    ENAMETOOLONG = 36,
    /// <summary>Function not implemented (no bpf syscall).</summary>
    ENOSYS = 38,
    /// <summary>Operation not supported (POSIX; spin-lock values on per-CPU and LRU maps).</summary>
    EOPNOTSUPP = 95,
    /// <summary>Connection timed out.</summary>
    ETIMEDOUT = 110,
    /// <summary>Operation not supported (kernel-internal 524: unsupported batch commands, LRU with NO_PREALLOC, ...).</summary>
    ENOTSUPP = 524,
}
