namespace BpfMaps.Conformance.Cases;

/// <summary>
/// BPF_OBJ_GET_INFO_BY_FD (what the kernel keeps of a create: sizes, the effective max_entries, map_flags without the
/// descriptor's access bits, the name; reference §3.1, §3.2) and BPF_MAP_GET_FD_BY_ID (a handle with its own access
/// mode to a live map; §10).
/// </summary>
internal static class MapInfoCases
{
    private static readonly string[] Names = ["a", "A_b.c", "123456789012345", "._._._._._._._."];

    public static IEnumerable<ConformanceCase> All() => Info().Concat(OpenById());

    private static BpfMapSpec Named(BpfMapType type) =>
        (type.IsQueueOrStack() ? new BpfMapSpec(type, 0, 12, 5) : Maps.Spec(type, maxEntries: 5, valueSize: 12)) with { Name = "bpfmaps.t_" + (uint)type };

    private static IEnumerable<ConformanceCase> Info()
    {
        foreach (var type in Elements.AllTypes)
        {
            var slug = Maps.Slug(type);
            yield return new ConformanceCase($"info/{slug}/reports-type-sizes-max-entries-flags-and-name", "§3.2", ctx =>
            {
                var spec = Named(type);
                var info = Objects.Info(ctx, ctx.CreateMap(spec));
                Expect.True(info.Id != 0, "a non-zero id");
                Expect.Equal(new BpfMapInfo(info.Id, type, spec.KeySize, 12, 5, spec.Flags, spec.Name!), info, "the info");
            });
            yield return new ConformanceCase($"info/{slug}/is-the-same-through-rdonly-wronly-and-frozen-handles", "§10", ctx =>
            {
                var map = ctx.CreateMap(Named(type));
                var info = Objects.Info(ctx, map);
                Expect.Equal(info, Objects.Info(ctx, Objects.OpenById(ctx, map, BpfOpenFlags.ReadOnly)), "through a read-only handle");
                Expect.Equal(info, Objects.Info(ctx, Objects.OpenById(ctx, map, BpfOpenFlags.WriteOnly)), "through a write-only handle");
                Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
                Expect.Equal(info, Objects.Info(ctx, map), "after the freeze");
            });
            yield return new ConformanceCase($"info/{slug}/created-rdonly-or-wronly-the-access-bits-are-not-kept", "§3.2", ctx =>
            {
                var spec = Named(type);
                foreach (var access in new[] { BpfMapFlags.ReadOnly, BpfMapFlags.WriteOnly })
                {
                    var info = Objects.Info(ctx, ctx.CreateMap(spec with { Flags = spec.Flags | access }));
                    Expect.Equal(spec.Flags, info.Flags, $"map_flags of a map created with {access}");
                }
            });
            foreach (var (name, flag) in new[] { ("rdonly-prog", BpfMapFlags.ReadOnlyProg), ("wronly-prog", BpfMapFlags.WriteOnlyProg) })
            {
                yield return new ConformanceCase($"info/{slug}/{name}-is-kept", "§3.2", ctx =>
                {
                    var spec = Named(type);
                    var info = Objects.Info(ctx, ctx.CreateMap(spec with { Flags = spec.Flags | flag }));
                    Expect.Equal(spec.Flags | flag, info.Flags, "map_flags");
                });
            }

            yield return new ConformanceCase($"info/{slug}/a-map-without-a-name-reports-an-empty-name", "§3.3", ctx =>
            {
                var info = Objects.Info(ctx, ctx.CreateMap(Named(type) with { Name = null }));
                Expect.Equal("", info.Name, "the name");
            });
        }

        yield return new ConformanceCase("info/hash/rdonly-zero-seed-no-prealloc-reports-flags-65", "§3.2", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4)
            {
                Flags = BpfMapFlags.ReadOnly | BpfMapFlags.ZeroSeed | BpfMapFlags.NoPrealloc,
            });
            Expect.Equal((BpfMapFlags)65, Objects.Info(ctx, map).Flags, "map_flags");
        });
        yield return new ConformanceCase("info/array/rdonly-prog-with-rdonly-reports-flags-128", "§3.2", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 4) { Flags = BpfMapFlags.ReadOnlyProg | BpfMapFlags.ReadOnly });
            Expect.Equal((BpfMapFlags)128, Objects.Info(ctx, map).Flags, "map_flags");
        });
        yield return new ConformanceCase("info/hash/numa-node-flag-is-kept", "§3.2", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4) { Flags = BpfMapFlags.NumaNode, NumaNode = 0 });
            Expect.Equal(BpfMapFlags.NumaNode, Objects.Info(ctx, map).Flags, "map_flags");
        });
        yield return new ConformanceCase("info/hash/names-of-15-characters-with-dots-and-underscores", "§3.3", ctx =>
        {
            foreach (var name in Names)
            {
                var info = Objects.Info(ctx, ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4) { Name = name }));
                Expect.Equal(name, info.Name, $"the name {name}");
            }
        });

        foreach (var type in new[] { BpfMapType.LruHash, BpfMapType.LruPerCpuHash })
        {
            foreach (var max in new uint[] { 1, 2, 3, 5, 16, 17, 1000 })
            {
                yield return new ConformanceCase($"info/{Maps.Slug(type)}/no-common-lru-max-entries-{max}-is-rounded-up-to-a-multiple-of-the-cpus", "§3.1", ctx =>
                {
                    var spec = Maps.Spec(type, maxEntries: max) with { Flags = BpfMapFlags.NoCommonLru };
                    var map = ctx.CreateMap(spec);
                    var expected = LruReference.RoundUpToCpus(max, ctx.Cpus);
                    Expect.Equal(expected, Objects.Info(ctx, map).MaxEntries, $"max_entries on {ctx.Cpus} CPUs");
                    Expect.Equal(expected, Objects.OpenById(ctx, map).Spec.MaxEntries, "the spec of a handle opened by id");
                });
            }

            yield return new ConformanceCase($"info/{Maps.Slug(type)}/common-lru-max-entries-is-not-rounded", "§3.1", ctx =>
            {
                var map = ctx.CreateMap(Maps.Spec(type, maxEntries: 7));
                Expect.Equal(7u, Objects.Info(ctx, map).MaxEntries, "max_entries");
            });
        }

        yield return new ConformanceCase("info/ids/differ-between-maps-and-increase", "§10", ctx =>
        {
            var ids = Enumerable.Range(0, 5).Select(_ => Objects.Info(ctx, ctx.CreateMap(new BpfMapSpec(BpfMapType.Array, 4, 4, 1))).Id).ToList();
            for (var i = 1; i < ids.Count; i++)
            {
                Expect.True(ids[i] > ids[i - 1], $"id {ids[i]} of map {i} is above id {ids[i - 1]} of map {i - 1}");
            }
        });
    }

    private static IEnumerable<ConformanceCase> OpenById()
    {
        foreach (var type in Elements.AllTypes)
        {
            var slug = Maps.Slug(type);

            ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"open-by-id/{slug}/{condition}", "§10", body);

            yield return Case("gives-a-handle-to-the-same-map-with-the-spec-its-info-reports", ctx =>
            {
                var map = AccessModeCases.Filled(ctx, type);
                var other = Objects.OpenById(ctx, map);
                var info = Objects.Info(ctx, map);
                Expect.Equal(info, Objects.Info(ctx, other), "the info through the new handle");
                Expect.Equal(info.ToSpec(), other.Spec, "the new handle's spec");
                Expect.Equal(map.Layout.ValueSize, other.Layout.ValueSize, "the value size in user buffers");
                Expect.Sequence(Objects.Contents(ctx, AccessModeCases.Filled(ctx, type)), Objects.Contents(ctx, other), "what the new handle reads");
            });
            yield return Case("writes-through-either-handle-are-seen-through-the-other", ctx =>
            {
                var map = AccessModeCases.Filled(ctx, type);
                var other = Objects.OpenById(ctx, map);
                var control = AccessModeCases.Filled(ctx, type);
                var key = type.IsQueueOrStack() ? [] : Data.Key(3, map.Spec.KeySize);
                Expect.Errno(Errno.None, ctx.Backend.Update(other, key, Data.Value(map, 3)), "update through the new handle");
                Expect.Errno(Errno.None, ctx.Backend.Update(control, key, Data.Value(map, 3)), "update of the control map");
                Expect.Sequence(Objects.Contents(ctx, control), Objects.Contents(ctx, map), "the map through the first handle");
            });
            yield return Case("flags-0-gives-a-read-write-handle-to-a-map-created-rdonly", ctx =>
            {
                var map = AccessModeCases.Filled(ctx, type, BpfMapFlags.ReadOnly);
                var key = type.IsQueueOrStack() ? [] : Data.Key(3, map.Spec.KeySize);
                Expect.Errno(Errno.EPERM, ctx.Backend.Update(map, key, Data.Value(map, 3)), "update through the creating handle");
                var other = Objects.OpenById(ctx, map);
                Expect.Equal(BpfMapAccess.ReadWrite, other.Access, "the new handle's access");
                Expect.Errno(Errno.None, ctx.Backend.Update(other, key, Data.Value(map, 3)), "update through the new handle");
            });
            yield return Case("keeps-the-map-alive-after-the-creating-handle-is-closed", ctx =>
            {
                var map = ctx.CreateMap(type.IsQueueOrStack() ? new BpfMapSpec(type, 0, 8, 4) : Maps.Spec(type, maxEntries: 4));
                var key = type.IsQueueOrStack() ? [] : Data.Key(1, map.Spec.KeySize);
                Expect.Errno(Errno.None, ctx.Backend.Update(map, key, Data.Value(map, 7)), "write");
                var other = Objects.OpenById(ctx, map);
                var id = Objects.Info(ctx, map).Id;
                map.Dispose();
                Expect.Equal(id, Objects.Info(ctx, other).Id, "the id through the remaining handle");
                var value = Elements.PoisonedValue(other);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(other, key, value), "read through the remaining handle");
                Expect.Bytes(Data.Value(map, 7), value, "the value written");
            });
        }

        ConformanceCase General(string condition, Action<ConformanceContext> body) => new($"open-by-id/{condition}", "§10", body);

        yield return General("the-id-of-a-closed-map-gives-enoent", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
            var id = Objects.Info(ctx, map).Id;
            map.Dispose();
            Objects.OpenFails(Errno.ENOENT, ctx.Backend.OpenMapById(id, BpfOpenFlags.None, out var gone), gone, "open by the closed map's id");
        });
        foreach (var (name, id) in new[] { ("0", 0u), ("0x7fffffff", (uint)int.MaxValue), ("0xffffffff", uint.MaxValue) })
        {
            yield return General($"id-{name}-gives-enoent", ctx =>
                Objects.OpenFails(Errno.ENOENT, ctx.Backend.OpenMapById(id, BpfOpenFlags.None, out var map), map, $"open by id {name}"));
        }

        yield return General("rdonly-with-wronly-gives-einval", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
            var id = Objects.Info(ctx, map).Id;
            Objects.OpenFails(Errno.EINVAL, ctx.Backend.OpenMapById(id, BpfOpenFlags.ReadOnly | BpfOpenFlags.WriteOnly, out var other), other, "open");
        });
        yield return General("every-other-flag-bit-gives-einval", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(BpfMapType.Hash, 4, 4, 4));
            var id = Objects.Info(ctx, map).Id;
            for (var bit = 0; bit < 32; bit++)
            {
                var flags = (BpfOpenFlags)(1u << bit);
                if (flags is BpfOpenFlags.ReadOnly or BpfOpenFlags.WriteOnly)
                {
                    continue;
                }

                Objects.OpenFails(Errno.EINVAL, ctx.Backend.OpenMapById(id, flags, out var other), other, $"open with bit {bit}");
            }
        });
        foreach (var type in new[] { BpfMapType.Hash, BpfMapType.Array })
        {
            var blocks = KernelChanges.SpinLockBlocksFreeze;
            yield return new ConformanceCase($"open-by-id/spin-lock-{Maps.Slug(type)}/the-new-handle-takes-f-lock-and-freeze-{Elements.Outcomes(blocks, Errno.None, Errno.ENOTSUPP)}", "§9.2", ctx =>
            {
                var map = ctx.CreateMap(SpinLockCases.Spec(type, 4, 12));
                var other = Objects.OpenById(ctx, map);
                var key = Data.Key(1, 4);
                Expect.Errno(Errno.None, ctx.Backend.Update(other, key, Data.Value(other, 5), BpfElementFlags.Lock), "F_LOCK update through the new handle");
                var viaOther = Elements.PoisonedValue(other);
                var viaMap = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(other, key, viaOther, BpfElementFlags.Lock), "F_LOCK lookup through the new handle");
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, key, viaMap, BpfElementFlags.Lock), "F_LOCK lookup through the first handle");
                Expect.Bytes(viaMap, viaOther, "both handles read the same value");
                Expect.Errno(ctx.Pick(blocks, Errno.None, Errno.ENOTSUPP), ctx.Backend.Freeze(other), "freeze through the new handle");
            });
        }

        yield return General("a-bad-flag-with-an-unknown-id-gives-einval", ctx =>
            Objects.OpenFails(Errno.EINVAL, ctx.Backend.OpenMapById(0, (BpfOpenFlags)BpfMapFlags.ReadOnlyProg, out var map), map, "open"));
    }
}
