using System.Globalization;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// The shared DICOM files listed in INVENTORY.tsv with the identifying values recorded for each: what a
/// de-identifier must not leave behind.
/// </summary>
internal sealed record DicomInventory(string Root, IReadOnlyList<InventoryFile> Files)
{
    public static readonly string[] IdentifyingFields =
        ["PatientName", "PatientID", "PatientBirthDate", "InstitutionName", "ReferringPhysicianName", "AccessionNumber"];

    // Placeholders some sample files already carry; finding them proves nothing.
    private static readonly string[] NotIdentifying = ["Anonymous", "Anonymized", "ANONYMOUS", "ANONYMIZED"];

    public static DicomInventory Load(string dicomRoot)
    {
        var lines = File.ReadAllLines(Path.Combine(dicomRoot, "INVENTORY.tsv"));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"INVENTORY.tsv has no {name} column.");
        var path = Column("path");
        var bytes = Column("bytes");
        var fields = IdentifyingFields.Select(f => (Name: f, Index: Column(f))).ToList();
        var files = new List<InventoryFile>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            var values = fields
                .Select(f => (f.Name, Value: f.Index < cells.Length ? cells[f.Index].Trim() : string.Empty))
                .Where(f => Searchable(f.Value))
                .Select(f => new IdentifyingValue(f.Name, f.Value))
                .ToList();
            files.Add(new InventoryFile(cells[path], long.Parse(cells[bytes], CultureInfo.InvariantCulture), values));
        }

        return new DicomInventory(dicomRoot, files);
    }

    /// <summary>Long enough (4+ letters or digits) not to turn up by chance in pixel bytes, and not a placeholder.</summary>
    public static bool Searchable(string value) =>
        value.Count(char.IsLetterOrDigit) >= 4 && !NotIdentifying.Contains(value, StringComparer.Ordinal);
}

internal sealed record InventoryFile(string RelativePath, long Bytes, IReadOnlyList<IdentifyingValue> Values);

/// <summary>
/// One recorded value. Person names are also searched per component group ("Yamada^Tarou=山田^太郎" → each side),
/// since a tool may keep one representation.
/// </summary>
internal sealed record IdentifyingValue(string Field, string Value)
{
    public IReadOnlyList<string> Forms { get; } =
        new[] { Value }.Concat(Value.Split('=')).Select(v => v.Trim()).Where(DicomInventory.Searchable).Distinct(StringComparer.Ordinal).ToList();
}
