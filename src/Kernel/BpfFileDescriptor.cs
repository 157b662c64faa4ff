using System.Runtime.InteropServices;
using BpfMaps.Kernel.Interop;

namespace BpfMaps.Kernel;

/// <summary>
/// A file descriptor of a BPF object, closed exactly once when disposed or finalized. Never fd 0: a descriptor the
/// kernel hands out as 0 (stdin was closed) is moved above 0 first, because 0 in an attr field means "none" to many
/// commands.
/// </summary>
public sealed class BpfFileDescriptor : SafeHandle
{
    /// <summary>Creates an invalid descriptor (the marshaller's constructor); descriptors come from the backend.</summary>
    public BpfFileDescriptor()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle <= 0;

    /// <summary>The descriptor number; valid only while the handle is open.</summary>
    internal int Number => (int)handle;

    /// <summary>Takes ownership of a descriptor returned by the kernel.</summary>
    internal static BpfFileDescriptor Adopt(int fd)
    {
        if (fd == 0)
        {
            var moved = Sys.DuplicateAtLeast(fd, 1, out var errno);
            Sys.Close(fd);
            if (moved < 0)
            {
                throw new InvalidOperationException($"Could not move a BPF descriptor off fd 0: fcntl gave {errno}.");
            }

            fd = moved;
        }

        var descriptor = new BpfFileDescriptor();
        descriptor.SetHandle(fd);
        return descriptor;
    }

    /// <summary>Keeps the descriptor open until the lease is disposed, so its number can sit in an attr safely.</summary>
    internal Lease Borrow() => new(this);

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Sys.Close((int)handle) == 0;

    /// <summary>An AddRef/Release pair around one syscall.</summary>
    internal readonly ref struct Lease
    {
        private readonly BpfFileDescriptor _owner;

        public Lease(BpfFileDescriptor owner)
        {
            var added = false;
            owner.DangerousAddRef(ref added);
            _owner = owner;
            Fd = (uint)owner.Number;
        }

        /// <summary>The descriptor number, for an attr field.</summary>
        public uint Fd { get; }

        public void Dispose() => _owner.DangerousRelease();
    }
}
