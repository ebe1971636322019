namespace Visage.Deid.Dicom;

/// <summary>
/// Decides what happens to one attribute: the profile table's resolved action under the options, plus two rules for
/// attributes the table does not list — a person name (PN) is always replaced, and when dates are being shifted every
/// DA/DT is shifted (leaving some dates unshifted would let the offset be recovered). Private attributes are removed
/// unless <see cref="DicomDeidOptions.KeptPrivateTags"/> names them (decided by the caller, which knows the creator).
/// </summary>
internal sealed class DicomActionPolicy(ConfidentialityProfile profile, DicomDeidOptions options)
{
    private readonly IReadOnlySet<ProfileOption> applied = options.ProfileOptions;

    public DicomDeidOptions Options => options;

    public (ProfileAction Action, string Reason) For(ushort group, ushort element, gdcm.VR.VRType vr)
    {
        var rule = profile.Find(group, element);
        if (rule is null)
        {
            if (vr == gdcm.VR.VRType.PN)
            {
                return (ProfileAction.Dummy, "Person name not listed in the profile");
            }

            if (options.RetainLongitudinalModifiedDates && vr is gdcm.VR.VRType.DA or gdcm.VR.VRType.DT)
            {
                return (ProfileAction.ShiftDate, "Retain Longitudinal Modified Dates (every date)");
            }

            return (ProfileAction.Keep, "Not listed in the profile");
        }

        var action = ConfidentialityProfile.Resolve(rule, applied);
        if (action == ProfileAction.ShiftDate && vr is not (gdcm.VR.VRType.DA or gdcm.VR.VRType.DT))
        {
            // Whole-day shifts leave times of day (TM) and time zone offsets as they are.
            return (ProfileAction.Keep, "Retain Longitudinal Modified Dates (not a date)");
        }

        var basic = ConfidentialityProfile.Resolve(rule, new HashSet<ProfileOption>());
        return action == basic
            ? (action, "Basic Profile " + rule.Basic)
            : (action, OptionReason(rule));
    }

    private string OptionReason(ProfileRule rule)
    {
        var names = Enum.GetValues<ProfileOption>()
            .Where(o => applied.Contains(o) && rule.OptionCode(o).Length > 0)
            .Select(o => o + " " + rule.OptionCode(o));
        return "Option " + string.Join(", ", names);
    }
}
