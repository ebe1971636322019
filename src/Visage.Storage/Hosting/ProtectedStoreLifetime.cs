using Microsoft.Extensions.Options;
using Visage.Gallery;

namespace Visage.Storage;

/// <summary>
/// The process's one <see cref="ProtectedStore"/> and its one gallery: opened on first use (or at start by
/// <see cref="ProtectedStoreStartup"/>), shared by every caller, closed once when the host's services are disposed.
/// The gallery is loaded from the store at most once; enrolments and deletions made through <see cref="Gallery"/>
/// keep it in step with the store.
/// </summary>
public sealed class ProtectedStoreLifetime(IOptions<StorageOptions> options) : IAsyncDisposable
{
    private readonly SemaphoreSlim opening = new(1, 1);
    private ProtectedStore? store;
    private GallerySync? gallery;
    private FaceGallery? faces;
    private bool galleryLoaded;
    private bool disposed;

    /// <summary>The opened store; null until <see cref="OpenAsync"/> has succeeded.</summary>
    public ProtectedStore? Current => Volatile.Read(ref store);

    /// <summary>How many templates the gallery holds (0 before it is loaded).</summary>
    public int GalleryCount => faces?.Count ?? 0;

    /// <summary>True once <see cref="LoadGalleryAsync"/> has loaded the store's templates.</summary>
    public bool GalleryLoaded => Volatile.Read(ref galleryLoaded);

    /// <summary>Opens (migrates, checks the keys) on the first call; later calls return the same store.</summary>
    public async Task<ProtectedStore> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (Current is { } open)
        {
            return open;
        }

        await opening.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (store is null)
            {
                var opened = await ProtectedStore.OpenAsync(options.Value, cancellationToken);
                faces = new FaceGallery();
                gallery = new GallerySync(opened.Vault, faces);
                Volatile.Write(ref store, opened);
            }

            return store;
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>
    /// The store's templates decrypted into the gallery, loaded on the first call (progress: templates loaded so far);
    /// enrol and delete through the returned <see cref="GallerySync"/> so the gallery stays in step.
    /// </summary>
    public async Task<GallerySync> LoadGalleryAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken);
        await opening.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!galleryLoaded)
            {
                await gallery!.LoadAsync(progress, cancellationToken);
                Volatile.Write(ref galleryLoaded, true);
            }

            return gallery!;
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>
    /// Crypto-shreds the subject and drops it from the gallery at once (when the gallery is not loaded, there is
    /// nothing to drop: a later load reads the store, which no longer holds it).
    /// </summary>
    public async Task<DeletionCertificateRecord?> DeleteSubjectAsync(Guid subjectId, string actor, DeletionReason reason, CancellationToken cancellationToken = default)
    {
        await OpenAsync(cancellationToken);
        return await gallery!.DeleteSubjectAsync(subjectId, actor, reason, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await opening.WaitAsync();
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            faces?.Dispose();
            if (store is not null)
            {
                await store.DisposeAsync();
                store = null;
            }
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>The gallery and its sync, for callers that already loaded it.</summary>
    internal GallerySync? Gallery => gallery;
}
