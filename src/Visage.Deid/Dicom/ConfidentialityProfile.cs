using System.Globalization;

namespace Visage.Deid.Dicom;

/// <summary>What to do with one attribute, after the profile's compound actions and options are resolved.</summary>
internal enum ProfileAction
{
    /// <summary>K: keep (sequences are still walked).</summary>
    Keep,

    /// <summary>X: remove.</summary>
    Remove,

    /// <summary>Z: zero-length value (an empty sequence for SQ).</summary>
    Empty,

    /// <summary>D: a dummy value of the same VR (sequences are kept and walked).</summary>
    Dummy,

    /// <summary>C: keep only what the PHI detector does not flag (sequences are kept and walked).</summary>
    Clean,

    /// <summary>U: a new UID derived from the original under the batch key (sequences are kept and walked).</summary>
    NewUid,

    /// <summary>The Retain Longitudinal Temporal Information with Modified Dates option's C: shift by the patient's offset.</summary>
    ShiftDate,
}

/// <summary>The option columns of Table E.1-1, in table order.</summary>
internal enum ProfileOption
{
    RetainSafePrivate,
    RetainUids,
    RetainDeviceIdentity,
    RetainInstitutionIdentity,
    RetainPatientCharacteristics,
    RetainLongitudinalFullDates,
    RetainLongitudinalModifiedDates,
    CleanDescriptors,
    CleanStructuredContent,
    CleanGraphics,
}

/// <summary>One row of Table E.1-1: the Basic Profile action code and the code each option column gives ("" = none).</summary>
internal sealed record ProfileRule(string Tag, string Name, string Basic, IReadOnlyList<string> OptionCodes)
{
    public string OptionCode(ProfileOption option) => OptionCodes[(int)option];
}

/// <summary>
/// PS3.15 Table E.1-1 (Application Level Confidentiality Profile) parsed from <see cref="ConfidentialityProfileTable"/>,
/// with lookups by tag, including the table's patterns: (50xx,xxxx) curves, (60xx,3000)/(60xx,4000) overlays and
/// every private (odd group) attribute.
/// </summary>
internal sealed class ConfidentialityProfile
{
    private const int OptionCount = 10;
    private readonly Dictionary<uint, ProfileRule> exact = [];
    private readonly ProfileRule curves;
    private readonly ProfileRule overlayData;
    private readonly ProfileRule overlayComments;
    private readonly ProfileRule privateAttributes;

    private ConfidentialityProfile(IEnumerable<ProfileRule> rules)
    {
        ProfileRule? curveRule = null, overlayDataRule = null, overlayCommentsRule = null, privateRule = null;
        foreach (var rule in rules)
        {
            switch (rule.Tag)
            {
                case "(50xx,xxxx)": curveRule = rule; break;
                case "(60xx,3000)": overlayDataRule = rule; break;
                case "(60xx,4000)": overlayCommentsRule = rule; break;
                case "(gggg,eeee)": privateRule = rule; break;
                default: exact.Add(ParseTag(rule.Tag), rule); break;
            }
        }

        curves = curveRule ?? throw new FormatException("The profile table lacks the curve pattern.");
        overlayData = overlayDataRule ?? throw new FormatException("The profile table lacks the overlay data pattern.");
        overlayComments = overlayCommentsRule ?? throw new FormatException("The profile table lacks the overlay comments pattern.");
        privateAttributes = privateRule ?? throw new FormatException("The profile table lacks the private attributes row.");
    }

    /// <summary>The standard's table, parsed once.</summary>
    public static ConfidentialityProfile Standard { get; } = Parse(ConfidentialityProfileTable.Tsv);

    public int Count => exact.Count + 4;

