namespace AkkaChat.Persistence.Tests.Serialization;

using System.Reflection;
using System.Text;

/// <summary>
/// The shape each registered cluster message has on the wire: its manifest, then every AkkaChat type it carries with
/// the public properties the contractless resolver writes (name and type), in a stable order. Checked in as
/// cluster-wire-shapes.txt, so a record that changes shape under the manifest older nodes know fails a test.
/// </summary>
public static class ClusterWireShapes
{
    public const string FileName = "cluster-wire-shapes.txt";

    public static string Describe(IReadOnlyDictionary<Type, string> manifests)
    {
        var text = new StringBuilder();
        var carried = new SortedDictionary<string, Type>(StringComparer.Ordinal);
        foreach (var (type, manifest) in manifests.OrderBy(m => m.Value, StringComparer.Ordinal))
        {
            text.Append(manifest).Append(' ').AppendLine(NameOf(type));
            Collect(type, carried);
        }
        text.AppendLine();
        foreach (var (name, type) in carried)
        {
            var members = type.IsEnum
                ? string.Join(", ", Enum.GetNames(type))
                : string.Join(", ", WrittenProperties(type).Select(p => $"{p.Name} {NameOf(p.PropertyType)}"));
            text.Append(name).Append(": ").AppendLine(members);
        }
        return text.ToString();
    }

    private static void Collect(Type type, SortedDictionary<string, Type> carried)
    {
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments()) Collect(argument, carried);
            if (!IsOurs(type)) return;
        }
        if (type.IsArray)
        {
            Collect(type.GetElementType()!, carried);
            return;
        }
        if (!IsOurs(type) || !carried.TryAdd(NameOf(type), type) || type.IsEnum) return;
        foreach (var property in WrittenProperties(type)) Collect(property.PropertyType, carried);
    }

    private static IEnumerable<PropertyInfo> WrittenProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal);

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("AkkaChat.", StringComparison.Ordinal) == true;

    private static string NameOf(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return NameOf(underlying) + "?";
        if (type.IsArray) return NameOf(type.GetElementType()!) + "[]";
        var name = type.IsNested ? NameOf(type.DeclaringType!) + "+" + type.Name : (IsOurs(type) ? type.FullName! : type.Name);
        if (!type.IsGenericType) return name;
        var plain = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{plain}<{string.Join(", ", type.GetGenericArguments().Select(NameOf))}>";
    }
}
