namespace Visage.Server.Pages;

/// <summary>The pages' paths: fixed, lower case, and never carrying anything about a person.</summary>
internal static class PageRoutes
{
    public const string Home = "/";
    public const string SignIn = "/signin";
    public const string SignOut = "/signout";
    public const string Setup = "/setup";
    public const string Denied = "/denied";
    public const string Kiosk = "/kiosk";
    public const string KioskPairing = "/kiosk/pair";
    public const string PatientRegistration = "/patients/new";
    public const string Consent = "/consent";
    public const string Enrolment = "/enrol";
    public const string Review = "/review";
    public const string ReviewItem = "/review/item";
    public const string ReviewDecide = "/review/decide";
    public const string ReviewReport = "/review/report";
    public const string ReviewAppeal = "/review/appeal";
    public const string Emergency = "/emergency";
    public const string Assets = "/assets";
    public const string Audit = "/audit";
    public const string Purposes = "/purposes";
    public const string AccessReview = "/access-review";
    public const string ApiKeys = "/api-keys";
    public const string Drift = "/drift";

    /// <summary>The sign-in page, saying why the browser was sent there (a reason code, never free text).</summary>
    public static string SignInBecause(string reason) => SignIn + "?reason=" + Uri.EscapeDataString(reason);

    /// <summary>The refusal page, saying why (a reason code).</summary>
    public static string DeniedBecause(string reason) => Denied + "?reason=" + Uri.EscapeDataString(reason);
}
