namespace Visage.Gallery;

/// <summary>One enrolled template: a 512-d, L2-normalised, already protected (rotated) face embedding.</summary>
/// <remarks>A subject may have several templates; its score in a search is the best of them.</remarks>
public sealed record GalleryEntry(Guid TemplateId, Guid SubjectId, Purposes Purposes, ReadOnlyMemory<float> Vector);
