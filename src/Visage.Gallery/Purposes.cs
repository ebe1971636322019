namespace Visage.Gallery;

/// <summary>
/// The one purpose-of-use type of Visage, shared by the gallery, the store and the audit log. A template carries the
/// set of recognition purposes its subject consented to; a query names exactly one, and only templates whose set
/// contains it are compared. An audit record names exactly one, recognition or not. The persisted forms are stable:
/// storage keeps the bit set (these values, never renumbered), the audit log keeps <see cref="PurposeCodes"/>.
/// </summary>
[Flags]
public enum Purposes
{
    None = 0,

    /// <summary>Checking a patient in at a kiosk or the desk.</summary>
    CheckIn = 1,

    /// <summary>Identifying a patient who cannot identify themselves.</summary>
    EmergencyIdentification = 2,

    /// <summary>Confirming a known person before a record opens (step-up verification).</summary>
    StepUp = 4,

    /// <summary>Approved research use.</summary>
    Research = 8,

    /// <summary>Finding a second enrolment of the same person.</summary>
    DuplicateDetection = 16,

    /// <summary>Every purpose a template may serve (bits below 256: the gallery keeps one byte per template); the others are purposes of an operation, never of a template.</summary>
    Recognition = CheckIn | EmergencyIdentification | StepUp | Research | DuplicateDetection,

    /// <summary>Health care operations on protected data: deletion, key maintenance, de-identification, model installation.</summary>
    Operations = 256,

    /// <summary>Security and privacy oversight: alerts, audit exports, accounting of disclosures.</summary>
    SecurityReview = 512,
}
