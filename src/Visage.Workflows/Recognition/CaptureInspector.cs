using Microsoft.Extensions.Options;
using Visage.Face;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Models;

namespace Visage.Workflows.Recognition;

/// <summary>
/// The one way a workflow turns a capture into an embedding: the active challenge (when answered or required), decode,
/// exactly one face, the quality gate (enrolment), passive liveness (when on) and the embedding. Every refusal is a
/// <see cref="WorkflowRefusedException"/> with its reason code; the calling workflow audits it. Nothing is embedded by a
/// model the registry has not approved (<see cref="ModelApproval"/>).
/// </summary>
public sealed class CaptureInspector(FaceEngine engine, ActiveLivenessChecker liveness, ModelApproval approval, IOptions<RecognitionOptions> options)
{
    /// <summary>A second face at least this fraction of the largest one's width is a second person, not someone far behind.</summary>
    internal const float SecondPersonWidthRatio = 0.5f;

    /// <summary>For measurements of the capture path alone (benchmarks): <see cref="Inspect"/> only, no approval check.</summary>
    internal CaptureInspector(FaceEngine engine, ActiveLivenessChecker liveness, IOptions<RecognitionOptions> options)
        : this(engine, liveness, null!, options)
    {
    }

    /// <summary>The embedding model new templates and probes are made with, as audit records name it.</summary>
    public string ModelVersion => engine.EmbedderModel.ToString();

    internal static bool HasSecondPerson(IReadOnlyList<DetectedFace> faces) =>
        faces.Skip(1).Any(other => other.Box.Width >= faces[0].Box.Width * SecondPersonWidthRatio);

    /// <param name="qualityGate">Refuse a face that misses the quality thresholds (enrolment); recognition takes it as it is.</param>
    public async Task<InspectedCapture> InspectAsync(FaceCapture capture, bool qualityGate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(capture);
        await approval.RequireApprovedAsync(ModelVersion, cancellationToken);
        return Inspect(capture, qualityGate);
    }

    internal InspectedCapture Inspect(FaceCapture capture, bool qualityGate)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var active = CheckActiveLiveness(capture);
        DecodedImage image;
        try
        {
            image = engine.Decode(capture.Image);
        }
        catch (ImageDecodeException ex)
        {
            throw new WorkflowRefusedException(RefusalCodes.ImageRefused, RefusalKind.BadInput, $"The image was refused ({ex.Reason}).");
        }

        using (image)
        {
            var faces = engine.Detect(image);
            if (faces.Count == 0)
            {
                throw new WorkflowRefusedException(RefusalCodes.NoFace, RefusalKind.BadInput, "No face was found in the image.");
            }

            if (HasSecondPerson(faces))
            {
                throw new WorkflowRefusedException(RefusalCodes.SeveralFaces, RefusalKind.BadInput, "More than one person is in the image; only the person being recognised may be in view.");
            }

            using var aligned = FaceEngine.Align(image, faces[0]);
            var quality = engine.AssessQuality(faces[0], aligned);
            if (qualityGate && !quality.Passed)
            {
                var reasons = quality.Issues.Select(QualityCode).Distinct(StringComparer.Ordinal).ToList();
                throw new WorkflowRefusedException(
                    RefusalCodes.QualityPrefix + reasons[0],
                    RefusalKind.BadInput,
                    $"The face is not good enough to enrol: {string.Join(", ", reasons)}. Take another photo (face the camera, even light, closer).");
            }

            var passive = engine.PassiveLivenessEnabled ? engine.Liveness.Assess(image, faces[0]) : null;
            if (passive is { IsLive: false })
            {
                throw new WorkflowRefusedException(RefusalCodes.Spoof, RefusalKind.BadInput, "The capture looks like a photo or a screen, not a person in front of the camera.");
            }

            return new InspectedCapture(engine.Embed(aligned), quality, passive, active);
        }
    }

    private LivenessVerdict? CheckActiveLiveness(FaceCapture capture)
    {
        if (capture.LivenessNonce is null && capture.LivenessFrames is null)
        {
            if (options.Value.RequireActiveLiveness)
            {
                throw new WorkflowRefusedException(RefusalCodes.LivenessPrefix + "required", RefusalKind.BadInput, "A liveness challenge must be answered with this capture.");
            }

            return null;
        }

        if (capture.LivenessNonce is null || capture.LivenessFrames is not { Count: > 0 } frames)
        {
            throw new WorkflowRefusedException(RefusalCodes.LivenessPrefix + "incomplete", RefusalKind.BadInput, "A liveness response needs both the challenge's nonce and its frames.");
        }

        if (!frames.Any(f => f.AsSpan().SequenceEqual(capture.Image)))
        {
            throw new WorkflowRefusedException(RefusalCodes.LivenessPrefix + "probe-not-a-frame", RefusalKind.BadInput, "The image to recognise must be one of the liveness response's frames.");
        }

        var verdict = liveness.Verify(capture.LivenessNonce, frames);
        if (!verdict.Passed)
        {
            throw new WorkflowRefusedException(RefusalCodes.LivenessPrefix + verdict.Refusal, RefusalKind.BadInput, $"The liveness challenge was not passed ({verdict.Refusal}).");
        }

        return verdict;
    }

    private static string QualityCode(QualityIssue issue) => issue switch
    {
        QualityIssue.TooSmall => "too-small",
        QualityIssue.Blurred => "blurred",
        QualityIssue.TooDark or QualityIssue.TooBright or QualityIssue.Clipped => "exposure",
        _ => "pose",
    };
}
