namespace Visage.Cli;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int BadInput = 2;
    public const int Configuration = 3;
    public const int ModelIntegrity = 4;
    public const int TargetMissed = 5;
    public const int Keys = 6;
    public const int ProtectedData = 7;
    public const int Storage = 8;
    public const int NotFound = 9;
    public const int AuditBroken = 10;
    public const int DeidIncomplete = 11;
    public const int Internal = 12;
    public const int CertificateInvalid = 13;
    public const int AuditUnavailable = 14;
    public const int NotPermitted = 15;
    public const int Cancelled = 130;
}
