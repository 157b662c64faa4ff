using System.Globalization;
using System.Text;

namespace BpfMaps.Lockstep;

/// <summary>How order-dependent results are compared.</summary>
public enum OrderComparison
{
    /// <summary>
    /// Exactly: every get-next-key successor, lookup-batch chunk and out_batch. For maps whose order is
    /// reproducible: BPF_F_ZERO_SEED hash maps (§7.2), arrays, queues and stacks.
    /// </summary>
    Exact,

    /// <summary>
    /// As sets: hash maps with a random seed, whose order cannot be predicted (§7.2). Walks are compared by the
    /// multiset of elements they return; the generator makes no other order-dependent step for such maps.
    /// </summary>
    Sets,
}

/// <summary>One generated test case: a map spec and the operations applied to it, in order.</summary>
/// <param name="Spec">The map both backends create.</param>
/// <param name="Operations">The steps after the create.</param>
public sealed record LockstepScenario(BpfMapSpec Spec, IReadOnlyList<LockstepOperation> Operations)
{
    /// <summary>Exact for every map whose order is reproducible; as sets for hash maps without BPF_F_ZERO_SEED.</summary>
    public OrderComparison Ordering => OrderingOf(Spec);

    /// <summary>The comparison <paramref name="spec"/> allows (§7.2).</summary>
    public static OrderComparison OrderingOf(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Type.IsHashFamily() && (spec.Flags & BpfMapFlags.ZeroSeed) == 0 ? OrderComparison.Sets : OrderComparison.Exact;
    }

    /// <summary>The spec in one line.</summary>
    public static string Describe(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.Create(CultureInfo.InvariantCulture,
            $"{spec.Type} key_size={spec.KeySize} value_size={spec.ValueSize} max_entries={spec.MaxEntries} map_flags={spec.Flags}{(spec.Btf is null ? "" : $" btf={spec.Btf}")}");
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"0: create {Describe(Spec)}");
        for (var i = 0; i < Operations.Count; i++)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"{i + 1}: {Operations[i]}");
        }

        return text.ToString();
    }
}
