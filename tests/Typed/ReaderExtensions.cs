namespace BpfMaps.Typed.Tests;

internal static class ReaderExtensions
{
    /// <summary>Every element of a new pass.</summary>
    public static List<KeyValuePair<TKey, TValue>> ToList<TKey, TValue>(this BpfMapReader<TKey, TValue> reader)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var elements = new List<KeyValuePair<TKey, TValue>>();
        foreach (var element in reader)
        {
            elements.Add(element);
        }

        return elements;
    }

    /// <summary>The number of elements of a new pass.</summary>
    public static int Count<TKey, TValue>(this BpfMapReader<TKey, TValue> reader)
        where TKey : unmanaged
        where TValue : unmanaged => reader.ToList().Count;
}
