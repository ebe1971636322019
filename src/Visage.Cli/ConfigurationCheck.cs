using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Visage.Cli;

/// <summary>
/// Finds configuration values that cannot be bound to their option's type (<c>Face__MatchThreshold=abc</c>) before the
/// binder throws on them, and names each setting with what it accepts; the value itself is never repeated, since a
/// mistyped setting can be a secret.
/// </summary>
internal static class ConfigurationCheck
{
    private const int MaxDepth = 4;

    public static IEnumerable<string> Problems(IConfiguration configuration, string section, Type optionsType) =>
        Walk(configuration.GetSection(section), section, optionsType, 0);

    private static IEnumerable<string> Walk(IConfigurationSection section, string path, Type type, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var key = $"{path}:{property.Name}";
            var child = section.GetSection(property.Name);
            if (target == typeof(string))
            {
                continue;
            }

            if (target.IsPrimitive || target.IsEnum || target == typeof(decimal) || target == typeof(TimeSpan))
            {
                if (child.Value is { } value && !Converts(value, target))
                {
                    yield return $"{key} must be {Accepted(target, property)}.";
                }
            }
            else if (target.IsClass && depth < MaxDepth)
            {
                foreach (var problem in Walk(child, key, target, depth + 1))
                {
                    yield return problem;
                }
            }
        }
    }

    /// <summary>The configuration binder converts with the type's converter and the invariant culture; so does this.</summary>
    private static bool Converts(string value, Type target)
    {
        try
        {
            return TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value) is not null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Accepted(Type target, PropertyInfo property)
    {
        if (target == typeof(bool))
        {
            return "true or false";
        }

        if (target.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(target))}";
        }

        if (target == typeof(TimeSpan))
        {
            return "a duration (hh:mm:ss)";
        }

        var kind = target == typeof(float) || target == typeof(double) || target == typeof(decimal) ? "a number" : "a whole number";
        return property.GetCustomAttribute<RangeAttribute>() is { } range
            ? string.Create(CultureInfo.InvariantCulture, $"{kind} from {range.Minimum} to {range.Maximum}")
            : kind;
    }
}
