using BpfMaps.Conformance.Cases;

namespace BpfMaps.Conformance;

/// <summary>Every conformance case, by name. The test host, the bpfmaps tool and users' own backends run this list.</summary>
public static class ConformanceCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceCase>> ByName = new(Index);

    /// <summary>All cases, in catalog order.</summary>
    public static IReadOnlyList<ConformanceCase> Cases { get; } = Build();

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static ConformanceCase Get(string name) =>
        ByName.Value.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"No conformance case is named '{name}'.");

    private static List<ConformanceCase> Build() =>
    [
        .. ArgumentCases.All(),
        .. CreateCases.All(),
        .. LookupCases.All(),
        .. UpdateCases.All(),
        .. DeleteCases.All(),
        .. GetNextKeyCases.All(),
        .. IterationOrderCases.All(),
        .. LookupAndDeleteCases.All(),
        .. CheckOrderCases.All(),
        .. LookupBatchCases.All(),
        .. LookupAndDeleteBatchCases.All(),
        .. UpdateBatchCases.All(),
        .. DeleteBatchCases.All(),
        .. SeedPageCases.All(),
        .. ZeroSeedGridCases.All(),
        .. SpinLockCases.All(),
        .. QueueStackCases.All(),
        .. AccessModeCases.All(),
        .. MapInfoCases.All(),
        .. PinCases.All(),
        .. LruCases.All(),
        .. ObjectArgumentCases.All(),
        .. CpuFlagCases.All(),
        .. LockstepCases.All(),
    ];

    private static Dictionary<string, ConformanceCase> Index()
    {
        var index = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var c in Cases)
        {
            if (!index.TryAdd(c.Name, c))
            {
                throw new InvalidOperationException($"Two conformance cases are named '{c.Name}'.");
            }
        }

        return index;
    }
}
