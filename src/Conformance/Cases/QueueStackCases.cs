namespace BpfMaps.Conformance.Cases;

/// <summary>
/// QUEUE and STACK (reference §11.2): push is UPDATE_ELEM, peek LOOKUP_ELEM, pop LOOKUP_AND_DELETE_ELEM, always with
/// a NULL key. A queue yields its oldest element, a stack its newest; BPF_EXIST on a full map drops the oldest to make
/// room. Peek of an empty map, DELETE_ELEM, GET_NEXT_KEY and the batch commands are pinned by the lookup, delete,
/// get-next-key and batch cases; frozen maps by the access cases.
/// </summary>
internal static class QueueStackCases
{
    private static readonly BpfElementFlags Three = (BpfElementFlags)3;

    public static IEnumerable<ConformanceCase> All() => new[] { BpfMapType.Queue, BpfMapType.Stack }.SelectMany(ForType);

    /// <summary>A queue or stack of max_entries 3, value_size 8, holding what <paramref name="seeds"/> pushed.</summary>
    public static BpfMapHandle Filled(ConformanceContext ctx, BpfMapType type, uint maxEntries, params int[] seeds)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(seeds);
        var map = ctx.CreateMap(new BpfMapSpec(type, 0, 8, maxEntries));
        foreach (var seed in seeds)
        {
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, seed)), $"push {seed}");
        }

        return map;
    }

    /// <summary>Pops until ENOENT and checks the values popped, in order (the map is empty afterwards).</summary>
    public static void PopsExactly(ConformanceContext ctx, BpfMapHandle map, int[] seeds, string step)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(seeds);
        foreach (var seed in seeds)
        {
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, [], value), $"{step}: pop");
            Expect.Bytes(Data.Value(map, seed), value, $"{step}: the value popped");
        }

        var last = Elements.PoisonedValue(map);
        Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, [], last), $"{step}: pop of the empty map");
        Expect.Bytes(Elements.PoisonedValue(map), last, $"{step}: the value buffer after ENOENT");
    }

    private static IEnumerable<ConformanceCase> ForType(BpfMapType type)
    {
        var slug = Maps.Slug(type);
        var stack = type == BpfMapType.Stack;

        ConformanceCase Case(string condition, Action<ConformanceContext> body) => new($"queue-stack/{slug}/{condition}", "§11.2", body);

        // The order pops return what seeds pushed: FIFO for a queue, LIFO for a stack.
        int[] Order(params int[] pushed) => stack ? [.. pushed.Reverse()] : pushed;

        yield return Case("push-then-pop-returns-the-elements-in-" + (stack ? "lifo" : "fifo") + "-order", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            PopsExactly(ctx, map, Order(1, 2, 3), "pops");
        });
        yield return Case("peek-returns-the-" + (stack ? "newest" : "oldest") + "-element-and-keeps-it", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            for (var i = 0; i < 2; i++)
            {
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.Lookup(map, [], value), $"peek {i}");
                Expect.Bytes(Data.Value(map, stack ? 3 : 1), value, $"peek {i}: the value");
            }

            PopsExactly(ctx, map, Order(1, 2, 3), "the map afterwards");
        });
        yield return Case("push-into-a-full-map-gives-e2big-and-changes-nothing", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, [], Data.Value(map, 4)), "push 4");
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, [], Data.Value(map, 5), BpfElementFlags.Any), "push 5 with BPF_ANY");
            PopsExactly(ctx, map, Order(1, 2, 3), "the map afterwards");
        });
        yield return Case("push-with-exist-into-a-full-map-drops-the-oldest-element", ctx =>
        {
            // §11.2: stack max 3, push 1,2,3, push 4 with BPF_EXIST pops 4,3,2; a queue pops 2,3,4.
            var map = Filled(ctx, type, 3, 1, 2, 3);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 4), BpfElementFlags.Exist), "push 4 with BPF_EXIST");
            PopsExactly(ctx, map, Order(2, 3, 4), "pops");
        });
        yield return Case("push-with-exist-twice-into-a-full-map-drops-the-two-oldest", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 4), BpfElementFlags.Exist), "push 4");
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 5), BpfElementFlags.Exist), "push 5");
            PopsExactly(ctx, map, Order(3, 4, 5), "pops");
        });
        yield return Case("push-with-exist-into-a-map-with-room-is-a-plain-push", ctx =>
        {
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 2), BpfElementFlags.Exist), "push 2 with BPF_EXIST");
            PopsExactly(ctx, map, Order(1, 2), "pops");
        });
        yield return Case("push-with-exist-into-an-empty-map-is-a-plain-push", ctx =>
        {
            var map = Filled(ctx, type, 3);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 7), BpfElementFlags.Exist), "push 7 with BPF_EXIST");
            PopsExactly(ctx, map, [7], "pops");
        });
        yield return Case("max-entries-1-holds-one-element-and-exist-replaces-it", ctx =>
        {
            var map = Filled(ctx, type, 1, 1);
            Expect.Errno(Errno.E2BIG, ctx.Backend.Update(map, [], Data.Value(map, 2)), "push 2");
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Value(map, 3), BpfElementFlags.Exist), "push 3 with BPF_EXIST");
            PopsExactly(ctx, map, [3], "pops");
        });
        yield return Case("pushes-and-pops-interleaved-past-the-ring-size-keep-the-order", ctx =>
        {
            // The kernel keeps max_entries + 1 slots in a ring; go round it several times.
            var map = Filled(ctx, type, 3);
            var model = new List<int>();
            var seed = 0;
            for (var round = 0; round < 7; round++)
            {
                for (var i = 0; i < 2; i++)
                {
                    seed++;
                    var full = model.Count == 3;
                    Expect.Errno(full ? Errno.E2BIG : Errno.None, ctx.Backend.Update(map, [], Data.Value(map, seed)), $"round {round}: push {seed}");
                    if (!full)
                    {
                        model.Add(seed);
                    }
                }

                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, [], value), $"round {round}: pop");
                var expected = stack ? model[^1] : model[0];
                model.Remove(expected);
                Expect.Bytes(Data.Value(map, expected), value, $"round {round}: the value popped");
            }

            PopsExactly(ctx, map, stack ? [.. Enumerable.Reverse(model)] : [.. model], "the map afterwards");
        });

        foreach (var (name, flags) in new[]
                 {
                     ("noexist", BpfElementFlags.NoExist), ("3", Three), ("f-lock", BpfElementFlags.Lock),
                     ("f-lock-with-exist", BpfElementFlags.Lock | BpfElementFlags.Exist), ("8", (BpfElementFlags)8),
                     ("bit-32", (BpfElementFlags)(1UL << 32)),
                 })
        {
            yield return Case($"push-with-flags-{name}-gives-einval", ctx =>
            {
                var map = Filled(ctx, type, 3, 1);
                Expect.Errno(Errno.EINVAL, ctx.Backend.Update(map, [], Data.Value(map, 2), flags), "push");
                PopsExactly(ctx, map, [1], "the map afterwards");
            });
        }

        yield return Case("push-with-noexist-into-a-full-map-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            Expect.Errno(Errno.EINVAL, ctx.Backend.Update(map, [], Data.Value(map, 4), BpfElementFlags.NoExist), "push");
            PopsExactly(ctx, map, Order(1, 2, 3), "the map afterwards");
        });
        yield return Case("push-with-a-non-null-key-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.EINVAL, ctx.Backend.Update(map, Data.U32(0), Data.Value(map, 2)), "push with a key");
            PopsExactly(ctx, map, [1], "the map afterwards");
        });
        yield return Case("push-with-a-non-null-key-and-a-null-value-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.EINVAL, ctx.Backend.Update(map, Data.U32(0), []), "push with a key and no value");
            PopsExactly(ctx, map, [1], "the map afterwards");
        });
        yield return Case("push-with-a-null-value-gives-efault", ctx =>
        {
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, [], []), "push with a NULL value");
            PopsExactly(ctx, map, [1], "the map afterwards");
        });
        yield return Case("push-with-flags-3-and-a-null-value-gives-efault", ctx =>
        {
            // §1.4: the value is copied before the map looks at the flags.
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Update(map, [], [], Three), "push");
            PopsExactly(ctx, map, [1], "the map afterwards");
        });

        yield return Case("pop-of-an-empty-map-gives-enoent", ctx =>
        {
            var map = Filled(ctx, type, 3);
            var value = Elements.PoisonedValue(map);
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, [], value), "pop");
            Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after ENOENT");
        });
        yield return Case("pop-of-an-emptied-map-gives-enoent", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2);
            PopsExactly(ctx, map, Order(1, 2), "pops");
            Expect.Errno(Errno.ENOENT, ctx.Backend.Lookup(map, [], Elements.PoisonedValue(map)), "peek of the emptied map");
        });

        foreach (var (name, flags) in new[]
                 {
                     ("exist", BpfElementFlags.Exist), ("noexist", BpfElementFlags.NoExist), ("f-lock", BpfElementFlags.Lock),
                     ("3", Three), ("8", (BpfElementFlags)8),
                 })
        {
            yield return Case($"pop-with-flags-{name}-gives-einval", ctx =>
            {
                var map = Filled(ctx, type, 3, 1, 2);
                var value = Elements.PoisonedValue(map);
                Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, [], value, flags), "pop");
                Expect.Bytes(Elements.PoisonedValue(map), value, "the value buffer after EINVAL");
                PopsExactly(ctx, map, Order(1, 2), "the map afterwards");
            });
        }

        yield return Case("pop-with-a-non-null-key-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2);
            Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, Data.U32(0), Elements.PoisonedValue(map)), "pop with a key");
            PopsExactly(ctx, map, Order(1, 2), "the map afterwards");
        });
        yield return Case("pop-of-an-empty-map-with-flags-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3);
            Expect.Errno(Errno.EINVAL, ctx.Backend.LookupAndDelete(map, [], Elements.PoisonedValue(map), BpfElementFlags.Exist), "pop");
        });
        yield return Case("pop-with-a-null-value-gives-efault-and-the-element-is-lost", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2, 3);
            Expect.Errno(Errno.EFAULT, ctx.Backend.LookupAndDelete(map, [], []), "pop with a NULL value");
            PopsExactly(ctx, map, stack ? [2, 1] : [2, 3], "the map afterwards");
        });
        yield return Case("pop-with-a-null-value-of-an-empty-map-gives-enoent", ctx =>
        {
            var map = Filled(ctx, type, 3);
            Expect.Errno(Errno.ENOENT, ctx.Backend.LookupAndDelete(map, [], []), "pop with a NULL value");
        });
        yield return Case("peek-with-a-null-value-gives-efault-and-keeps-the-element", ctx =>
        {
            var map = Filled(ctx, type, 3, 1, 2);
            Expect.Errno(Errno.EFAULT, ctx.Backend.Lookup(map, [], []), "peek with a NULL value");
            PopsExactly(ctx, map, Order(1, 2), "the map afterwards");
        });
        yield return Case("peek-with-flags-3-gives-einval", ctx =>
        {
            var map = Filled(ctx, type, 3, 1);
            Expect.Errno(Errno.EINVAL, ctx.Backend.Lookup(map, [], Elements.PoisonedValue(map), Three), "peek");
            PopsExactly(ctx, map, [1], "the map afterwards");
        });
        yield return Case("value-size-5-peek-and-pop-write-exactly-5-bytes", ctx =>
        {
            var map = ctx.CreateMap(new BpfMapSpec(type, 0, 5, 3));
            var written = Data.Bytes(5, 5);
            Expect.Errno(Errno.None, ctx.Backend.Update(map, [], Data.Concat(written, Elements.Poisoned(3))), "push of an 8-byte buffer");
            var peeked = Elements.Poisoned(8);
            Expect.Errno(Errno.None, ctx.Backend.Lookup(map, [], peeked), "peek");
            Expect.Bytes(Data.Concat(written, Elements.Poisoned(3)), peeked, "peek: 5 bytes written");
            var popped = Elements.Poisoned(8);
            Expect.Errno(Errno.None, ctx.Backend.LookupAndDelete(map, [], popped), "pop");
            Expect.Bytes(Data.Concat(written, Elements.Poisoned(3)), popped, "pop: 5 bytes written");
        });

        // §1.4, §10: flag bits before the handle; permission before the queue's own flag check, the key copy and
        // the map's state.
        var orders = new (string Name, BpfMapFlags Created, bool Freeze, bool Empty, Func<IBpfMapBackend, BpfMapHandle, Errno> Call, Errno Expected)[]
        {
            ("pop-through-a-handle-created-rdonly-with-f-lock", BpfMapFlags.ReadOnly, false, false,
                (b, m) => b.LookupAndDelete(m, [], Elements.PoisonedValue(m), BpfElementFlags.Lock), Errno.EPERM),
            ("pop-through-a-handle-created-rdonly-with-flags-2", BpfMapFlags.ReadOnly, false, false,
                (b, m) => b.LookupAndDelete(m, [], Elements.PoisonedValue(m), BpfElementFlags.Exist), Errno.EINVAL),
            ("pop-through-a-handle-created-wronly", BpfMapFlags.WriteOnly, false, false,
                (b, m) => b.LookupAndDelete(m, [], Elements.PoisonedValue(m)), Errno.EPERM),
            ("pop-through-a-handle-created-rdonly-with-a-key", BpfMapFlags.ReadOnly, false, false,
                (b, m) => b.LookupAndDelete(m, Data.U32(0), Elements.PoisonedValue(m)), Errno.EPERM),
            ("pop-of-an-empty-frozen-map", BpfMapFlags.None, true, true, (b, m) => b.LookupAndDelete(m, [], Elements.PoisonedValue(m)), Errno.EPERM),
            ("push-through-a-handle-created-rdonly-with-noexist", BpfMapFlags.ReadOnly, false, false,
                (b, m) => b.Update(m, [], Data.Value(m, 9), BpfElementFlags.NoExist), Errno.EPERM),
            ("push-through-a-handle-created-rdonly-with-a-key", BpfMapFlags.ReadOnly, false, false,
                (b, m) => b.Update(m, Data.U32(0), Data.Value(m, 9)), Errno.EPERM),
            ("push-with-exist-into-a-full-frozen-map", BpfMapFlags.None, true, false,
                (b, m) => b.Update(m, [], Data.Value(m, 9), BpfElementFlags.Exist), Errno.EPERM),
            ("peek-through-a-handle-created-wronly-with-a-key", BpfMapFlags.WriteOnly, false, false,
                (b, m) => b.Lookup(m, Data.U32(0), Elements.PoisonedValue(m)), Errno.EPERM),
            ("peek-through-a-handle-created-wronly-with-flags-3", BpfMapFlags.WriteOnly, false, false,
                (b, m) => b.Lookup(m, [], Elements.PoisonedValue(m), Three), Errno.EINVAL),
            ("peek-with-f-lock-and-a-key", BpfMapFlags.None, false, false,
                (b, m) => b.Lookup(m, Data.U32(0), Elements.PoisonedValue(m), BpfElementFlags.Lock), Errno.EINVAL),
        };
        // Where LOOKUP_AND_DELETE_ELEM had no flags field, any flag was a stray attr byte: EINVAL before the handle;
        // LOOKUP_ELEM (peek) checks its flags after the permission check since bpf_map_check_op_flags.
        (KernelChange Change, Errno Before, Errno Since)? Changed(string name) => name switch
        {
            "pop-through-a-handle-created-rdonly-with-f-lock" => (KernelChanges.HashLookupAndDelete, Errno.EINVAL, Errno.EPERM),
            "peek-through-a-handle-created-wronly-with-flags-3" => (KernelChanges.LookupFlagsAfterPermission, Errno.EINVAL, Errno.EPERM),
            _ => null,
        };
        foreach (var row in orders)
        {
            var changed = Changed(row.Name);
            var outcome = changed is var (change, before, since) ? Elements.Outcomes(change, before, since) : Elements.Outcome(row.Expected);
            yield return new ConformanceCase($"check-order/{slug}/{row.Name}-{outcome}", "§1.4", ctx =>
            {
                var expected = changed is var (change, before, since) ? ctx.Pick(change, before, since) : row.Expected;
                var map = ctx.CreateMap(new BpfMapSpec(type, 0, 8, 3) { Flags = row.Created });
                var writer = row.Created == BpfMapFlags.ReadOnly ? Objects.OpenById(ctx, map) : map;
                int[] seeds = row.Empty ? [] : [1, 2, 3];
                foreach (var seed in seeds)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Update(writer, [], Data.Value(map, seed)), $"push {seed}");
                }

                if (row.Freeze)
                {
                    Expect.Errno(Errno.None, ctx.Backend.Freeze(map), "freeze");
                }

                Expect.Errno(expected, row.Call(ctx.Backend, map), "the call");
                if (!row.Freeze)
                {
                    PopsExactly(ctx, Objects.OpenById(ctx, map), Order(seeds), "the map afterwards");
                }
                else
                {
                    var value = Elements.PoisonedValue(map);
                    Expect.Errno(row.Empty ? Errno.ENOENT : Errno.None, ctx.Backend.Lookup(Objects.OpenById(ctx, map), [], value), "peek afterwards");
                }
            });
        }
    }
}