    public static ConfidentialityProfile Parse(string tsv)
    {
        ArgumentNullException.ThrowIfNull(tsv);
        var rules = new List<ProfileRule>();
        foreach (var raw in tsv.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != OptionCount + 3)
            {
                throw new FormatException($"A profile row has {fields.Length} fields, expected {OptionCount + 3}.");
            }

            var options = fields[2..(2 + OptionCount)].Select(f => f == "-" ? "" : f).ToArray();
            rules.Add(new ProfileRule(fields[0], fields[^1], fields[1], options));
        }

        return new ConfidentialityProfile(rules);
    }

    /// <summary>The row that governs this tag, or null when the table does not list it.</summary>
    public ProfileRule? Find(ushort group, ushort element)
    {
        if ((group & 1) == 1)
        {
            return privateAttributes;
        }

        if (exact.TryGetValue(((uint)group << 16) | element, out var rule))
        {
            return rule;
        }

        if ((group & 0xFF00) == 0x5000)
        {
            return curves;
        }

        if ((group & 0xFF00) == 0x6000)
        {
            return element switch
            {
                0x3000 => overlayData,
                0x4000 => overlayComments,
                _ => null,
            };
        }

        return null;
    }

    /// <summary>
    /// The concrete action for a row under the applied options. Compound Basic Profile actions exist because the
    /// right one depends on the attribute's type in the object's IOD, which we do not track; we take the one that keeps
    /// every IOD valid while removing the most: X/Z → Z, X/D, Z/D and X/Z/D → D, X/Z/U* → U (keep the sequence and
    /// replace the UIDs inside it). Options then override: a Clean option's C applies first and a Retain option's K
    /// (or the Modified Dates option's C, which means "shift") wins over it, as retaining is what the user asked for.
    /// </summary>
    public static ProfileAction Resolve(ProfileRule rule, IReadOnlySet<ProfileOption> options)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(options);
        var action = ResolveBasic(rule.Basic);
        foreach (var option in CleanOptionsFirst)
        {
            if (!options.Contains(option))
            {
                continue;
            }

            var code = rule.OptionCode(option);
            action = (option, code) switch
            {
                (_, "") => action,
                (ProfileOption.RetainLongitudinalModifiedDates, "C") => ProfileAction.ShiftDate,
                (_, "K") => ProfileAction.Keep,
                (_, "C") => ProfileAction.Clean,
                (_, "X") => ProfileAction.Remove,
                _ => throw new FormatException("Unknown option code in the profile table."),
            };
        }

        return action;
    }

    private static readonly ProfileOption[] CleanOptionsFirst =
    [
        ProfileOption.CleanDescriptors,
        ProfileOption.CleanStructuredContent,
        ProfileOption.CleanGraphics,
        ProfileOption.RetainSafePrivate,
        ProfileOption.RetainPatientCharacteristics,
        ProfileOption.RetainDeviceIdentity,
        ProfileOption.RetainInstitutionIdentity,
        ProfileOption.RetainLongitudinalModifiedDates,
        ProfileOption.RetainLongitudinalFullDates,
        ProfileOption.RetainUids,
    ];

    private static ProfileAction ResolveBasic(string code) => code switch
    {
        "X" => ProfileAction.Remove,
        "Z" => ProfileAction.Empty,
        "D" => ProfileAction.Dummy,
        "U" => ProfileAction.NewUid,
        "K" => ProfileAction.Keep,
        "C" => ProfileAction.Clean,
        "X/Z" => ProfileAction.Empty,
        "X/D" or "Z/D" or "X/Z/D" => ProfileAction.Dummy,
        "X/Z/U*" => ProfileAction.NewUid,
        _ => throw new FormatException("Unknown Basic Profile action in the profile table."),
    };

    private static uint ParseTag(string tag)
    {
        // "(gggg,eeee)"
        if (tag.Length != 11 || tag[0] != '(' || tag[5] != ',' || tag[10] != ')')
        {
            throw new FormatException("A profile tag is not of the form (gggg,eeee).");
        }

        var group = uint.Parse(tag.AsSpan(1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var element = uint.Parse(tag.AsSpan(6, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (group << 16) | element;
    }
}
