namespace Visage.Audit;

/// <summary>How bad an outcome string is, for the FHIR outcome code and the syslog severity.</summary>
internal enum AuditOutcomeClass
{
    /// <summary>"success", "started" (an operation recorded before it runs) or "raised" (an alert that was recorded: the event itself succeeded).</summary>
    Success,

    /// <summary>Any other outcome ("failure", "denied", …): the action did not happen.</summary>
    MinorFailure,

    /// <summary>"error" or "serious-failure": the system failed while doing it.</summary>
    SeriousFailure,
}

internal static class AuditOutcomes
{
    public static AuditOutcomeClass Classify(string outcome) => outcome switch
    {
        "success" or "started" or "raised" => AuditOutcomeClass.Success,
        "error" or "serious-failure" => AuditOutcomeClass.SeriousFailure,
        _ => AuditOutcomeClass.MinorFailure,
    };
}
