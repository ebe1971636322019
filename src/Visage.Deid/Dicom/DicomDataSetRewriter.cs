using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Deid.Text;

namespace Visage.Deid.Dicom;

/// <summary>
/// Builds the de-identified copy of a data set: every attribute gets its <see cref="DicomActionPolicy"/> action,
/// recursively in every sequence item (DICOMDIR directory records included). Replacement values are ASCII and
/// consistent across a batch: UIDs through <see cref="BatchKey.DeriveUid"/>, patient names and IDs through
/// <see cref="BatchKey.Pseudonym"/>, dates shifted by the patient's <see cref="BatchKey.DateOffsetDays"/>.
/// </summary>
internal sealed class DicomDataSetRewriter
{
    /// <summary>Sequences nested deeper than this are dropped: no real object needs it, and it bounds recursion.</summary>
    public const int MaximumDepth = 32;

    public const string DummyText = "REMOVED";
    public const string DummyPersonName = "ANONYMOUS";

    /// <summary>The reason reported for an attribute changed because it held a value given with <c>--known-value</c>.</summary>
    public const string GivenValueReason = "Contains an identifying value given for this batch";

    private readonly BatchKey key;
    private readonly DicomActionPolicy policy;
    private readonly DicomIdentifyingValues known;
    private readonly PhiDetector detector;
    private readonly PhiDetector? givenDetector;
    private readonly List<DeidAction> actions = [];

    public DicomDataSetRewriter(BatchKey key, DicomActionPolicy policy, DicomIdentifyingValues known)
    {
        this.key = key;
        this.policy = policy;
        this.known = known;
        detector = new PhiDetector(known.Texts);
        givenDetector = known.Given.Count > 0 ? new PhiDetector(known.Given) : null;
    }

    /// <summary>
    /// True when <paramref name="text"/> contains a value given for the batch. Numbers, times, dates and UIDs are not
    /// searched (they are replaced, shifted or identify no one, and short numbers match by chance); a person name is
    /// always replaced anyway.
    /// </summary>
    internal static bool ContainsGiven(PhiDetector? given, string text, gdcm.VR.VRType vr) =>
        given is not null
        && DicomElementValue.IsString(vr)
        && vr is not (gdcm.VR.VRType.UI or gdcm.VR.VRType.DS or gdcm.VR.VRType.IS or gdcm.VR.VRType.TM or gdcm.VR.VRType.DA or gdcm.VR.VRType.DT)
        && given.Find(text).Any(m => m.Kind == PhiKind.KnownIdentifier);

    public IReadOnlyList<DeidAction> Actions => actions;

    /// <summary>True when some date was shifted (so Longitudinal Temporal Information Modified is MODIFIED).</summary>
    public bool ShiftedDates { get; private set; }

    public gdcm.DataSet Rewrite(gdcm.DataSet source, CancellationToken ct) =>
        Rewrite(source, DicomCharacterSet.Default, PatientContext.From(source, null, key), "", 0, ct);

    /// <summary>The patient whose pseudonym and date offset apply: the nearest data set with a PatientID (or PatientName).</summary>
    private sealed record PatientContext(string Key, int OffsetDays)
    {
        public static PatientContext From(gdcm.DataSet dataSet, PatientContext? parent, BatchKey key)
        {
            var charset = DicomCharacterSet.FromTerms(DicomElementValue.FindText(dataSet, 0x0008, 0x0005, DicomCharacterSet.Default));
            var id = DicomElementValue.FindText(dataSet, 0x0010, 0x0020, charset);
            var name = DicomElementValue.FindText(dataSet, 0x0010, 0x0010, charset);
            var patient = !string.IsNullOrEmpty(id) ? id : name;
            if (string.IsNullOrEmpty(patient))
            {
                return parent ?? new PatientContext("", key.DateOffsetDays(""));
            }

            return new PatientContext(patient, key.DateOffsetDays(patient));
        }
    }

