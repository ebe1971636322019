namespace Visage.Deid.Dicom;

/// <summary>
/// Which PS3.15 Annex E options to apply on top of the Basic Application Level Confidentiality Profile. The defaults
/// are the Basic Profile with Retain Longitudinal Temporal Information with Modified Dates, Clean Descriptors, Clean
/// Pixel Data and Clean Recognizable Visual Features.
/// </summary>
internal sealed record DicomDeidOptions
{
    public bool RetainLongitudinalModifiedDates { get; init; } = true;

    public bool RetainPatientCharacteristics { get; init; }

    public bool CleanDescriptors { get; init; } = true;

    public bool CleanPixelData { get; init; } = true;

    public bool CleanRecognizableVisualFeatures { get; init; } = true;

    public bool RetainDeviceIdentity { get; init; }

    public bool RetainInstitutionIdentity { get; init; }

    /// <summary>
    /// Identifying values given for the whole batch (a patient's name, a record number: <c>--known-value</c>), PHI
    /// themselves: any attribute the profile would keep that contains one is emptied or replaced, burned-in text that
    /// reads as one is blacked out (also without Clean Pixel Data), and the rescan reports any left as a finding.
    /// </summary>
    public IReadOnlyList<string> KnownIdentifyingValues { get; init; } = [];

    /// <summary>Private attributes to keep; every other private attribute (and unused private creator) is removed.</summary>
    public IReadOnlyList<DicomPrivateTag> KeptPrivateTags { get; init; } = [];

    /// <summary>The table's option columns these options switch on.</summary>
    public IReadOnlySet<ProfileOption> ProfileOptions
    {
        get
        {
            var set = new HashSet<ProfileOption>();
            if (RetainLongitudinalModifiedDates)
            {
                set.Add(ProfileOption.RetainLongitudinalModifiedDates);
            }

            if (RetainPatientCharacteristics)
            {
                set.Add(ProfileOption.RetainPatientCharacteristics);
            }

            if (CleanDescriptors)
            {
                set.Add(ProfileOption.CleanDescriptors);
            }

            if (RetainDeviceIdentity)
            {
                set.Add(ProfileOption.RetainDeviceIdentity);
            }

            if (RetainInstitutionIdentity)
            {
                set.Add(ProfileOption.RetainInstitutionIdentity);
            }

            return set;
        }
    }

    public bool Keeps(ushort group, string? creator, ushort element) =>
        creator is not null && KeptPrivateTags.Any(k => k.Matches(group, creator, element));
}

/// <summary>A private attribute by group, private creator and the low byte of its element, e.g. (0029,"SIEMENS CSA HEADER",10).</summary>
internal sealed record DicomPrivateTag(ushort Group, string Creator, byte Element)
{
    public bool Matches(ushort group, string creator, ushort element) =>
        group == Group && (element & 0xFF) == Element && string.Equals(creator.Trim(), Creator.Trim(), StringComparison.Ordinal);
}
