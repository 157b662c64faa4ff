namespace BpfMaps;

/// <summary>
/// A map command failed with an outcome the typed maps do not report as a value (their <c>Try*</c> methods cover the
/// expected ones). It carries the kernel's <see cref="Errno"/>, the <see cref="Command"/> and the map; the message,
/// from <see cref="BpfErrorMessages"/>, says what happened in words.
/// </summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates the exception for <paramref name="errno"/> returned by <paramref name="command"/> on <paramref name="map"/>.</summary>
    /// <param name="command">The command that failed.</param>
    /// <param name="errno">Its errno.</param>
    /// <param name="map">The map, or null when the command has none (open by id or path).</param>
    /// <param name="detail">Context that follows "failed" in the message (" after 2 of 4 elements").</param>
    public BpfException(BpfMapCommand command, Errno errno, BpfMapSpec? map = null, string? detail = null)
        : base(BpfErrorMessages.Format(command, errno, map, detail))
    {
        Command = command;
        Errno = errno;
        Map = map;
    }

    /// <summary>Creates an exception with a message of the caller's; <see cref="Errno"/> is <see cref="Errno.None"/>.</summary>
    public BpfException()
    {
    }

    /// <summary>Creates an exception with a message of the caller's; <see cref="Errno"/> is <see cref="Errno.None"/>.</summary>
    public BpfException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message of the caller's and an inner exception.</summary>
    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kernel's outcome.</summary>
    public Errno Errno { get; }

    /// <summary>The command that failed.</summary>
    public BpfMapCommand Command { get; }

    /// <summary>The spec of the map the command ran on, or null when it had none.</summary>
    public BpfMapSpec? Map { get; }
}
