using FsCheck;
using FsCheck.Fluent;

namespace BpfMaps.PropertyTests;

/// <summary>A map spec and a seed for the bytes written into it.</summary>
internal sealed record MapCase(BpfMapSpec Spec, int ContentSeed)
{
    public override string ToString() =>
        $"{Spec.Type} key {Spec.KeySize} value {Spec.ValueSize} max {Spec.MaxEntries} flags {Spec.Flags}, content seed {ContentSeed}";
}

/// <summary>
/// Generators of map specs: small max_entries so maps fill up and buckets collide, odd sizes included, and the create
/// flags each type accepts (reference §3.2).
/// </summary>
internal static class Generators
{
    private static readonly Gen<uint> ValueSizes = Gen.OneOf(Gen.Elements(1u, 3u, 8u, 12u, 13u), Gen.Choose(1, 64).Select(v => (uint)v));

    public static Gen<MapCase> Maps(params BpfMapType[] types) =>
        from type in Gen.Elements(types)
        from keySize in type switch
        {
            _ when type.IsArrayFamily() => Gen.Constant(4u),
            _ when type.IsQueueOrStack() => Gen.Constant(0u),
            _ => Gen.Choose(1, 64).Select(k => (uint)k),
        }
        from valueSize in ValueSizes
        from maxEntries in Gen.Choose(1, 64)
        from flags in Flags(type)
        from seed in Gen.Choose(0, int.MaxValue)
        select new MapCase(new BpfMapSpec(type, keySize, valueSize, (uint)maxEntries) { Flags = flags }, seed);

    private static Gen<BpfMapFlags> Flags(BpfMapType type) => type switch
    {
        _ when type.IsLru() => Gen.Elements(BpfMapFlags.None, BpfMapFlags.ZeroSeed, BpfMapFlags.NoCommonLru),
        _ when type.IsHashFamily() => Gen.Elements(BpfMapFlags.None, BpfMapFlags.ZeroSeed, BpfMapFlags.NoPrealloc, BpfMapFlags.ZeroSeed | BpfMapFlags.NoPrealloc),
        _ => Gen.Constant(BpfMapFlags.None),
    };
}