    private gdcm.DataSet Rewrite(gdcm.DataSet source, DicomCharacterSet charset, PatientContext patient, string path, int depth, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        charset = DicomCharacterSet.ForDataSet(source, charset);

        var result = new gdcm.DataSet();
        foreach (var (element, group, number) in DicomElementValue.Elements(source))
        {
            var target = path + DicomElementValue.Name(group, number);
            if (number == 0)
            {
                // Group lengths are retired and would be wrong after changes.
                continue;
            }

            if ((group & 1) == 1)
            {
                RewritePrivate(source, element, group, number, target, result);
                continue;
            }

            var vr = DicomElementValue.Vr(element);
            var (action, reason) = policy.For(group, number, vr);
            if (DicomElementValue.IsSequence(element, vr))
            {
                RewriteSequence(element, action, reason, charset, patient, target, depth, result, ct);
                continue;
            }

            RewriteValue(element, vr, action, reason, charset, patient, group, number, target, result);
        }

        return result;
    }

    private void RewritePrivate(gdcm.DataSet source, gdcm.DataElement element, ushort group, ushort number, string target, gdcm.DataSet result)
    {
        var options = policy.Options;
        bool keep;
        if (number is >= 0x0010 and <= 0x00FF)
        {
            // A private creator stays only while some kept attribute uses its block.
            var creator = DicomElementValue.Text(element, DicomCharacterSet.Default);
            keep = options.KeptPrivateTags.Any(k => k.Group == group && string.Equals(k.Creator.Trim(), creator, StringComparison.Ordinal));
        }
        else if (number >= 0x1000)
        {
            var creator = DicomElementValue.FindText(source, group, (ushort)(number >> 8), DicomCharacterSet.Default);
            keep = options.Keeps(group, creator, number);
        }
        else
        {
            keep = false;
        }

        if (keep && known.Given.Count > 0 && ContainsGivenBytes(DicomElementValue.Bytes(element)))
        {
            actions.Add(new DeidAction(target, DeidActionKind.Removed, "Private attribute kept by configuration, but " + GivenValueReason.ToLowerInvariant()));
        }
        else if (keep)
        {
            result.Insert(element);
            actions.Add(new DeidAction(target, DeidActionKind.Kept, "Private attribute kept by configuration"));
        }
        else
        {
            actions.Add(new DeidAction(target, DeidActionKind.Removed, "Basic Profile X (private attribute)"));
        }
    }

    private void RewriteSequence(gdcm.DataElement element, ProfileAction action, string reason, DicomCharacterSet charset, PatientContext patient, string target, int depth, gdcm.DataSet result, CancellationToken ct)
    {
        if (action == ProfileAction.Remove || depth >= MaximumDepth)
        {
            actions.Add(new DeidAction(target, DeidActionKind.Removed, action == ProfileAction.Remove ? reason : "Sequence nested too deeply"));
            return;
        }

        // GDCM values are reference counted: a sequence must come from New() (a smart pointer), never from a plain
        // constructor, or the finalizer and the data element would both free it.
        var rebuilt = gdcm.SequenceOfItems.New();
        rebuilt.SetLengthToUndefined();
        if (action == ProfileAction.Empty)
        {
            actions.Add(new DeidAction(target, DeidActionKind.Emptied, reason));
        }
        else
        {
            var sequence = element.GetValueAsSQ();
            if (sequence is null || sequence.GetPointer() is null)
            {
                actions.Add(new DeidAction(target, DeidActionKind.Removed, "Unreadable sequence"));
                return;
            }

            // In a DICOMDIR the patient's record precedes its studies' as a sibling item: carry the patient forward.
            var itemPatient = patient;
            var count = sequence.GetNumberOfItems();
            for (uint i = 1; i <= count; i++)
            {
                var nested = sequence.GetItem(i).GetNestedDataSet();
                itemPatient = PatientContext.From(nested, itemPatient, key);
                var itemPath = $"{target}[{i}].";
                var item = new gdcm.Item();
                item.SetNestedDataSet(Rewrite(nested, charset, itemPatient, itemPath, depth + 1, ct));
                item.SetVLToUndefined();
                rebuilt.AddItem(item);
            }

            // Items are views into the sequence, which this smart pointer may be the only owner of (UN, implicit VR).
            GC.KeepAlive(sequence);
        }

        var tag = element.GetTag();
        var output = new gdcm.DataElement(new gdcm.Tag(tag.GetGroup(), tag.GetElement()));
        output.SetVR(new gdcm.VR(gdcm.VR.VRType.SQ));
        output.SetValue(rebuilt.__ref__());
        output.SetVLToUndefined();
        result.Insert(output);
    }

