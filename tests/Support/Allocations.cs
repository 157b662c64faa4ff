namespace BpfMaps.Testing;

/// <summary>Steady-state allocation measurement for the zero-allocation tests of both backends.</summary>
public static class Allocations
{
    /// <summary>
    /// Bytes this thread allocates in <paramref name="count"/> calls of <paramref name="operation"/>, after as many
    /// warm-up calls: the least of up to five rounds, since the runtime's tiered compilation may allocate on the
    /// calling thread while it promotes the methods. An operation that allocates allocates in every round.
    /// </summary>
    public static long SteadyState(Action operation, int count)
    {
        var least = long.MaxValue;
        for (var round = 0; round < 5 && least != 0; round++)
        {
            for (var i = 0; i < count; i++)
            {
                operation();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < count; i++)
            {
                operation();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
