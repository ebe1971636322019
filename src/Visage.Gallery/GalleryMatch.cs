namespace Visage.Gallery;

/// <summary>A subject found by a search, with its best-scoring template and that template's cosine.</summary>
public sealed record GalleryMatch(Guid SubjectId, Guid TemplateId, float Score);
