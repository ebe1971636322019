using Visage.Gallery;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>A subject's data key, wrapped by the key provider. The key id names the key in a deletion certificate.</summary>
public sealed record SubjectKeyRecord(Guid SubjectId, Guid KeyId, WrappedKey WrappedKey, DateTimeOffset Created);

/// <summary>One encrypted, transformed face template. Purposes is the bit set the subject consented to.</summary>
public sealed record TemplateRecord(Guid Id, Guid SubjectId, Purposes Purposes, int TransformVersion, string ModelVersion, DateTimeOffset Created, byte[] Ciphertext);

/// <summary>An encrypted probe or evidence image kept for review.</summary>
public sealed record EvidenceRecord(Guid Id, Guid SubjectId, string Kind, DateTimeOffset Created, byte[] Ciphertext);

/// <summary>A cancelable-transform key, wrapped by the key provider.</summary>
public sealed record TransformKeyRecord(int Version, WrappedKey WrappedKey, DateTimeOffset Created);

/// <summary>A signed deletion certificate as stored: the canonical JSON body and its signature over the body's UTF-8 bytes.</summary>
public sealed record DeletionCertificateRecord(Guid Id, Guid SubjectId, DateTimeOffset Issued, string Body, byte[] Signature);

/// <summary>What a subject deletion removed.</summary>
public sealed record DeletedRows(int Templates, int Evidence);

/// <summary>How many of a subject's stored templates one embedding model made.</summary>
public sealed record TemplateModelCount(Guid SubjectId, string ModelVersion, long Templates);
