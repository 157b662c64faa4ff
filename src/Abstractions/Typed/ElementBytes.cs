using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BpfMaps;

/// <summary>Keys and values as the bytes the backend reads and writes, without copying or boxing.</summary>
internal static class ElementBytes
{
    /// <summary>The bytes of <paramref name="value"/>.</summary>
    public static ReadOnlySpan<byte> Of<T>(ref readonly T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    /// <summary>The bytes of <paramref name="value"/>, to be written.</summary>
    public static Span<byte> Into<T>(ref T value)
        where T : unmanaged => MemoryMarshal.AsBytes(new Span<T>(ref value));

    /// <summary>The size of <typeparamref name="T"/>.</summary>
    public static int Size<T>()
        where T : unmanaged => Unsafe.SizeOf<T>();

    /// <summary>Throws unless two batch spans hold as many elements as each other.</summary>
    public static void SameLength(int keys, int values, int valuesPerKey, string name)
    {
        if ((long)keys * valuesPerKey != values)
        {
            throw new ArgumentException(valuesPerKey == 1
                ? $"The batch has {keys} keys but {values} values."
                : $"The batch has {keys} keys, so it needs {keys} × {valuesPerKey} per-CPU values; got {values}.", name);
        }
    }
}
