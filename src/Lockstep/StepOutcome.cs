using System.Globalization;
using System.Text;

namespace BpfMaps.Lockstep;

/// <summary>A named output buffer of a step, as it was after the call (bytes the call did not write included).</summary>
/// <param name="Name">The argument: value, next_key, out_batch, keys, values.</param>
/// <param name="Bytes">Its bytes.</param>
public sealed record OutputBuffer(string Name, byte[] Bytes);

/// <summary>
/// Everything a step showed: the errno (or the exception, for a programming error the contract throws), the count a
/// batch wrote back, every output buffer, and for walks each call and the elements returned.
/// </summary>
public sealed class StepOutcome
{
    /// <summary>The errno; null when the call threw.</summary>
    public Errno? Errno { get; init; }

    /// <summary>The exception type and message, when the call threw.</summary>
    public string? Exception { get; init; }

    /// <summary>The count after a batch command.</summary>
    public uint? Count { get; init; }

    /// <summary>
    /// What an object command showed beside its errno, as text: the info a handle reports, the spec and access of a
    /// handle opened, the handles left open.
    /// </summary>
    public string? Fields { get; init; }

    /// <summary>Output buffers, whole.</summary>
    public IReadOnlyList<OutputBuffer> Outputs { get; init; } = [];

    /// <summary>Each call of a walk, in order.</summary>
    public IReadOnlyList<StepOutcome> Calls { get; init; } = [];

    /// <summary>For walks: each element returned, key then value, in the order returned; null for single calls.</summary>
    public IReadOnlyList<byte[]>? Elements { get; init; }

    /// <summary>The number of syscalls (backend calls) the step made.</summary>
    public int SyscallCount => Calls.Count == 0 ? 1 : Calls.Count;

    /// <summary>A step that threw.</summary>
    public static StepOutcome Threw(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new StepOutcome { Exception = $"{exception.GetType().Name}: {exception.Message}" };
    }

    /// <summary>The errno and count in a few words.</summary>
    public string Summary()
    {
        if (Exception is not null)
        {
            return $"threw {Exception}";
        }

        var text = new StringBuilder(Name(Errno!.Value));
        if (Count is { } count)
        {
            text.Append(CultureInfo.InvariantCulture, $" count={count}");
        }

        if (Fields is not null)
        {
            text.Append(" (").Append(Fields).Append(')');
        }

        if (Elements is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({Elements.Count} elements in {Calls.Count} calls)");
        }

        return text.ToString();
    }

    /// <summary>Every field, one per line, each line starting with <paramref name="indent"/>.</summary>
    public string Detail(string indent)
    {
        var text = new StringBuilder();
        text.Append(indent).Append(Summary());
        foreach (var output in Outputs)
        {
            text.AppendLine().Append(indent).Append(CultureInfo.InvariantCulture, $"  {output.Name}={Hex.Full(output.Bytes)}");
        }

        for (var i = 0; i < Calls.Count; i++)
        {
            text.AppendLine().Append(indent).Append(CultureInfo.InvariantCulture, $"  call {i + 1}:");
            text.AppendLine().Append(Calls[i].Detail(indent + "    "));
        }

        return text.ToString();
    }

    /// <summary>An errno by its Linux name.</summary>
    public static string Name(Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : ((int)errno).ToString(CultureInfo.InvariantCulture);
}
