namespace Visage.Storage;

/// <summary>
/// Which templates the in-memory gallery holds: only those made by the embedding model that makes the probes. Scores
/// between embeddings of two models mean nothing, so a template of a replaced model stays stored (until its subject is
/// re-enrolled or deleted) but is never searched or verified against. Without a scope (a host that recognises no one)
/// the gallery holds every template.
/// </summary>
/// <param name="modelVersion">Read once, on the first load or enrolment: the face engine is built only when recognition needs it.</param>
public sealed class GalleryModelScope(Func<string> modelVersion)
{
    private readonly Lazy<string> version = new(modelVersion, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedding model version (as templates record it) the gallery holds.</summary>
    public string ModelVersion => version.Value;

    internal static bool Holds(GalleryModelScope? scope, string templateModel) =>
        scope is null || string.Equals(scope.ModelVersion, templateModel, StringComparison.Ordinal);
}
