using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BpfMaps.Kernel;
using Spectre.Console;

namespace BpfMaps.Cli.Maps;

/// <summary>
/// <c>bpfmaps map list|show|dump|lookup|update|delete</c>: real maps, by id or pinned path, through the kernel
/// backend, like bpftool's map commands. Bytes are hex in memory order; <c>--json</c> writes bpftool's JSON shapes.
/// </summary>
internal static class MapCommand
{
    /// <summary>The command and its subcommands.</summary>
    public static Command Create(ToolConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Write JSON (bpftool's shapes: bytes as \"0x..\" strings)", Recursive = true };
        var flags = new Option<string>("--flags")
        {
            Description = "Update flags: any (create or replace), noexist (create only), exist (replace only)",
            DefaultValueFactory = _ => "any",
        };
        flags.AcceptOnlyFromAmong("any", "noexist", "exist");

        var list = new Command("list", "List every BPF map of the system (BPF_MAP_GET_NEXT_ID; needs CAP_SYS_ADMIN)");
        list.SetAction(r => new MapSession(console, "list", r.GetValue(json)).List());

        var map = new Command("map", "Inspect and change real BPF maps by id or pinned path, like bpftool's map commands") { json, list };
        map.Subcommands.Add(Sub(console, json, "show", "MAP", "Show a map's type, sizes, flags and name", (s, t, _) => s.Show(t)));
        map.Subcommands.Add(Sub(console, json, "dump", "MAP", "Print every key and value of a map, in iteration order", (s, t, _) => s.Dump(t)));
        map.Subcommands.Add(Sub(console, json, "lookup", "MAP key HEX...", "Look up a key (peek for QUEUE and STACK, without a key)", (s, t, _) => s.Lookup(t)));
        map.Subcommands.Add(Sub(console, json, "delete", "MAP key HEX...", "Delete a key", (s, t, _) => s.Delete(t)));
        var update = Sub(console, json, "update", "MAP [key HEX...] value HEX...",
            "Write a value (push for QUEUE and STACK, without a key); a per-CPU map takes one value for every CPU, or every CPU's slot",
            (s, t, r) => s.Update(t, r.GetValue(flags)!));
        update.Options.Add(flags);
        map.Subcommands.Add(update);
        return map;
    }

    private static Command Sub(ToolConsole console, Option<bool> json, string name, string syntax, string description,
        Func<MapSession, IReadOnlyList<string>, ParseResult, int> action)
    {
        var tokens = new Argument<string[]>("MAP")
        {
            Description = $"{syntax}: MAP is 'id N' (or N) or 'pinned PATH'; HEX is bytes in memory order (01 00 00 00, 0x01 0x00.., 01000000)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command(name, description) { tokens };
        command.SetAction(r => action(new MapSession(console, name, r.GetValue(json)), r.GetValue(tokens) ?? [], r));
        return command;
    }

    // One invocation of a map subcommand: opens maps through the kernel backend and turns every errno into an error
    // naming the subcommand, the map, the bpf command and the errno, in the words of BpfErrorMessages.
    private sealed class MapSession(ToolConsole console, string command, bool json)
    {
        public int List()
        {
            var kernel = KernelProbe.Require($"map {command}");
            var maps = new List<BpfMapInfo>();
            var failures = 0;
            var id = 0u;
            Errno errno;
            while ((errno = kernel.GetNextMapId(id, out var next)) == Errno.None)
            {
                id = next;
                var target = new MapTarget(id, null);
                errno = kernel.OpenMapById(id, BpfOpenFlags.ReadOnly, out var handle);
                if (errno == Errno.ENOENT)
                {
                    continue; // freed between BPF_MAP_GET_NEXT_ID and the open
                }

                if (errno != Errno.None)
                {
                    console.Error.WriteLine(Failure(target, BpfMapCommand.OpenMapById, errno, null).Message);
                    failures++;
                    continue;
                }

                using (handle)
                {
                    maps.Add(Info(kernel, handle!, target));
                }
            }

            if (errno != Errno.ENOENT)
            {
                // BPF_MAP_GET_NEXT_ID is not a map command of the library; its errnos mean what they mean for the ids of BPF_MAP_GET_FD_BY_ID.
                throw new ToolException(ExitCodes.CommandFailed,
                    $"bpfmaps map {command}: BPF_MAP_GET_NEXT_ID after id {id} failed: {BpfErrorMessages.WhatHappened(BpfMapCommand.OpenMapById, errno, null)} ({BpfErrorMessages.ErrnoCode(errno)}).");
            }

            if (json)
            {
                console.Out.WriteLine(new JsonArray([.. maps.Select(InfoJson)]).ToJsonString(JsonOutput.Compact));
            }
            else
            {
                console.Ui.Write(InfoTable(maps));
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{maps.Count} maps"));
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.CommandFailed;
        }

        public int Show(IReadOnlyList<string> tokens)
        {
            var (kernel, target) = Target(tokens, allowMore: false, out _);
            using var map = Open(kernel, target, BpfOpenFlags.ReadOnly);
            var info = Info(kernel, map, target);
            if (json)
            {
                console.Out.WriteLine(InfoJson(info).ToJsonString(JsonOutput.Compact));
            }
            else
            {
                console.Ui.Write(InfoTable([info]));
            }

            return ExitCodes.Success;
        }

        public int Dump(IReadOnlyList<string> tokens)
        {
            var (kernel, target) = Target(tokens, allowMore: false, out _);
            using var map = Open(kernel, target, BpfOpenFlags.ReadOnly);
            var info = Modelled(Info(kernel, map, target), target);
            var entries = new List<(byte[] Key, byte[] Value)>();
            var key = Array.Empty<byte>();
            var next = new byte[map.Layout.KeySize];
            while (true)
            {
                var errno = kernel.GetNextKey(map, key, next);
                if (errno == Errno.ENOENT)
                {
                    break;
                }

                if (errno != Errno.None)
                {
                    throw Failure(target, BpfMapCommand.GetNextKey, errno, info.ToSpec(), hint: info.Type.IsQueueOrStack()
                        ? $" {MapTypeNames.Of(info.Type)} maps have no keys to walk; 'bpfmaps map lookup {target}' peeks at the next element."
                        : "");
                }

                key = next.ToArray();
                var value = new byte[map.Layout.ValueSize];
                errno = kernel.Lookup(map, key, value);
                if (errno == Errno.ENOENT)
                {
                    console.Error.WriteLine($"bpfmaps map {command} {target}: key {Hex.Format(key)} was deleted during the dump.");
                    continue;
                }

                if (errno != Errno.None)
                {
                    throw Failure(target, BpfMapCommand.Lookup, errno, info.ToSpec(), $" for key {Hex.Format(key)}");
                }

                entries.Add((key, value));
            }

            Entries(map, entries);
            if (!json)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Found {entries.Count} element{(entries.Count == 1 ? "" : "s")}"));
            }

            return ExitCodes.Success;
        }

        public int Lookup(IReadOnlyList<string> tokens)
        {
            var (kernel, target) = Target(tokens, allowMore: true, out var rest);
            using var map = Open(kernel, target, BpfOpenFlags.ReadOnly);
            var info = Modelled(Info(kernel, map, target), target);
            var parts = Parts(rest, "key");
            var key = Key(parts, info, target);
            var value = new byte[map.Layout.ValueSize];
            var errno = kernel.Lookup(map, key, value);
            if (errno != Errno.None)
            {
                throw Failure(target, BpfMapCommand.Lookup, errno, info.ToSpec(), KeyText(key));
            }

            Entries(map, [(key, value)]);
            return ExitCodes.Success;
        }

        public int Update(IReadOnlyList<string> tokens, string flagName)
        {
            var (kernel, target) = Target(tokens, allowMore: true, out var rest);
            using var map = Open(kernel, target, BpfOpenFlags.None);
            var info = Modelled(Info(kernel, map, target), target);
            var parts = Parts(rest, "key", "value");
            var key = Key(parts, info, target);
            var value = Value(parts, map, target);
            var flags = flagName switch
            {
                "noexist" => BpfElementFlags.NoExist,
                "exist" => BpfElementFlags.Exist,
                _ => BpfElementFlags.Any,
            };
            var errno = kernel.Update(map, key, value, flags);
            if (errno != Errno.None)
            {
                throw Failure(target, BpfMapCommand.Update, errno, info.ToSpec(), KeyText(key) + $" with flags {flagName}");
            }

            Done(string.IsNullOrEmpty(KeyText(key)) ? "value pushed" : $"key {Hex.Format(key)} written");
            return ExitCodes.Success;
        }

        public int Delete(IReadOnlyList<string> tokens)
        {
            var (kernel, target) = Target(tokens, allowMore: true, out var rest);
            using var map = Open(kernel, target, BpfOpenFlags.None);
            var info = Modelled(Info(kernel, map, target), target);
            var key = Key(Parts(rest, "key"), info, target);
            var errno = kernel.Delete(map, key);
            if (errno != Errno.None)
            {
                throw Failure(target, BpfMapCommand.Delete, errno, info.ToSpec(), KeyText(key));
            }

            Done($"key {Hex.Format(key)} deleted");
            return ExitCodes.Success;
        }

        private (KernelBpfMapBackend Kernel, MapTarget Target) Target(IReadOnlyList<string> tokens, bool allowMore, out IReadOnlyList<string> rest)
        {
            var (target, consumed) = MapTarget.Parse(tokens, command);
            rest = [.. tokens.Skip(consumed)];
            if (!allowMore && rest.Count > 0)
            {
                throw ToolException.Usage($"bpfmaps map {command} {target}: unexpected '{rest[0]}'.");
            }

            return (KernelProbe.Require($"map {command}"), target);
        }

        private BpfMapHandle Open(KernelBpfMapBackend kernel, MapTarget target, BpfOpenFlags flags)
        {
            var errno = target.Id is { } id
                ? kernel.OpenMapById(id, flags, out var map)
                : kernel.OpenPinned(target.PinnedPath!, flags, out map);
            return errno == Errno.None ? map! : throw Failure(target, target.Id is null ? BpfMapCommand.OpenPinned : BpfMapCommand.OpenMapById, errno, null);
        }

        private BpfMapInfo Info(KernelBpfMapBackend kernel, BpfMapHandle map, MapTarget target)
        {
            var errno = kernel.GetMapInfo(map, out var info);
            return errno == Errno.None ? info! : throw Failure(target, BpfMapCommand.GetMapInfo, errno, map.Spec);
        }

        // Element buffers are sized from the map type: a type BpfMaps does not model may be per-CPU in a way it does
        // not know, and the kernel would write past the buffer.
        private BpfMapInfo Modelled(BpfMapInfo info, MapTarget target) => MapTypeNames.IsModelled(info.Type)
            ? info
            : throw new ToolException(ExitCodes.CommandFailed,
                $"bpfmaps map {command} {target}: {MapTypeNames.Of(info.Type)} maps are not a type BpfMaps models ({MapTypeNames.Modelled}), so their element layout is unknown and element commands are refused; 'bpfmaps map show' works on every map.");

        private Dictionary<string, List<string>> Parts(IReadOnlyList<string> tokens, params string[] keywords)
        {
            var parts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            List<string>? current = null;
            foreach (var token in tokens)
            {
                if (keywords.Contains(token, StringComparer.Ordinal))
                {
                    if (parts.ContainsKey(token))
                    {
                        throw ToolException.Usage($"bpfmaps map {command}: '{token}' is given twice.");
                    }

                    parts[token] = current = [];
                }
                else if (current is null)
                {
                    throw ToolException.Usage($"bpfmaps map {command}: expected {string.Join(" or ", keywords.Select(k => $"'{k}'"))}, not '{token}'.");
                }
                else if (!(current.Count == 0 && token == "hex"))
                {
                    current.Add(token);
                }
            }

            return parts;
        }

        private byte[] Key(Dictionary<string, List<string>> parts, BpfMapInfo info, MapTarget target)
        {
            if (info.KeySize == 0)
            {
                return parts.ContainsKey("key")
                    ? throw ToolException.Usage($"bpfmaps map {command} {target}: {MapTypeNames.Of(info.Type)} maps have no keys; leave out 'key'.")
                    : [];
            }

            var key = Bytes(parts, "key", target);
            return key.Length == info.KeySize
                ? key
                : throw ToolException.Usage(string.Create(CultureInfo.InvariantCulture,
                    $"bpfmaps map {command} {target}: the key has {key.Length} bytes; this map's keys have {info.KeySize}."));
        }

        private byte[] Value(Dictionary<string, List<string>> parts, BpfMapHandle map, MapTarget target)
        {
            var value = Bytes(parts, "value", target);
            var layout = map.Layout;
            var valueSize = (int)map.Spec.ValueSize;
            if (value.Length == (int)layout.ValueSize)
            {
                return value;
            }

            if (layout.IsPerCpu && value.Length == valueSize)
            {
                // As bpftool does: one value for every CPU.
                var whole = new byte[layout.ValueSize];
                for (var cpu = 0; cpu < layout.PossibleCpus; cpu++)
                {
                    value.CopyTo(whole.AsSpan((int)layout.SlotOffset(cpu)));
                }

                return whole;
            }

            throw ToolException.Usage(layout.IsPerCpu
                ? string.Create(CultureInfo.InvariantCulture, $"bpfmaps map {command} {target}: the value has {value.Length} bytes; this per-CPU map takes {valueSize} (written to every CPU) or {layout.ValueSize} ({layout.PossibleCpus} slots of {layout.PerCpuSlotSize}).")
                : string.Create(CultureInfo.InvariantCulture, $"bpfmaps map {command} {target}: the value has {value.Length} bytes; this map's values have {valueSize}."));
        }

        private byte[] Bytes(Dictionary<string, List<string>> parts, string part, MapTarget target)
        {
            if (!parts.TryGetValue(part, out var tokens) || tokens.Count == 0)
            {
                throw ToolException.Usage($"bpfmaps map {command} {target}: give the {part} as '{part} HEX...'.");
            }

            try
            {
                return Hex.Parse(tokens);
            }
            catch (FormatException ex)
            {
                throw ToolException.Usage($"bpfmaps map {command} {target}: {part}: {ex.Message}");
            }
        }

        // "bpfmaps map lookup pinned /sys/fs/bpf/x: BPF_MAP_LOOKUP_ELEM on HASH map "x" (...) failed for key 01 00 00 00: no such key (ENOENT, errno 2)."
        private ToolException Failure(MapTarget target, BpfMapCommand bpfCommand, Errno errno, BpfMapSpec? map, string detail = "", string hint = "") =>
            new(ExitCodes.CommandFailed, $"bpfmaps map {command} {target}: {BpfErrorMessages.Format(bpfCommand, errno, map, detail)}{hint}");

        private static string KeyText(byte[] key) => key.Length == 0 ? "" : $" for key {Hex.Format(key)}";

        private void Done(string what)
        {
            if (json)
            {
                console.Out.WriteLine("null"); // bpftool -j prints null after a write
            }
            else
            {
                console.WriteLine(what);
            }
        }

        private void Entries(BpfMapHandle map, List<(byte[] Key, byte[] Value)> entries)
        {
            var layout = map.Layout;
            var valueSize = (int)map.Spec.ValueSize;
            var perCpu = layout.IsPerCpu;
            IEnumerable<(int Cpu, byte[] Value)> Slots(byte[] whole) => Enumerable.Range(0, layout.PossibleCpus)
                .Select(cpu => (cpu, whole.AsSpan((int)layout.SlotOffset(cpu), valueSize).ToArray()));

            if (json)
            {
                var array = new JsonArray();
                foreach (var (key, value) in entries)
                {
                    var entry = new JsonObject();
                    if (map.Layout.KeySize > 0)
                    {
                        entry["key"] = Hex.Json(key);
                    }

                    if (perCpu)
                    {
                        entry["values"] = new JsonArray([.. Slots(value).Select(s => (JsonNode)new JsonObject { ["cpu"] = s.Cpu, ["value"] = Hex.Json(s.Value) })]);
                    }
                    else
                    {
                        entry["value"] = Hex.Json(value);
                    }

                    array.Add(entry);
                }

                console.Out.WriteLine((command == "dump" ? array : array.Single()!).ToJsonString(JsonOutput.Compact));
                return;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("key");
            if (perCpu)
            {
                table.AddColumn("cpu");
            }

            table.AddColumn("value");
            foreach (var (key, value) in entries)
            {
                if (!perCpu)
                {
                    table.AddRow(Markup.Escape(Hex.Format(key)), Markup.Escape(Hex.Format(value)));
                    continue;
                }

                foreach (var (cpu, slot) in Slots(value))
                {
                    table.AddRow(cpu == 0 ? Markup.Escape(Hex.Format(key)) : "", cpu.ToString(CultureInfo.InvariantCulture), Markup.Escape(Hex.Format(slot)));
                }
            }

            console.Ui.Write(table);
        }

        private static JsonObject InfoJson(BpfMapInfo info) => new()
        {
            ["id"] = info.Id,
            ["type"] = MapTypeNames.Of(info.Type),
            ["name"] = info.Name,
            ["flags"] = (uint)info.Flags,
            ["bytes_key"] = info.KeySize,
            ["bytes_value"] = info.ValueSize,
            ["max_entries"] = info.MaxEntries,
        };

        private static Table InfoTable(IEnumerable<BpfMapInfo> maps)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("id").RightAligned()).AddColumn("type").AddColumn("name")
                .AddColumn(new TableColumn("key").RightAligned()).AddColumn(new TableColumn("value").RightAligned())
                .AddColumn(new TableColumn("max_entries").RightAligned()).AddColumn("flags");
            foreach (var info in maps)
            {
                var flags = info.Flags == BpfMapFlags.None
                    ? "0"
                    : string.Create(CultureInfo.InvariantCulture, $"0x{(uint)info.Flags:x} ({info.Flags})");
                table.AddRow(
                    info.Id.ToString(CultureInfo.InvariantCulture), MapTypeNames.Of(info.Type), Markup.Escape(info.Name),
                    info.KeySize.ToString(CultureInfo.InvariantCulture), info.ValueSize.ToString(CultureInfo.InvariantCulture),
                    info.MaxEntries.ToString(CultureInfo.InvariantCulture), Markup.Escape(flags));
            }

            return table;
        }
    }
}
