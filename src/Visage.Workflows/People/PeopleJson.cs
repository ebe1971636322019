using System.Text.Json.Serialization;

namespace Visage.Workflows.People;

/// <summary>The sealed form of <see cref="PersonDetails"/> (source-generated: no reflection over PHI types).</summary>
[JsonSerializable(typeof(PersonDetails))]
internal sealed partial class PeopleJson : JsonSerializerContext;
