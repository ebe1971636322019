namespace Visage.Face;

/// <summary>A point in image pixel coordinates.</summary>
public readonly record struct Point2(float X, float Y);

/// <summary>An axis-aligned box in image pixel coordinates.</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public Point2 Centre => new(X + (Width / 2), Y + (Height / 2));

    public static FaceBox FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);

    public float IntersectionOverUnion(FaceBox other)
    {
        var ix = Math.Max(0, Math.Min(Right, other.Right) - Math.Max(X, other.X));
        var iy = Math.Max(0, Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y));
        var inter = ix * iy;
        var union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>Clips the box to an image of the given size.</summary>
    public FaceBox ClipTo(int width, int height)
    {
        var x1 = Math.Clamp(X, 0, width);
        var y1 = Math.Clamp(Y, 0, height);
        var x2 = Math.Clamp(Right, 0, width);
        var y2 = Math.Clamp(Bottom, 0, height);
        return FromCorners(x1, y1, x2, y2);
    }
}

/// <summary>The five points alignment uses: eye centres, nose tip, mouth corners (subject's right first).</summary>
public sealed record FiveLandmarks(Point2 RightEye, Point2 LeftEye, Point2 Nose, Point2 MouthRight, Point2 MouthLeft)
{
    public IReadOnlyList<Point2> Points => [RightEye, LeftEye, Nose, MouthRight, MouthLeft];

    public float InterEyeDistance => MathF.Sqrt(MathF.Pow(LeftEye.X - RightEye.X, 2) + MathF.Pow(LeftEye.Y - RightEye.Y, 2));
}

/// <summary>A face found in an image, with the versions of the models that found it.</summary>
public sealed record DetectedFace(
    FaceBox Box,
    float Score,
    FiveLandmarks Landmarks,
    IReadOnlyList<Point2> Landmarks68,
    ModelVersion DetectorModel,
    ModelVersion LandmarkModel);
