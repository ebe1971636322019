namespace Visage.Cli.Commands;

/// <summary>Which de-identifier a <c>visage deid</c> batch uses.</summary>
internal enum DeidKind
{
    Photos,
    Dicom,
}
