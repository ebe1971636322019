using Microsoft.Extensions.Options;
using Visage.Gallery;

namespace Visage.Storage;

/// <summary>
/// The process's one <see cref="ProtectedStore"/> and its one gallery: opened on first use (or at start by
/// <see cref="ProtectedStoreStartup"/>), shared by every caller, closed once when the host's services are disposed.
/// The gallery is loaded from the store at most once; enrolments and deletions made through <see cref="LoadGalleryAsync"/>'s
/// <see cref="GallerySync"/> and <see cref="DeleteSubjectAsync"/> keep it in step with the store.
/// </summary>
public sealed class ProtectedStoreLifetime(IOptions<StorageOptions> options) : IAsyncDisposable
{
    private readonly OpenOnce<OpenedStore> opened = new();
    private readonly SemaphoreSlim loading = new(1, 1);
    private bool galleryLoaded;

    /// <summary>The opened store; null until <see cref="OpenAsync"/> has succeeded, and after disposal.</summary>
    public ProtectedStore? Current => opened.Current?.Store;

    /// <summary>How many templates the gallery holds (0 before it is loaded).</summary>
    public int GalleryCount => opened.Current?.Faces.Count ?? 0;

    /// <summary>True once <see cref="LoadGalleryAsync"/> has loaded the store's templates.</summary>
    public bool GalleryLoaded => Volatile.Read(ref galleryLoaded);

    /// <summary>Opens (migrates, checks the keys) on the first call; later calls return the same store.</summary>
    public async Task<ProtectedStore> OpenAsync(CancellationToken cancellationToken = default) =>
        (await OpenedAsync(cancellationToken)).Store;

    /// <summary>
    /// The store's templates decrypted into the gallery, loaded on the first call (progress: templates loaded so far);
    /// enrol and delete through the returned <see cref="GallerySync"/> so the gallery stays in step.
    /// </summary>
    public async Task<GallerySync> LoadGalleryAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var store = await OpenedAsync(cancellationToken);
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (!galleryLoaded)
            {
                await store.Sync.LoadAsync(progress, cancellationToken);
                Volatile.Write(ref galleryLoaded, true);
            }

            return store.Sync;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>
    /// Crypto-shreds the subject and drops it from the gallery at once (when the gallery is not loaded, there is
    /// nothing to drop: a later load reads the store, which no longer holds it).
    /// </summary>
    public async Task<DeletionCertificateRecord?> DeleteSubjectAsync(Guid subjectId, string actor, DeletionReason reason, CancellationToken cancellationToken = default) =>
        await (await OpenedAsync(cancellationToken)).Sync.DeleteSubjectAsync(subjectId, actor, reason, cancellationToken);

    public ValueTask DisposeAsync() => opened.DisposeAsync();

    private Task<OpenedStore> OpenedAsync(CancellationToken cancellationToken) =>
        opened.GetAsync(
            async token =>
            {
                var store = await ProtectedStore.OpenAsync(options.Value, token);
                var faces = new FaceGallery();
                return new OpenedStore(store, faces, new GallerySync(store.Vault, faces));
            },
            cancellationToken);

    private sealed record OpenedStore(ProtectedStore Store, FaceGallery Faces, GallerySync Sync) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Faces.Dispose();
            await Store.DisposeAsync();
        }
    }
}
