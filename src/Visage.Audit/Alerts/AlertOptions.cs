namespace Visage.Audit;

/// <summary>Thresholds for <see cref="AccessAlerts"/> and <see cref="FaceVerificationLockout"/>.</summary>
public sealed class AlertOptions
{
    /// <summary>Alert when one actor touches more than this many distinct subjects within <see cref="MassAccessWindow"/>.</summary>
    public int MassAccessSubjects { get; set; } = 50;

    public TimeSpan MassAccessWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Local opening time; a record at or after it and before <see cref="ClinicCloses"/> is within hours.</summary>
    public TimeOnly ClinicOpens { get; set; } = new(7, 0);

    /// <summary>Local closing time; earlier than <see cref="ClinicOpens"/> means the clinic is open overnight.</summary>
    public TimeOnly ClinicCloses { get; set; } = new(19, 0);

    /// <summary>IANA time zone id of the clinic, e.g. "Europe/Berlin".</summary>
    public string ClinicTimeZone { get; set; } = "UTC";

    /// <summary>Consecutive failed face verifications against one subject that lock it.</summary>
    public int FailedVerificationLimit { get; set; } = 5;

    /// <summary>The first lock; each further failure doubles it, up to <see cref="LockoutMax"/>.</summary>
    public TimeSpan LockoutBase { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LockoutMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How far back <see cref="AccessAlerts.RestoreAsync"/> replays the chain at start-up: at least the mass-access
    /// window and the longest lock; failure streaks older than this are forgotten.
    /// </summary>
    public TimeSpan RestoreWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Throws on a setting that would make the alerts meaningless; returns the clinic's time zone.</summary>
    public TimeZoneInfo Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MassAccessSubjects, 1, nameof(MassAccessSubjects));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MassAccessWindow, TimeSpan.Zero, nameof(MassAccessWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailedVerificationLimit, 1, nameof(FailedVerificationLimit));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LockoutBase, TimeSpan.Zero, nameof(LockoutBase));
        ArgumentOutOfRangeException.ThrowIfLessThan(LockoutMax, LockoutBase, nameof(LockoutMax));
        ArgumentOutOfRangeException.ThrowIfLessThan(RestoreWindow, MassAccessWindow > LockoutMax ? MassAccessWindow : LockoutMax, nameof(RestoreWindow));
        if (ClinicOpens == ClinicCloses)
        {
            throw new ArgumentException("Clinic opening and closing times must differ.", nameof(ClinicCloses));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(ClinicTimeZone, nameof(ClinicTimeZone));
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ClinicTimeZone);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ArgumentException($"Unknown time zone '{ClinicTimeZone}'.", nameof(ClinicTimeZone), ex);
        }
        catch (InvalidTimeZoneException ex)
        {
            throw new ArgumentException($"Invalid time zone '{ClinicTimeZone}'.", nameof(ClinicTimeZone), ex);
        }
    }
}
