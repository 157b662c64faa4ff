namespace BpfMaps.Conformance.Cases;

/// <summary>
/// Access rights belong to the handle (reference §10): every command through read-only and write-only handles, made
/// at BPF_MAP_CREATE or by BPF_MAP_GET_FD_BY_ID, and through handles of a frozen map, including one opened after the
/// freeze. A refused command is EPERM and changes nothing; an allowed one answers exactly as the same command through
/// a read-write handle of an identical map (a control map), with the same output and the same map afterwards.
/// </summary>
internal static class AccessModeCases
{
    private delegate (Errno Errno, byte[] Output) Call(IBpfMapBackend backend, BpfMapHandle map);

    private enum Source
    {
        CreatedReadOnly,
        ReadOnlyById,
        CreatedWriteOnly,
        WriteOnlyById,
        Frozen,
        OpenedByIdAfterFreeze,
    }

    [Flags]
    private enum Needs
    {
        Read = 1,
        Write = 2,
    }

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var type in Elements.AllTypes)
        {
            foreach (var (op, needs, call) in Operations())
            {
                foreach (var source in Enum.GetValues<Source>())
                {
                    // FREEZE did not look at the handle's mode before it needed write permission: every handle could
                    // freeze, and a frozen map answered the second freeze with EBUSY through any of them, as through
                    // a read-write one.
                    var allowed = Allowed(source, needs);
                    var change = op == "freeze" && !allowed ? KernelChanges.FreezeNeedsWritePermission : null;
                    var outcome = change?.Outcomes("gives-eperm", "is-allowed") ?? (allowed ? "is-allowed" : "gives-eperm");
                    yield return new ConformanceCase($"access/{Maps.Slug(type)}/{op}-through-{Name(source)}-{outcome}", "§10",
                        ctx => Run(ctx, type, source, allowed || (change is not null && !ctx.Since(change)), call));
                }
            }

            foreach (var c in Freeze(type))
            {
                yield return c;
            }
        }
    }

    /// <summary>A map of <paramref name="type"/>, max_entries 4, with elements 1 and 2 (pushed, for queues and stacks).</summary>
    public static BpfMapHandle Filled(ConformanceContext ctx, BpfMapType type, BpfMapFlags extraFlags = BpfMapFlags.None)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var spec = type.IsQueueOrStack() ? new BpfMapSpec(type, 0, 8, 4) : Maps.Spec(type, maxEntries: 4);
        var map = ctx.CreateMap(spec with { Flags = spec.Flags | extraFlags });
        var writer = (extraFlags & BpfMapFlags.ReadOnly) != 0 ? Objects.OpenById(ctx, map) : map;
        foreach (var id in new uint[] { 1, 2 })
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(writer, KeyOf(map, id), Data.Value(map, (int)id)), $"write element {id}");
        }

        return map;
    }

    private static byte[] KeyOf(BpfMapHandle map, uint id) => map.Spec.Type.IsQueueOrStack() ? [] : Data.Key(id, map.Spec.KeySize);

    private static string Name(Source source) => source switch
    {
        Source.CreatedReadOnly => "a-handle-created-rdonly",
        Source.ReadOnlyById => "an-rdonly-handle-opened-by-id",
        Source.CreatedWriteOnly => "a-handle-created-wronly",
        Source.WriteOnlyById => "a-wronly-handle-opened-by-id",
        Source.Frozen => "the-handle-that-froze-the-map",
        _ => "a-handle-opened-by-id-after-the-freeze",
    };

    // §10: read-only handles cannot write, write-only ones cannot read, and a frozen map cannot be written at all.
    private static bool Allowed(Source source, Needs needs) => source switch
    {
        Source.CreatedReadOnly or Source.ReadOnlyById => (needs & Needs.Write) == 0,
        Source.CreatedWriteOnly or Source.WriteOnlyById => (needs & Needs.Read) == 0,
        _ => (needs & Needs.Write) == 0,
    };

    private static IEnumerable<(string Op, Needs Needs, Call Call)> Operations()
    {
        yield return ("lookup", Needs.Read, (b, m) =>
        {
            var value = Elements.PoisonedValue(m);
            return (b.Lookup(m, KeyOf(m, 1), value), value);
        });
        yield return ("get-next-key", Needs.Read, (b, m) =>
        {
            var next = Elements.Poisoned(m.Layout.KeySize);
            return (b.GetNextKey(m, [], next), next);
        });
        yield return ("update", Needs.Write, (b, m) => (b.Update(m, KeyOf(m, 3), Data.Value(m, 3)), []));
        yield return ("delete", Needs.Write, (b, m) => (b.Delete(m, KeyOf(m, 1)), []));
        yield return ("lookup-and-delete", Needs.Read | Needs.Write, (b, m) =>
        {
            var value = Elements.PoisonedValue(m);
            return (b.LookupAndDelete(m, KeyOf(m, 1), value), value);
        });
        yield return ("lookup-batch", Needs.Read, (b, m) => LookupBatch(b, m, andDelete: false));
        yield return ("lookup-and-delete-batch", Needs.Read | Needs.Write, (b, m) => LookupBatch(b, m, andDelete: true));
        yield return ("update-batch", Needs.Write, (b, m) =>
        {
            var count = 1u;
            var errno = b.UpdateBatch(m, Data.Key(3, m.Spec.KeySize), Data.Value(m, 3), ref count);
            return (errno, Data.U32(count));
        });
        yield return ("delete-batch", Needs.Write, (b, m) =>
        {
            var count = 1u;
            var errno = b.DeleteBatch(m, Data.Key(1, m.Spec.KeySize), ref count);
            return (errno, Data.U32(count));
        });
        yield return ("freeze", Needs.Write, (b, m) => (b.Freeze(m), []));
    }

    private static (Errno, byte[]) LookupBatch(IBpfMapBackend backend, BpfMapHandle map, bool andDelete)
    {
        var count = 4u;
        var outBatch = Elements.Poisoned(BpfMapLayout.CursorSize);
        var keys = Elements.Poisoned(4 * map.Layout.KeySize);
        var values = Elements.Poisoned(4 * map.Layout.ValueSize);
        var errno = andDelete
            ? backend.LookupAndDeleteBatch(map, [], outBatch, keys, values, ref count)
            : backend.LookupBatch(map, [], outBatch, keys, values, ref count);
        return (errno, Data.Concat(Data.U32(count), outBatch, keys, values));
    }

    private static void Run(ConformanceContext ctx, BpfMapType type, Source source, bool allowed, Call call)
    {
        var handle = Prepare(ctx, type, source);
        var control = Filled(ctx, type);
        if (source is Source.Frozen or Source.OpenedByIdAfterFreeze)
        {
            Expect.Errno(Errno.None, ctx.Backend.Freeze(control), "freeze the control map");
        }

        var (controlErrno, controlOutput) = call(ctx.Backend, control);
        var (errno, output) = call(ctx.Backend, handle);
        if (allowed)
        {
            Expect.Errno(controlErrno, errno, "the command, as through a read-write handle");
            Expect.Bytes(controlOutput, output, "its output, as through a read-write handle");
            Expect.Sequence(Objects.Contents(ctx, control), Objects.Contents(ctx, handle), "the map afterwards, as the control map");
        }
        else
        {
            Expect.Errno(Errno.EPERM, errno, "the command");
            Expect.Sequence(Objects.Contents(ctx, Baseline(ctx, type, source)), Objects.Contents(ctx, handle), "the map afterwards is unchanged");
        }
    }

    // The map as prepared, untouched: filled, and frozen if the source is.
    private static BpfMapHandle Baseline(ConformanceContext ctx, BpfMapType type, Source source)
    {
        var map = Filled(ctx, type);
        if (source is Source.Frozen or Source.OpenedByIdAfterFreeze)
        {
            Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze the baseline map");
        }

        return map;
    }

    private static BpfMapHandle Prepare(ConformanceContext ctx, BpfMapType type, Source source)
    {
        switch (source)
        {
            case Source.CreatedReadOnly:
                return Filled(ctx, type, BpfMapFlags.ReadOnly);
            case Source.CreatedWriteOnly:
                return Filled(ctx, type, BpfMapFlags.WriteOnly);
            case Source.ReadOnlyById:
                return Objects.OpenById(ctx, Filled(ctx, type), BpfOpenFlags.ReadOnly);
            case Source.WriteOnlyById:
                return Objects.OpenById(ctx, Filled(ctx, type), BpfOpenFlags.WriteOnly);
            case Source.Frozen:
            {
                var map = Filled(ctx, type);
                Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
                return map;
            }

            default:
            {
                var map = Filled(ctx, type);
                Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
                return Objects.OpenById(ctx, map);
            }
        }
    }

    private static IEnumerable<ConformanceCase> Freeze(BpfMapType type)
    {
        var slug = Maps.Slug(type);

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"freeze/{slug}/{condition}", "§10", body);

        yield return Case("refuses-writes-through-every-handle-opened-before-or-after", ctx =>
        {
            var map = Filled(ctx, type);
            var before = Objects.OpenById(ctx, map);
            var writeOnly = Objects.OpenById(ctx, map, BpfOpenFlags.WriteOnly);
            Expect.Errno(Errno.None, ctx.Backend.Freeze(writeOnly), "freeze through a write-only handle");
            var after = Objects.OpenById(ctx, map);
            foreach (var (name, handle) in new[] { ("the creating handle", map), ("a handle opened before", before), ("a handle opened after", after) })
            {
                Expect.Errno(Errno.EPERM, ctx.Backend.Update(handle, KeyOf(map, 3), Data.Value(map, 3)), $"update through {name}");
                Expect.Errno(ctx.Pick(KernelChanges.FreezeNeedsWritePermission, Errno.EBUSY, Errno.EPERM), ctx.Backend.Freeze(handle), $"freeze again through {name}");
                Expect.Errno(Errno.None, ctx.Backend.Lookup(handle, KeyOf(map, 1), Elements.PoisonedValue(map)), $"lookup through {name}");
            }

            Expect.Sequence(Objects.Contents(ctx, Baseline(ctx, type, Source.Frozen)), Objects.Contents(ctx, map), "the map is unchanged");
        });
        var needsWrite = KernelChanges.FreezeNeedsWritePermission;
        yield return Case($"second-freeze-through-the-same-handle-{Elements.Outcomes(needsWrite, Errno.EBUSY, Errno.EPERM)}", ctx =>
        {
            var map = Filled(ctx, type);
            Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "first freeze");
            Expect.Errno(ctx.Pick(needsWrite, Errno.EBUSY, Errno.EPERM), ctx.Backend.Freeze(map), "second freeze");
        });
        yield return Case("of-an-empty-map-succeeds-and-it-stays-empty", ctx =>
        {
            var map = ctx.CreateMap(type.IsQueueOrStack() ? new BpfMapSpec(type, 0, 8, 4) : Maps.Spec(type, maxEntries: 4));
            Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
            Expect.Errno(Errno.EPERM, ctx.Backend.Update(map, KeyOf(map, 1), Data.Value(map, 1)), "update");
            var empty = ctx.CreateMap(map.Spec);
            Expect.Errno(Errno.None, ctx.Backend.Freeze(empty), "freeze another empty map");
            Expect.Sequence(Objects.Contents(ctx, empty), Objects.Contents(ctx, map), "the map is as created");
        });
        foreach (var (name, flag) in new[] { ("rdonly-prog", BpfMapFlags.ReadOnlyProg), ("wronly-prog", BpfMapFlags.WriteOnlyProg) })
        {
            yield return new ConformanceCase($"access/{slug}/{name}-does-not-restrict-syscall-reads-and-writes", "§10", ctx =>
            {
                var map = Filled(ctx, type, flag);
                var control = Filled(ctx, type);
                foreach (var m in new[] { map, control })
                {
                    Expect.Errno(Errno.None, ctx.Backend.Update(m, KeyOf(m, 3), Data.Value(m, 3)), "update");
                }

                var value = Elements.PoisonedValue(map);
                var expected = Elements.PoisonedValue(control);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(control, KeyOf(control, 1), expected), "lookup in the control map");
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, KeyOf(map, 1), value), "lookup");
                Expect.Bytes(expected, value, "the value read");
                Expect.Sequence(Objects.Contents(ctx, control), Objects.Contents(ctx, map), "the map, as a map without the flag");
            });
        }
    }
}
