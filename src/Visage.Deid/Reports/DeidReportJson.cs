using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Deid.Reports;

/// <summary>The one JSON shape for de-identification reports: camelCase, enums by name, indented.</summary>
internal static class DeidReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("The report is empty.");

    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value));

    public static T Read<T>(string path) => Deserialize<T>(File.ReadAllText(path));
}
