using System.Globalization;

namespace BpfMaps;

/// <summary>
/// The outcome of a batch update or delete: how many elements were processed, in order, before the command stopped,
/// and the errno it stopped with (<see cref="Errno.None"/> when it processed them all). Nothing is rolled back: the
/// first <see cref="Processed"/> elements took effect (reference §8.5, §8.6).
/// </summary>
public readonly struct BpfBatchResult : IEquatable<BpfBatchResult>
{
    private readonly BpfMapSpec? _map;

    internal BpfBatchResult(BpfMapCommand command, BpfMapSpec map, int requested, int processed, int skipped, Errno errno)
    {
        _map = map;
        Command = command;
        Requested = requested;
        Processed = processed;
        Skipped = skipped;
        Errno = errno;
    }

    /// <summary>The batch command.</summary>
    public BpfMapCommand Command { get; }

    /// <summary>How many elements the call was given.</summary>
    public int Requested { get; }

    /// <summary>How many elements took effect (updated, or deleted).</summary>
    public int Processed { get; }

    /// <summary>Keys that were not in the map and were skipped (only the "skipping missing" delete skips any).</summary>
    public int Skipped { get; }

    /// <summary>Why the command stopped; <see cref="Errno.None"/> when every element was processed (or skipped).</summary>
    public Errno Errno { get; }

    /// <summary>Whether every element was processed (or skipped).</summary>
    public bool IsComplete => Errno == Errno.None;

    /// <summary>Throws a <see cref="BpfException"/> that says how far the batch got, unless it is complete.</summary>
    /// <exception cref="BpfException">The batch stopped early.</exception>
    public void ThrowIfFailed()
    {
        if (!IsComplete)
        {
            throw new BpfException(Command, Errno, _map,
                string.Create(CultureInfo.InvariantCulture, $" after {Processed} of {Requested} elements"));
        }
    }

    /// <inheritdoc />
    public bool Equals(BpfBatchResult other) =>
        Command == other.Command && Requested == other.Requested && Processed == other.Processed && Skipped == other.Skipped &&
        Errno == other.Errno && ReferenceEquals(_map, other._map);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BpfBatchResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Command, Requested, Processed, Skipped, Errno);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{BpfErrorMessages.CommandName(Command)}: {Processed} of {Requested} processed, {Skipped} skipped, {BpfErrorMessages.ErrnoName(Errno)}");

    /// <summary>Whether two results are equal.</summary>
    public static bool operator ==(BpfBatchResult left, BpfBatchResult right) => left.Equals(right);

    /// <summary>Whether two results differ.</summary>
    public static bool operator !=(BpfBatchResult left, BpfBatchResult right) => !left.Equals(right);
}
