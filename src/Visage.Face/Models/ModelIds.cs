namespace Visage.Face;

/// <summary>Identifiers of the models in <c>models/manifest.json</c>.</summary>
public static class ModelIds
{
    public const string FacepluginDetector = "faceplugin-detect";
    public const string BlazeFaceDetector = "blazeface-front128";
    public const string Landmarks = "faceplugin-landmark68";
    public const string Embedder = "faceplugin-feature512";
    public const string Liveness = "faceplugin-liveness";
}
