namespace Visage.Gallery;

/// <summary>
/// The uses a subject consented to. A template carries the set; a query names exactly one, and only
/// templates whose set contains it are compared. Values match the <c>purposes</c> bit set kept by storage.
/// </summary>
[Flags]
public enum Purposes
{
    None = 0,
    CheckIn = 1,
    EmergencyIdentification = 2,
    StepUp = 4,
    Research = 8,
}
