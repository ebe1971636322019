using Visage.Gallery;

namespace Visage.Storage;

/// <summary>A decrypted template: the embedding after the cancelable transform, never the raw embedding.</summary>
public sealed record ProtectedTemplate(Guid Id, Guid SubjectId, Purposes Purposes, int TransformVersion, string ModelVersion, float[] Vector);