    private void RewriteValue(gdcm.DataElement element, gdcm.VR.VRType vr, ProfileAction action, string reason, DicomCharacterSet charset, PatientContext patient, ushort group, ushort number, string target, gdcm.DataSet result)
    {
        var isString = DicomElementValue.IsString(vr);
        if (action == ProfileAction.Keep && isString)
        {
            // Safety nets for attributes the profile keeps: a reference to a UID being replaced is replaced the same
            // way, and free text holding one of this object's identifying values is emptied.
            var text = DicomElementValue.Text(element, charset);
            if (ContainsGiven(givenDetector, text, vr))
            {
                // Code-like values are often required (type 1): a pseudonym keeps the object valid; text is emptied.
                if (IsCodeLike(vr))
                {
                    var values = text.Split('\\').Select(v => ContainsGiven(givenDetector, v, vr) ? key.Pseudonym("dicom-value", v.Trim())[..16].ToUpperInvariant() : v);
                    var replaced = new gdcm.DataElement(new gdcm.Tag(group, number));
                    replaced.SetVR(new gdcm.VR(vr));
                    DicomElementValue.SetText(replaced, string.Join('\\', values), vr);
                    result.Insert(replaced);
                    actions.Add(new DeidAction(target, DeidActionKind.Replaced, GivenValueReason));
                    return;
                }

                action = ProfileAction.Empty;
                reason = GivenValueReason;
            }
            else if (vr == gdcm.VR.VRType.UI && text.Split('\\').Any(u => known.Uids.Contains(u.Trim(' ', '\0'))))
            {
                action = ProfileAction.NewUid;
                reason = "References a replaced UID";
            }
            else if (DicomElementValue.IsFreeText(vr) && detector.Find(text).Any(m => m.Kind == PhiKind.KnownIdentifier))
            {
                action = ProfileAction.Empty;
                reason = "Contains an identifying value of this object";
            }
            else if (IsCodeLike(vr) && text.Split('\\').Any(IsKnown))
            {
                // E.g. a DICOMDIR's Referenced File ID whose folder is named by the patient ID.
                var values = text.Split('\\').Select(v => IsKnown(v) ? key.Pseudonym("dicom-value", v.Trim())[..16].ToUpperInvariant() : v);
                var replaced = new gdcm.DataElement(new gdcm.Tag(group, number));
                replaced.SetVR(new gdcm.VR(vr));
                DicomElementValue.SetText(replaced, string.Join('\\', values), vr);
                result.Insert(replaced);
                actions.Add(new DeidAction(target, DeidActionKind.Replaced, "Equals an identifying value of this object"));
                return;
            }
        }

        switch (action)
        {
            case ProfileAction.Keep:
                result.Insert(element);
                if (!reason.StartsWith("Not listed", StringComparison.Ordinal))
                {
                    actions.Add(new DeidAction(target, DeidActionKind.Kept, reason));
                }

                return;
            case ProfileAction.Remove:
                actions.Add(new DeidAction(target, DeidActionKind.Removed, reason));
                return;
            case ProfileAction.Clean:
                Clean(element, vr, charset, target, result);
                return;
        }

        var output = new gdcm.DataElement(new gdcm.Tag(group, number));
        output.SetVR(new gdcm.VR(vr));
        if (action == ProfileAction.Empty && !IsPatientIdentity(group, number))
        {
            DicomElementValue.SetEmpty(output);
            result.Insert(output);
            actions.Add(new DeidAction(target, DeidActionKind.Emptied, reason));
            return;
        }

        if (!isString)
        {
            // D or U on a binary value: there is no meaningful dummy, so it is emptied.
            DicomElementValue.SetEmpty(output);
            result.Insert(output);
            actions.Add(new DeidAction(target, DeidActionKind.Emptied, reason));
            return;
        }

        var original = DicomElementValue.Text(element, charset);
        if (original.Length == 0)
        {
            result.Insert(element);
            return;
        }

        var (replacement, kind) = Replacement(original, vr, action, patient, group, number);
        DicomElementValue.SetText(output, replacement, vr);
        result.Insert(output);
        actions.Add(new DeidAction(target, kind, reason));
    }

    // A kept private value may be binary or of unknown VR, so the given values are looked for in its bytes.
    private bool ContainsGivenBytes(byte[] value)
    {
        var text = System.Text.Encoding.Latin1.GetString(value);
        var utf8 = System.Text.Encoding.UTF8.GetString(value);
        return givenDetector!.Find(text).Concat(givenDetector.Find(utf8)).Any(m => m.Kind == PhiKind.KnownIdentifier);
    }

