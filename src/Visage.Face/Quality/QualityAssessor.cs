using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// Size, sharpness, exposure and pose of a face. Pose is estimated from the five landmarks after the
/// alignment transform has removed roll and scale: yaw from the nose's sideways offset against half the
/// eye distance, pitch from where the nose sits between the eye line and the mouth line.
/// </summary>
internal static class QualityAssessor
{
    // Nose position between eye line (0) and mouth line (1) on the frontal reference face.
    private static readonly float ReferenceNoseRatio = NoseRatio(FaceAligner.Reference);

    public static QualityReport Assess(DetectedFace face, AlignedFace aligned, QualityThresholds limits)
    {
        var ied = face.Landmarks.InterEyeDistance;
        var (sharpness, brightness, clipped) = Photometry(aligned.Bgr);
        var inTemplate = face.Landmarks.Points.Select(aligned.Transform.Apply).ToArray();
        var eyeMid = new Point2((inTemplate[0].X + inTemplate[1].X) / 2, (inTemplate[0].Y + inTemplate[1].Y) / 2);
        var templateIed = Distance(inTemplate[0], inTemplate[1]);
        var yaw = Degrees(MathF.Asin(Math.Clamp((inTemplate[2].X - eyeMid.X) / (templateIed / 2), -1f, 1f)));
        var pitch = Degrees(MathF.Asin(Math.Clamp((NoseRatio(inTemplate) - ReferenceNoseRatio) * 2f, -1f, 1f)));
        var roll = Degrees(MathF.Atan2(face.Landmarks.LeftEye.Y - face.Landmarks.RightEye.Y, face.Landmarks.LeftEye.X - face.Landmarks.RightEye.X));

        var issues = new List<QualityIssue>();
        Flag(issues, ied < limits.MinInterEyeDistance, QualityIssue.TooSmall);
        Flag(issues, sharpness < limits.MinSharpness, QualityIssue.Blurred);
        Flag(issues, brightness < limits.MinMeanBrightness, QualityIssue.TooDark);
        Flag(issues, brightness > limits.MaxMeanBrightness, QualityIssue.TooBright);
        Flag(issues, clipped > limits.MaxClippedFraction, QualityIssue.Clipped);
        Flag(issues, Math.Abs(yaw) > limits.MaxYawDegrees, QualityIssue.YawTooLarge);
        Flag(issues, Math.Abs(pitch) > limits.MaxPitchDegrees, QualityIssue.PitchTooLarge);
        Flag(issues, Math.Abs(roll) > limits.MaxRollDegrees, QualityIssue.RollTooLarge);
        return new QualityReport(ied, sharpness, brightness, clipped, yaw, pitch, roll, issues);
    }

    /// <summary>Variance of the Laplacian, mean grey level and clipped-pixel fraction of the aligned face's centre.</summary>
    internal static (float Sharpness, float Brightness, float Clipped) Photometry(Mat alignedBgr)
    {
        // The central 80x80 holds the face itself; the corners may be warp border or background.
        using var full = new Mat();
        Cv2.CvtColor(alignedBgr, full, ColorConversionCodes.BGR2GRAY);
        using var grey = new Mat(full, new Rect(16, 16, 80, 80));
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(laplacian, out _, out var stddev);
        var brightness = (float)Cv2.Mean(grey).Val0;
        using var dark = new Mat();
        using var bright = new Mat();
        Cv2.InRange(grey, new Scalar(0), new Scalar(5), dark);
        Cv2.InRange(grey, new Scalar(250), new Scalar(255), bright);
        var clipped = (float)(Cv2.CountNonZero(dark) + Cv2.CountNonZero(bright)) / grey.Total();
        return ((float)(stddev.Val0 * stddev.Val0), brightness, clipped);
    }

    private static float NoseRatio(IReadOnlyList<Point2> p)
    {
        var eyeY = (p[0].Y + p[1].Y) / 2;
        var mouthY = (p[3].Y + p[4].Y) / 2;
        return (p[2].Y - eyeY) / Math.Max(1e-3f, mouthY - eyeY);
    }

    private static float Distance(Point2 a, Point2 b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static float Degrees(float radians) => radians * 180f / MathF.PI;

    private static void Flag(List<QualityIssue> issues, bool condition, QualityIssue issue)
    {
        if (condition)
        {
            issues.Add(issue);
        }
    }
}
