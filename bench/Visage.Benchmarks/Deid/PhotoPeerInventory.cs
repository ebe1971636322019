using System.Globalization;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// The shared photos listed in exif/METADATA.tsv with the identifying values exiftool recorded for each: what a
/// metadata de-identifier must not leave behind.
/// </summary>
internal sealed record PhotoPeerInventory(string Root, IReadOnlyList<PhotoPeerFile> Files)
{
    public const string Gps = "GPS";

    public static readonly string[] IdentifyingFields =
        ["Make", "Model", "DateTimeOriginal", Gps, "XMPToolkit", "IPTC_By-line", "Artist", "XMP_Creator", "SerialNumber"];

    // exiftool joins list values (several creators) with ", " or "; "; a tool may keep any one of them.
    private static readonly string[] PersonFields = ["IPTC_By-line", "Artist", "XMP_Creator"];

    public static PhotoPeerInventory Load(string exifRoot)
    {
        var lines = File.ReadAllLines(Path.Combine(exifRoot, "METADATA.tsv"));
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"METADATA.tsv has no {name} column.");
        var directory = Column("directory");
        var filename = Column("filename");
        var filetype = Column("filetype");
        var latitude = Column("GPSLatitude");
        var longitude = Column("GPSLongitude");
        var fields = IdentifyingFields.Where(f => f != Gps).Select(f => (Name: f, Index: Column(f))).ToList();
        var files = new List<PhotoPeerFile>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            string Cell(int i) => i < cells.Length ? cells[i].Trim() : string.Empty;
            var relative = Path.Combine(Cell(directory), Cell(filename)).Replace('\\', '/');
            relative = relative.StartsWith("./", StringComparison.Ordinal) ? relative[2..] : relative;
            var values = fields
                .Where(f => Searchable(Cell(f.Index)))
                .Select(f => new PhotoPeerValue(f.Name, Forms(f.Name, Cell(f.Index)), Numbers(f.Name, Cell(f.Index)), []))
                .ToList();
            var coordinates = new[] { Cell(latitude), Cell(longitude) }
                .Where(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                .Select(c => Math.Abs(double.Parse(c, CultureInfo.InvariantCulture)))
                .ToList();
            if (coordinates.Count > 0)
            {
                values.Add(new PhotoPeerValue(Gps, coordinates.SelectMany(GpsForms).ToList(), [], coordinates));
            }

            files.Add(new PhotoPeerFile(relative, Cell(filetype), new FileInfo(Path.Combine(exifRoot, relative)).Length, values));
        }

        return new PhotoPeerInventory(exifRoot, files);
    }

    private static bool Searchable(string value) => value.Length >= 4 && value != "-";

    private static List<string> Forms(string field, string value)
    {
        var forms = new List<string> { value };
        if (field == "DateTimeOriginal" && value.Length >= 19)
        {
            // EXIF keeps sub-seconds and the offset in tags of their own; XMP writes the ISO 8601 form; IPTC and
            // some maker notes keep the date alone (the date is identifying by itself).
            forms.Add(value[..19]);
            forms.Add(value[..10].Replace(':', '-') + "T" + value[11..19]);
            forms.AddRange(new[] { ":", "-", ".", string.Empty }.Select(separator => value[..10].Replace(":", separator, StringComparison.Ordinal)));
        }

        if (PersonFields.Contains(field, StringComparer.Ordinal))
        {
            forms.AddRange(value.Split([", ", "; "], StringSplitOptions.TrimEntries).Where(Searchable));
        }

        return forms.Distinct(StringComparer.Ordinal).ToList();
    }

    // Maker notes keep some serial numbers as 32-bit integers and some times (Canon CIFF) as Unix seconds.
    private static List<uint> Numbers(string field, string value)
    {
        if (field == "SerialNumber" && value.All(char.IsAsciiDigit) && uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
        {
            return [serial];
        }

        if (field == "DateTimeOriginal" && value.Length >= 19
            && DateTime.TryParseExact(value[..19], "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return [(uint)new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds()];
        }

        return [];
    }

    // Decimal degrees (truncated to four places) and XMP's "DDD,MM.mm" / "DDD,MM,SS" text forms; the binary EXIF
    // rationals are matched from the coordinate itself (PhotoPeerValueScanner).
    private static IEnumerable<string> GpsForms(double coordinate)
    {
        var degrees = (int)coordinate;
        var minutes = (int)((coordinate - degrees) * 60);
        yield return (Math.Truncate(coordinate * 1e4) / 1e4).ToString("0.0000", CultureInfo.InvariantCulture);
        yield return string.Create(CultureInfo.InvariantCulture, $"{degrees},{minutes}.");
        yield return string.Create(CultureInfo.InvariantCulture, $"{degrees},{minutes},");
    }
}

internal sealed record PhotoPeerFile(string RelativePath, string FileType, long Bytes, IReadOnlyList<PhotoPeerValue> Values)
{
    public bool IsJpeg => FileType == "JPEG";
}

/// <summary>
/// One recorded value: the text forms it may take in a file, the 32-bit integers that encode it and, for GPS, the
/// coordinates (absolute degrees).
/// </summary>
internal sealed record PhotoPeerValue(string Field, IReadOnlyList<string> Forms, IReadOnlyList<uint> Numbers, IReadOnlyList<double> Coordinates);
