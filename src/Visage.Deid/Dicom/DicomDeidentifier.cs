using Visage.Deid.Batch;
using Visage.Deid.Reports;

namespace Visage.Deid.Dicom;

/// <summary>
/// De-identifies one DICOM file with GDCM under PS3.15 Annex E (Basic Profile plus <see cref="DicomDeidOptions"/>),
/// optionally cleans its pixels through a <see cref="DicomPixelStage"/>, writes the result to the output path and
/// rescans it with <see cref="DicomVerifier"/>. Never modifies the input; on failure leaves nothing at the output path.
/// </summary>
internal sealed class DicomDeidentifier : IFileDeidentifier
{
    private static readonly gdcm.Tag PixelDataTag = new(0x7FE0, 0x0010);
    private readonly BatchKey key;
    private readonly DicomDeidOptions options;
    private readonly DicomPixelStage? pixels;
    private readonly DicomActionPolicy policy;
    private readonly DicomVerifier verifier;

    public DicomDeidentifier(BatchKey key, DicomDeidOptions options, DicomPixelStage? pixels = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        this.key = key;
        this.options = options;
        this.pixels = pixels;
        policy = new DicomActionPolicy(ConfidentialityProfile.Standard, options);
        verifier = new DicomVerifier(options);
        DicomElementValue.Initialize();
    }

    public string OutputExtension(string inputPath) => ".dcm";