    private bool IsKnown(string value)
    {
        var trimmed = value.Trim(' ', '\0');
        return trimmed.Length >= DicomIdentifyingValues.MinimumRawLength && known.Texts.Contains(trimmed);
    }

    // Short coded strings: values that are not free text, numbers, dates, times or UIDs.
    private static bool IsCodeLike(gdcm.VR.VRType vr) => vr is gdcm.VR.VRType.CS or gdcm.VR.VRType.AE or gdcm.VR.VRType.AS or gdcm.VR.VRType.UR;

    // PatientName and PatientID are Z in the table; PS3.15 allows a dummy for Z, and a per-patient pseudonym keeps one
    // patient's objects together across the batch.
    private static bool IsPatientIdentity(ushort group, ushort number) => group == 0x0010 && number is 0x0010 or 0x0020;

    private (string Value, DeidActionKind Kind) Replacement(string original, gdcm.VR.VRType vr, ProfileAction action, PatientContext patient, ushort group, ushort number)
    {
        if (group == 0x0010 && number == 0x0010)
        {
            return ("PSEUDO^" + key.Pseudonym("dicom-patient-name", patient.Key).ToUpperInvariant(), DeidActionKind.Replaced);
        }

        if (group == 0x0010 && number == 0x0020)
        {
            return (key.Pseudonym("dicom-patient-id", patient.Key), DeidActionKind.Replaced);
        }

        if (vr == gdcm.VR.VRType.UI)
        {
            var uids = original.Split('\\').Select(u => u.Trim(' ', '\0')).Select(u => u.Length == 0 ? u : key.DeriveUid(u));
            return (string.Join('\\', uids), DeidActionKind.Replaced);
        }

        if (vr is gdcm.VR.VRType.DA or gdcm.VR.VRType.DT)
        {
            if (policy.Options.RetainLongitudinalModifiedDates && action is ProfileAction.ShiftDate or ProfileAction.Dummy)
            {
                var shifted = DicomDateShift.Shift(original, vr == gdcm.VR.VRType.DT, patient.OffsetDays);
                if (shifted is not null)
                {
                    ShiftedDates = true;
                    return (shifted, DeidActionKind.DateShifted);
                }
            }

            return (vr == gdcm.VR.VRType.DA ? DicomDateShift.DummyDate : DicomDateShift.DummyDate + "000000", DeidActionKind.Replaced);
        }

        return (Dummy(vr), DeidActionKind.Replaced);
    }

    private static string Dummy(gdcm.VR.VRType vr) => vr switch
    {
        gdcm.VR.VRType.PN => DummyPersonName,
        gdcm.VR.VRType.TM => "000000",
        gdcm.VR.VRType.DS or gdcm.VR.VRType.IS => "0",
        gdcm.VR.VRType.AS => "000Y",
        _ => DummyText,
    };

    private void Clean(gdcm.DataElement element, gdcm.VR.VRType vr, DicomCharacterSet charset, string target, gdcm.DataSet result)
    {
        if (!DicomElementValue.IsString(vr))
        {
            // Nothing we can read for identifiers: when in doubt, empty.
            var emptied = new gdcm.DataElement(element.GetTag());
            emptied.SetVR(new gdcm.VR(vr));
            DicomElementValue.SetEmpty(emptied);
            result.Insert(emptied);
            actions.Add(new DeidAction(target, DeidActionKind.Emptied, "Clean: not text"));
            return;
        }

        var text = DicomElementValue.Text(element, charset);
        if (detector.Contains(text))
        {
            var emptied = new gdcm.DataElement(element.GetTag());
            emptied.SetVR(new gdcm.VR(vr));
            DicomElementValue.SetEmpty(emptied);
            result.Insert(emptied);
            actions.Add(new DeidAction(target, DeidActionKind.Emptied, ContainsGiven(givenDetector, text, vr) ? "Clean: " + GivenValueReason.ToLowerInvariant() : "Clean: identifying content found"));
            return;
        }

        result.Insert(element);
        actions.Add(new DeidAction(target, DeidActionKind.Kept, "Clean: nothing identifying found"));
    }
}
