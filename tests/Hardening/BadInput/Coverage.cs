using System.Reflection;

namespace BpfMaps.Hardening.Tests.BadInput;

/// <summary>The public members the bad-input cases must cover, named as the cases name them (<c>Type.Method/arity</c>).</summary>
internal static class Coverage
{
    /// <summary>The typed maps and readers, closed over the test's key and value types.</summary>
    public static readonly Type[] TypedTypes =
    [
        typeof(BpfHashMap<uint, Value16>), typeof(BpfLruHashMap<uint, Value16>),
        typeof(BpfPerCpuHashMap<uint, Value12>), typeof(BpfLruPerCpuHashMap<uint, Value12>),
        typeof(BpfArrayMap<Value16>), typeof(BpfPerCpuArrayMap<Value12>),
        typeof(BpfQueue<Value16>), typeof(BpfStack<Value16>),
        typeof(BpfMapReader<uint, Value16>), typeof(BpfPerCpuMapReader<uint, Value12>),
    ];

    // Object's members, and deconstructors, take nothing that can be bad.
    private static readonly string[] Exempt = ["ToString", "Equals", "GetHashCode", "GetType"];

    public static IEnumerable<string> ContractMembers() =>
        typeof(IBpfMapBackend).GetMethods().Where(m => !m.IsSpecialName).Select(m => ContractCases.Prefix + m.Name);

    public static IEnumerable<string> TypedMembers()
    {
        foreach (var type in TypedTypes)
        {
            var name = Name(type);
            foreach (var constructor in type.GetConstructors())
            {
                yield return $"{name}..ctor/{constructor.GetParameters().Length}";
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => !m.IsSpecialName && m.DeclaringType != typeof(object) && !Exempt.Contains(m.Name)))
            {
                yield return $"{name}.{method.Name}/{method.GetParameters().Length}";
            }
        }

        foreach (var method in typeof(BpfMap).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            yield return $"{nameof(BpfMap)}.{method.Name}/{method.GetParameters().Length}";
        }

        // The reader options check their values in their setters.
        foreach (var setter in typeof(BpfIterationOptions).GetProperties().Select(p => p.SetMethod).OfType<MethodInfo>())
        {
            yield return $"{nameof(BpfIterationOptions)}.{setter.Name}/1";
        }
    }

    /// <summary>Members with cases beyond those <see cref="TypedMembers"/> requires (PerCpu&lt;T&gt;, whose Fill and ToArray take nothing bad).</summary>
    public static IEnumerable<string> Extra() => ["PerCpu..ctor/2", "PerCpu.get_Item/1", "PerCpu.CopyTo/1", "PerCpu.CopyFrom/1"];

    /// <summary>Every public typed map and reader of the library, as generic definitions.</summary>
    public static IEnumerable<Type> LibraryTypedTypes() => typeof(BpfMap).Assembly.GetExportedTypes()
        .Where(t => !t.IsAbstract && (t.IsSubclassOf(typeof(BpfMap)) || t.Name.Contains("Reader", StringComparison.Ordinal)));

    public static string Name(Type type) => type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;
}
