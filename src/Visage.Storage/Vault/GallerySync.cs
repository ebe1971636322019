using System.Threading.Channels;
using Visage.Gallery;

namespace Visage.Storage;

/// <summary>
/// Keeps a node's in-memory gallery in step with the protected store: filled by decrypting the store at start,
/// then changed only through enrol and delete here, after the store has committed. With a <see cref="GalleryModelScope"/>
/// it holds only the templates of the scope's model.
/// </summary>
public sealed class GallerySync(TemplateVault vault, FaceGallery gallery, GalleryModelScope? scope = null)
{
    private const int ChunkSize = 2048;

    public FaceGallery Gallery => gallery;

    /// <summary>
    /// Decrypts every stored template into the gallery. One reader streams rows while the other cores unwrap
    /// subject keys, decrypt and quantise; returns the number of templates loaded.
    /// </summary>
    public async Task<long> LoadAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var chunks = Channel.CreateBounded<List<(SubjectKeyRecord Subject, TemplateRecord Template)>>(new BoundedChannelOptions(Environment.ProcessorCount * 2) { SingleWriter = true });
        long loaded = 0;
        var workers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(
            async () =>
            {
                await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
                {
                    gallery.AddRange(Decrypt(chunk));
                    // Not inside progress?.Report(...): a null progress would skip the count itself.
                    var total = Interlocked.Add(ref loaded, chunk.Count);
                    progress?.Report(total);
                }
            },
            cancellationToken)).ToList();

        try
        {
            var chunk = new List<(SubjectKeyRecord, TemplateRecord)>(ChunkSize);
            await foreach (var row in vault.Store.StreamTemplatesAsync(cancellationToken))
            {
                if (!GalleryModelScope.Holds(scope, row.Template.ModelVersion))
                {
                    continue;
                }

                chunk.Add(row);
                if (chunk.Count == ChunkSize)
                {
                    await chunks.Writer.WriteAsync(chunk, cancellationToken);
                    chunk = new List<(SubjectKeyRecord, TemplateRecord)>(ChunkSize);
                }
            }

            if (chunk.Count > 0)
            {
                await chunks.Writer.WriteAsync(chunk, cancellationToken);
            }
        }
        finally
        {
            chunks.Writer.Complete();
        }

        await Task.WhenAll(workers);
        return loaded;
    }

    /// <summary>Stores the template, then adds it to the gallery; returns what was stored.</summary>
    public async Task<ProtectedTemplate> EnrolAsync(Guid subjectId, ReadOnlyMemory<float> embedding, Purposes purposes, string modelVersion, CancellationToken cancellationToken = default) =>
        (await EnrolAsync(subjectId, [embedding], purposes, modelVersion, cancellationToken: cancellationToken))[0];

    /// <summary>Stores the templates in one transaction, then adds them all to the gallery.</summary>
    public async Task<IReadOnlyList<ProtectedTemplate>> EnrolAsync(
        Guid subjectId,
        IReadOnlyList<ReadOnlyMemory<float>> embeddings,
        Purposes purposes,
        string modelVersion,
        Func<System.Data.Common.DbTransaction, CancellationToken, Task>? alongside = null,
        CancellationToken cancellationToken = default)
    {
        var templates = await vault.EnrolAsync(subjectId, embeddings, purposes, modelVersion, alongside, cancellationToken);
        if (GalleryModelScope.Holds(scope, modelVersion))
        {
            gallery.AddRange(templates.Select(t => new GalleryEntry(t.Id, t.SubjectId, purposes, t.Vector)));
        }

        return templates;
    }

    /// <summary>Sets the purposes the subject's templates serve in the store, then reloads the subject's entries in the gallery.</summary>
    public async Task<int> SetPurposesAsync(Guid subjectId, Purposes purposes, CancellationToken cancellationToken = default)
    {
        var changed = await vault.Store.SetTemplatePurposesAsync(subjectId, purposes, cancellationToken);
        var templates = await vault.GetTemplatesAsync(subjectId, cancellationToken);
        gallery.RemoveSubject(subjectId);
        gallery.AddRange(templates.Where(t => GalleryModelScope.Holds(scope, t.ModelVersion)).Select(t => new GalleryEntry(t.Id, t.SubjectId, t.Purposes, t.Vector)));
        return changed;
    }

    /// <summary>Crypto-shreds the subject in the store, then drops it from the gallery.</summary>
    public async Task<DeletionCertificateRecord?> DeleteSubjectAsync(Guid subjectId, string actor, DeletionReason reason, CancellationToken cancellationToken = default)
    {
        var certificate = await vault.DeleteSubjectAsync(subjectId, actor, reason, cancellationToken);
        gallery.RemoveSubject(subjectId);
        return certificate;
    }

    /// <summary>Protects a probe embedding and scores it against one subject's templates for the purpose (null: none).</summary>
    public float? Verify(ReadOnlySpan<float> embedding, Guid subjectId, Purposes purpose) => gallery.Verify(vault.Protect(embedding), subjectId, purpose);

    /// <summary>Protects a probe embedding with the current transform and searches the gallery.</summary>
    public IReadOnlyList<GalleryMatch> Search(ReadOnlySpan<float> embedding, GalleryQuery query) => gallery.Search(vault.Protect(embedding), query);

    private List<GalleryEntry> Decrypt(List<(SubjectKeyRecord Subject, TemplateRecord Template)> chunk)
    {
        var entries = new List<GalleryEntry>(chunk.Count);
        using var keys = new SubjectKeyCursor(vault);
        foreach (var (subject, record) in chunk)
        {
            var template = vault.Open(keys.KeyFor(subject), record);
            entries.Add(new GalleryEntry(template.Id, template.SubjectId, template.Purposes, template.Vector));
        }

        return entries;
    }
}
