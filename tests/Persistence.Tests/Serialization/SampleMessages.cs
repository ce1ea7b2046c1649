namespace AkkaChat.Persistence.Tests.Serialization;

using System.Collections;
using System.Reflection;
using Akka.Actor;
using AkkaChat.Core.Ids;

/// <summary>
/// Builds a sample of any message type by reflection: every constructor parameter and init-only property gets a
/// non-default value, distinct across fields so a swap shows (nested records, two-item lists and dictionaries, and
/// <see cref="Actor"/> for actor references). With <c>nulls: true</c>, the message's own fields that may be null are null instead
/// (nested values stay whole: a conversation id with neither peer nor room is not a value anyone sends).
/// </summary>
public sealed class SampleMessages(IActorRef actor)
{
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 17, 26, 53, 589, TimeSpan.FromHours(8));

    private long _counter;

    public IActorRef Actor => actor;

    public object Build(Type type, bool nulls = false) => Record(type, nulls);

    /// <summary>Whether <paramref name="type"/> has a field that may be null, so a sample with nulls differs from the full one.</summary>
    public static bool HasNullableFields(Type type) =>
        Constructor(type).GetParameters().Any(p => MayBeNull(Nullability.Create(p)))
        || InitProperties(type).Any(p => MayBeNull(Nullability.Create(p)));

    private object? Value(Type type, string name, bool mayBeNull, bool nulls = false)
    {
        if (mayBeNull && nulls) return null;
        var n = ++_counter;
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Value(underlying, name, mayBeNull: false);
        if (type == typeof(string)) return $"{name}-{n}-ä中";
        if (type == typeof(long)) return 1_000_000_007L * n;
        if (type == typeof(int)) return 1_000 + (int)n;
        if (type == typeof(short)) return (short)(10 + n);
        if (type == typeof(bool)) return true;
        if (type == typeof(DateTimeOffset)) return T0.AddSeconds(n).AddTicks(n);
        if (type == typeof(UserId)) return new UserId(10_000 + n);
        if (type == typeof(RoomId)) return new RoomId(100 + n);
        if (type == typeof(byte[])) return new byte[] { 1, (byte)n, 3 };
        if (typeof(IActorRef).IsAssignableFrom(type)) return actor;
        if (type.IsEnum) return Enum.GetValues(type).Cast<object>().Last();
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)))
        {
            var item = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            for (var i = 0; i < 2; i++) list.Add(Value(item, name, mayBeNull: false));
            return list;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            var (key, value) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            for (var i = 0; i < 2; i++) map.Add(Value(key, name, mayBeNull: false)!, Value(value, name, mayBeNull: false));
            return map;
        }
        return Record(type, nulls: false);
    }

    private object Record(Type type, bool nulls)
    {
        var constructor = Constructor(type);
        var arguments = constructor.GetParameters()
            .Select(p => Value(p.ParameterType, p.Name!, MayBeNull(Nullability.Create(p)), nulls))
            .ToArray();
        var record = constructor.Invoke(arguments);
        foreach (var property in InitProperties(type))
        {
            property.SetValue(record, Value(property.PropertyType, property.Name, MayBeNull(Nullability.Create(property)), nulls));
        }
        return record;
    }

    private static ConstructorInfo Constructor(Type type) =>
        type.GetConstructors().Where(c => !IsCopyConstructor(c, type)).MaxBy(c => c.GetParameters().Length)
        ?? throw new InvalidOperationException($"{type} has no public constructor to build a sample with");

    private static bool IsCopyConstructor(ConstructorInfo constructor, Type type) =>
        constructor.GetParameters() is [var only] && only.ParameterType == type;

    /// <summary>Settable properties that no constructor parameter sets (init-only record members).</summary>
    private static IEnumerable<PropertyInfo> InitProperties(Type type)
    {
        var parameters = Constructor(type).GetParameters().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !parameters.Contains(p.Name));
    }

    private static bool MayBeNull(NullabilityInfo info) =>
        info.ReadState == NullabilityState.Nullable || Nullable.GetUnderlyingType(info.Type) is not null;
}
