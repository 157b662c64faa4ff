namespace BpfMaps.Kernel.Btf;

/// <summary>
/// The BTF of a <see cref="BpfMapSpec"/> (reference §9): the types <see cref="BpfMapBtf"/> describes, and the ids that
/// BPF_MAP_CREATE gets for them.
/// </summary>
internal static class MapBtfEncoder
{
    /// <summary>Encodes the BTF of <paramref name="spec"/>, which must have one.</summary>
    public static EncodedMapBtf Encode(BpfMapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var description = spec.Btf ?? throw new ArgumentException("The spec has no BTF.", nameof(spec));
        var btf = new BtfBuilder();

        // §9: int; struct bpf_spin_lock { int val; }; the kernel finds locks by this struct name and size.
        var @int = btf.AddInt("int", 4, BtfIntEncoding.Signed, 32);
        var spinLock = btf.AddStruct("bpf_spin_lock", 4, [new BtfMember("val", @int, 0)]);
        var @byte = btf.AddInt("unsigned char", 1, BtfIntEncoding.None, 8);

        // The value struct: the locks in increasing order, byte arrays over the bytes around them.
        var size = description.ValueStructSizeFor(spec);
        var members = new List<BtfMember>();
        var position = 0u;
        var locks = description.SpinLockOffsets;
        for (var i = 0; i < locks.Count; i++)
        {
            var offset = locks[i];
            if (offset > position)
            {
                members.Add(new BtfMember($"pad{i}", btf.AddArray(@byte, @int, offset - position), position));
            }

            members.Add(new BtfMember(i == 0 ? "lock" : $"lock{i}", spinLock, offset));
            position = Math.Max(position, offset + 4);
        }

        if (size > position)
        {
            members.Add(new BtfMember("data", btf.AddArray(@byte, @int, size - position), position));
        }

        var value = btf.AddStruct("value", size, members);
        var key = description.KeyFor(spec) switch
        {
            BpfBtfKey.IntType => @int,
            BpfBtfKey.Bytes => btf.AddArray(@byte, @int, spec.KeySize),
            _ => 0u,
        };
        var valueId = description.Value switch
        {
            BpfBtfValue.Struct => value,
            BpfBtfValue.None => 0u,
            _ => btf.TypeCount + 1,
        };
        return new EncodedMapBtf(btf.Build(), key, valueId);
    }
}

/// <summary>A BTF blob and the type ids for <c>btf_key_type_id</c> and <c>btf_value_type_id</c>.</summary>
internal sealed record EncodedMapBtf(byte[] Blob, uint KeyTypeId, uint ValueTypeId);
