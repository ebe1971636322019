namespace Visage.Deid;

/// <summary>Which de-identifier a batch uses.</summary>
public enum DeidKind
{
    Photos,
    Dicom,
}
