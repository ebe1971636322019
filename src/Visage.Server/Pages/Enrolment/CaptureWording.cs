using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Enrolment;

/// <summary>The capture refusals' codes (<see cref="CaptureInspector"/>) as what the clerk can do about them.</summary>
internal static class CaptureWording
{
    private static readonly (string Code, string Text)[] Quality =
    [
        ("too-small", "The face is too small: move the camera closer."),
        ("blurred", "The photo is blurred: hold still and take it again."),
        ("exposure", "The light is too dark or too bright: use even light on the face."),
        ("pose", "The face is turned away: ask the patient to look straight at the camera."),
    ];

    public static IReadOnlyList<string> Reasons(WorkflowRefusedException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return refused.Code switch
        {
            RefusalCodes.NoFace => ["No face was found: the patient's face must be in the photo, facing the camera."],
            RefusalCodes.SeveralFaces => ["More than one person is in the photo: only the patient may be in view."],
            RefusalCodes.ImageRefused => ["The file is not a photo Visage can read: use a JPEG or PNG."],
            RefusalCodes.Spoof => ["The photo looks like a picture of a photo or a screen: the patient must be in front of the camera."],
            // The refusal's code names the first reason, its message every one (as codes): each is said in plain words.
            _ when refused.Code.StartsWith(RefusalCodes.QualityPrefix, StringComparison.Ordinal) =>
                Quality.Where(q => refused.Message.Contains(q.Code, StringComparison.Ordinal)).Select(q => q.Text).ToList(),
            _ => [],
        };
    }
}
