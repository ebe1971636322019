namespace Visage.Face;

/// <summary>A detector's raw output for one face, before landmarks.</summary>
internal readonly record struct FaceCandidate(FaceBox Box, float Score);
