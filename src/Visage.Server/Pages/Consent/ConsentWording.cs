using System.Globalization;
using Visage.Gallery;
using Visage.Workflows.Retention;

namespace Visage.Server.Pages.Consent;

/// <summary>The consent page's and the patient's copy's plain words for the API's codes.</summary>
internal static class ConsentWording
{
    private static readonly Dictionary<string, string> PurposeText = new(StringComparer.Ordinal)
    {
        [Purposes.CheckIn.ToCode()] = "Check in at the kiosk by face instead of at the desk",
        [Purposes.EmergencyIdentification.ToCode()] = "Be identified by face in an emergency when you cannot tell us who you are",
        [Purposes.StepUp.ToCode()] = "Confirm it is you by face before staff open your record or treat you",
        [Purposes.Research.ToCode()] = "Research approved by the ethics committee",
        [Purposes.DuplicateDetection.ToCode()] = "Check you are not registered twice",
    };

    public static IReadOnlyList<(string Code, string Text)> Methods { get; } =
    [
        ("kiosk-signature", "Signed on the screen at the desk or kiosk"),
        ("witnessed-verbal", "Said aloud, witnessed by staff"),
        ("scanned-paper", "Signed on paper (scanned)"),
    ];

    public const string HowToWithdraw =
        "You can withdraw or limit your consent at any time, at the front desk, without giving a reason and without any effect on your care. "
        + "When you withdraw, your face data is deleted at once and you receive a deletion certificate. You can always check in at the desk instead.";

    public static string Purpose(string code) => PurposeText.TryGetValue(code, out var text) ? text : code;

    public static string Method(string code) => Methods.FirstOrDefault(m => m.Code == code).Text ?? code;

    public static string Retention(RetentionOptions retention)
    {
        ArgumentNullException.ThrowIfNull(retention);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Only a protected template made from your photo is kept, never the photo itself. It is kept while your consent is in force and deleted when you withdraw, when your consent ends, or after {retention.InactiveTemplateMonths} months without being used.");
    }
}
