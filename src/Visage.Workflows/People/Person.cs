namespace Visage.Workflows.People;

public enum PersonKind
{
    Patient,
    Staff,
}

/// <summary>
/// What the desk needs to know a person by: held only encrypted (in the person's record envelope), never in logs, URLs,
/// file names or audit records. The MRN is searchable only through its keyed hash.
/// </summary>
public sealed record PersonDetails(string? Name = null, DateOnly? BirthDate = null, string? Mrn = null, string? EhrPatientId = null);

/// <summary>A patient or staff member as Visage knows them: an opaque id and nothing identifying in clear.</summary>
public sealed record Person(Guid Id, PersonKind Kind, bool HasMrn, DateTimeOffset Created, DateTimeOffset? LastSeen);
