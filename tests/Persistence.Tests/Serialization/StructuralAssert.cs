namespace AkkaChat.Persistence.Tests.Serialization;

using System.Collections;
using System.Reflection;

/// <summary>
/// Field-by-field comparison of records that may hold lists and dictionaries (which records compare by
/// reference), and a check that a sample leaves no field at its default, so a dropped field cannot pass unseen.
/// </summary>
public static class StructuralAssert
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static void Equivalent(object? expected, object? actual, string path = "event")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        switch (expected)
        {
            case Akka.Actor.IActorRef actor:
                Assert.True(actor.Equals(actual), $"{path}: expected {actor}, got {actual}");
                return;
            case DateTimeOffset at:
                Assert.True(at.EqualsExact((DateTimeOffset)actual), $"{path}: expected {at:O}, got {actual:O}");
                return;
            case string or ValueType:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case IDictionary expectedMap:
                var actualMap = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.True(expectedMap.Count == actualMap.Count, $"{path}: expected {expectedMap.Count} entries, got {actualMap.Count}");
                foreach (DictionaryEntry entry in expectedMap)
                {
                    Assert.True(actualMap.Contains(entry.Key), $"{path}: key {entry.Key} is missing");
                    Equivalent(entry.Value, actualMap[entry.Key], $"{path}[{entry.Key}]");
                }
                return;
            case IEnumerable expectedItems:
                var expectedList = expectedItems.Cast<object?>().ToList();
                var actualList = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(expectedList.Count == actualList.Count, $"{path}: expected {expectedList.Count} items, got {actualList.Count}");
                for (var i = 0; i < expectedList.Count; i++) Equivalent(expectedList[i], actualList[i], $"{path}[{i}]");
                return;
        }

        Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}");
        foreach (var property in ReadableProperties(expected.GetType()))
        {
            Equivalent(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }

    /// <summary>Fails if any field, at any depth, is default, empty or null (null is allowed where the type says <c>T?</c>).</summary>
    public static void NoDefaults(object value, string path = "event")
    {
        switch (value)
        {
            case string text:
                Assert.True(text.Length > 0, $"{path} is empty");
                return;
            case Akka.Actor.IActorRef actor:
                Assert.False(actor is Akka.Actor.Nobody, $"{path} is nobody");
                return;
            case ValueType:
                Assert.False(value.Equals(Activator.CreateInstance(value.GetType())), $"{path} is default ({value})");
                return;
            case IDictionary map:
                Assert.True(map.Count > 0, $"{path} is empty");
                foreach (DictionaryEntry entry in map)
                {
                    NoDefaults(entry.Key, $"{path}.key");
                    NoDefaults(entry.Value!, $"{path}[{entry.Key}]");
                }
                return;
            case IEnumerable items:
                var list = items.Cast<object>().ToList();
                Assert.True(list.Count > 0, $"{path} is empty");
                for (var i = 0; i < list.Count; i++) NoDefaults(list[i], $"{path}[{i}]");
                return;
        }

        foreach (var property in ReadableProperties(value.GetType()))
        {
            var field = property.GetValue(value);
            var mayBeNull = Nullability.Create(property).ReadState == NullabilityState.Nullable;
            if (field is null) Assert.True(mayBeNull, $"{path}.{property.Name} is null");
            else NoDefaults(field, $"{path}.{property.Name}");
        }
    }

    private static IEnumerable<PropertyInfo> ReadableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0);
}