    public DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(outputPath);
        try
        {
            var report = Run(inputPath, relativePath, outputPath, cancellationToken);
            if (report.Status == DeidStatus.Failed)
            {
                DeleteQuietly(outputPath);
            }

            return report;
        }
        catch (OperationCanceledException)
        {
            DeleteQuietly(outputPath);
            throw;
        }
#pragma warning disable CA1031 // One bad file must never stop a batch; the report says what kind of problem it was.
        catch (Exception)
#pragma warning restore CA1031
        {
            DeleteQuietly(outputPath);
            return DeidFileReport.Failed(relativePath, "Unexpected error while de-identifying the DICOM file");
        }
    }

    private DeidFileReport Run(string inputPath, string relativePath, string outputPath, CancellationToken ct)
    {
        var input = new FileInfo(inputPath);
        if (!input.Exists)
        {
            return DeidFileReport.Failed(relativePath, "Input file not found");
        }

        if (input.Length == 0)
        {
            return DeidFileReport.Failed(relativePath, "Empty file");
        }

        if (!DicomStructureCheck.IsWellFormed(File.ReadAllBytes(inputPath)))
        {
            return DeidFileReport.Failed(relativePath, "Not DICOM, or a malformed or truncated DICOM file");
        }

        var wantPixels = options.CleanPixelData || options.CleanRecognizableVisualFeatures || options.KnownIdentifyingValues.Count > 0;
        gdcm.Image? image = null;
        var reader = new gdcm.Reader();
        reader.SetFileName(inputPath);
        if (!reader.Read())
        {
            return DeidFileReport.Failed(relativePath, "Not a readable DICOM file");
        }

        var file = reader.GetFile();
        gdcm.ImageReader? imageReader = null;
        if (pixels is not null && wantPixels && SafeForImageReader(file.GetDataSet()))
        {
            imageReader = new gdcm.ImageReader();
            imageReader.SetFileName(inputPath);
            if (imageReader.Read())
            {
                image = imageReader.GetImage();
                file = imageReader.GetFile();
            }
        }

        var source = file.GetDataSet();
        if (source.IsEmpty())
        {
            return DeidFileReport.Failed(relativePath, "DICOM file without a data set");
        }

        ct.ThrowIfCancellationRequested();
        var known = DicomIdentifyingValues.Collect(source, policy);
        var rewriter = new DicomDataSetRewriter(key, policy, known);
        var rewritten = rewriter.Rewrite(source, ct);
        var actions = rewriter.Actions.ToList();
        var needsReview = new List<string>();
        var redactions = new List<PixelRedaction>();

        if (source.FindDataElement(new gdcm.Tag(0x0004, 0x1220)))
        {
            needsReview.Add("DICOMDIR: directory record offsets and referenced file IDs are not updated to the de-identified files");
        }

        var hasPixels = source.FindDataElement(PixelDataTag);
        if (hasPixels && !options.CleanPixelData
            && string.Equals(DicomElementValue.FindText(source, 0x0028, 0x0301, DicomCharacterSet.Default)?.Trim(), "YES", StringComparison.OrdinalIgnoreCase))
        {
            needsReview.Add("Burned In Annotation is YES but burned-in text was not cleaned (Clean Pixel Data off): check the pixels by eye");
        }

        var pixelsCleaned = false;
        var pixelsChanged = false;
        if (hasPixels && wantPixels)
        {
            if (pixels is null)
            {
                needsReview.Add("Pixel data not checked for burned-in text or faces: no pixel cleaner configured");
            }
            else if (image is null)
            {
                needsReview.Add("Pixel data could not be decoded, so it was not cleaned");
            }
            else
            {
                var result = pixels(image, ObjectInfo(source, known), ct);
                redactions.AddRange(result.Redactions);
                needsReview.AddRange(result.NeedsReview);
                pixelsChanged = result.Changed;
                pixelsCleaned = result.NeedsReview.Count == 0;
            }
        }

        ct.ThrowIfCancellationRequested();
        // Burned In Annotation becomes NO only when burned-in text was cleaned, not when only faces or given values were.
        DicomDeidentificationMarks.Apply(
            rewritten,
            DicomDeidentificationMarks.Applied(options, pixelsCleaned),
            rewriter.ShiftedDates,
            pixelsCleaned && options.CleanPixelData);
        file.SetDataSet(rewritten);
        RewriteHeader(file.GetHeader(), actions);

        if (!Write(file, pixelsChanged ? image : null, outputPath))
        {
            return DeidFileReport.Failed(relativePath, "Could not write the de-identified DICOM file");
        }

        // The file, data set and image are views into the readers' C++ objects: keep the readers alive until here.
        GC.KeepAlive(reader);
        GC.KeepAlive(imageReader);

        var verification = verifier.Verify(known, outputPath, ct);
        needsReview.AddRange(verification.NeedsReview);
        return new DeidFileReport(relativePath, outputPath, DeidStatus.Deidentified, null, actions, redactions, verification.Findings, needsReview);
    }

    /// <summary>
    /// Debian's GDCM keeps its assertions, and its image reader aborts the whole process on some objects the plain
    /// reader handles: no pixel data at all, or a Frame Increment Pointer without Number of Frames (RT Dose files in
    /// the test data). Those are de-identified from the plain read; their pixels, if any, are flagged for review.
    /// </summary>
    private static bool SafeForImageReader(gdcm.DataSet dataSet) =>
        dataSet.FindDataElement(PixelDataTag)
        && !(dataSet.FindDataElement(new gdcm.Tag(0x0028, 0x0009)) && !dataSet.FindDataElement(new gdcm.Tag(0x0028, 0x0008)));

    private static DicomObjectInfo ObjectInfo(gdcm.DataSet source, DicomIdentifyingValues known)
    {
        var charset = DicomCharacterSet.FromTerms(DicomElementValue.FindText(source, 0x0008, 0x0005, DicomCharacterSet.Default));
        return new DicomObjectInfo(
            DicomElementValue.FindText(source, 0x0008, 0x0060, charset) ?? "",
            DicomElementValue.FindText(source, 0x0008, 0x0070, charset),
            DicomElementValue.FindText(source, 0x0008, 0x1090, charset),
            DicomElementValue.FindText(source, 0x0008, 0x0016, charset),
            [.. known.Texts]);
    }

    private void RewriteHeader(gdcm.FileMetaInformation header, List<DeidAction> actions)
    {
        var mediaInstance = DicomElementValue.Find(header, 0x0002, 0x0003);
        if (mediaInstance is not null)
        {
            var original = DicomElementValue.Text(mediaInstance, DicomCharacterSet.Default);
            if (original.Length > 0)
            {
                var replaced = new gdcm.DataElement(new gdcm.Tag(0x0002, 0x0003));
                replaced.SetVR(new gdcm.VR(gdcm.VR.VRType.UI));
                DicomElementValue.SetText(replaced, key.DeriveUid(original), gdcm.VR.VRType.UI);
                header.Replace(replaced);
                actions.Add(new DeidAction(DicomElementValue.Name(0x0002, 0x0003), DeidActionKind.Replaced, "Basic Profile U"));
            }
        }

        // The sending station's AE title and private meta information name devices and sites.
        foreach (var (group, number) in new (ushort, ushort)[] { (0x0002, 0x0016), (0x0002, 0x0100), (0x0002, 0x0102) })
        {
            if (options.RetainDeviceIdentity && number == 0x0016)
            {
                continue;
            }

            if (header.Remove(new gdcm.Tag(group, number)) > 0)
            {
                actions.Add(new DeidAction(DicomElementValue.Name(group, number), DeidActionKind.Removed, "File meta information naming a device or site"));
            }
        }
    }

    private static bool Write(gdcm.File file, gdcm.Image? image, string outputPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        if (image is not null)
        {
            // The pixel stage rewrote the pixels; overlays, curves and the icon were removed with the attributes and
            // must not come back from the decoded image.
            image.SetNumberOfOverlays(0);
            image.SetNumberOfCurves(0);
            image.GetIconImage().Clear();
            var imageWriter = new gdcm.ImageWriter();
            imageWriter.SetFileName(outputPath);
            imageWriter.SetFile(file);
            imageWriter.SetImage(image);
            return imageWriter.Write();
        }

        var writer = new gdcm.Writer();
        writer.SetFileName(outputPath);
        writer.SetFile(file);
        if (writer.Write())
        {
            return true;
        }

        // GDCM refuses to build file meta information for objects without SOP Class/Instance UIDs (e.g. a bare
        // DICOMDIR or a file without meta); those are written with the meta information they came with.
        DeleteQuietly(outputPath);
        FixGroupLength(file.GetHeader());
        var asIs = new gdcm.Writer();
        asIs.SetFileName(outputPath);
        asIs.SetFile(file);
        asIs.CheckFileMetaInformationOff();
        return asIs.Write();
    }

    // Without GDCM's meta check nothing recomputes (0002,0000), and the new Media Storage SOP Instance UID changed
    // the group's length.
    private static void FixGroupLength(gdcm.FileMetaInformation header)
    {
        var tag = new gdcm.Tag(0x0002, 0x0000);
        if (!header.FindDataElement(tag))
        {
            return;
        }

        uint length = 0;
        var cursor = new gdcm.CSharpDataSet(header);
        for (; !cursor.IsAtEnd(); cursor.Next())
        {
            var element = cursor.GetCurrent();
            if (element.GetTag().GetElement() == 0)
            {
                continue;
            }

            gdcm.VR.VRType vr = element.GetVR();
            var longForm = vr is gdcm.VR.VRType.OB or gdcm.VR.VRType.OW or gdcm.VR.VRType.UN or gdcm.VR.VRType.SQ or gdcm.VR.VRType.UT;
            uint valueLength = element.GetVL();
            length += (longForm ? 12u : 8u) + valueLength + (valueLength % 2);
        }

        var groupLength = new gdcm.DataElement(tag);
        groupLength.SetVR(new gdcm.VR(gdcm.VR.VRType.UL));
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
        groupLength.SetByteValue(bytes, new gdcm.VL(4));
        header.Replace(groupLength);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
