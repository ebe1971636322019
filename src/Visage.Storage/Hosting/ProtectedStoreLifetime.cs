using Microsoft.Extensions.Options;
using Visage.Gallery;

namespace Visage.Storage;

/// <summary>
/// The process's one <see cref="ProtectedStore"/> and its one gallery: opened on first use (or at start by
/// <see cref="ProtectedStoreStartup"/>), shared by every caller, closed once when the host's services are disposed.
/// The gallery is loaded from the store at most once; enrolments and deletions made through <see cref="EnrolAsync"/> and
/// <see cref="DeleteSubjectAsync"/> keep it in step with the store. Where recognition registers a
/// <see cref="GalleryModelScope"/>, the gallery holds only that model's templates.
/// </summary>
public sealed class ProtectedStoreLifetime(IOptions<StorageOptions> options, GalleryModelScope? scope = null) : IAsyncDisposable
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
    /// search through the returned <see cref="GallerySync"/>. A load that fails or is cancelled leaves an empty gallery
    /// for the next attempt, never a partial one.
    /// </summary>
    public async Task<GallerySync> LoadGalleryAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var store = await OpenedAsync(cancellationToken);
        // Loaded once and for all: searches never wait behind an enrolment or deletion being written.
        if (Volatile.Read(ref galleryLoaded))
        {
            return store.Sync;
        }

        await loading.WaitAsync(cancellationToken);
        try
        {
            if (!galleryLoaded)
            {
                try
                {
                    await store.Sync.LoadAsync(progress, cancellationToken);
                }
                catch
                {
                    store.ResetGallery();
                    throw;
                }

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
    /// Stores a template and adds it to the gallery (after a load, never during one: a load's snapshot and an enrolment
    /// made while it ran would otherwise disagree).
    /// </summary>
    public async Task<ProtectedTemplate> EnrolAsync(Guid subjectId, ReadOnlyMemory<float> embedding, Purposes purposes, string modelVersion, CancellationToken cancellationToken = default) =>
        (await EnrolAsync(subjectId, [embedding], purposes, modelVersion, cancellationToken: cancellationToken))[0];

    /// <summary>Stores several templates of one subject in one transaction (all or none) and adds them to a loaded gallery.</summary>
    /// <param name="alongside">The caller's own rows (an enrolment's record), written in the same transaction.</param>
    public async Task<IReadOnlyList<ProtectedTemplate>> EnrolAsync(
        Guid subjectId,
        IReadOnlyList<ReadOnlyMemory<float>> embeddings,
        Purposes purposes,
        string modelVersion,
        Func<System.Data.Common.DbTransaction, CancellationToken, Task>? alongside = null,
        CancellationToken cancellationToken = default)
    {
        return await AfterAnyLoadAsync(
            (store, loaded) => loaded
                ? store.Sync.EnrolAsync(subjectId, embeddings, purposes, modelVersion, alongside, cancellationToken)
                : store.Store.Vault.EnrolAsync(subjectId, embeddings, purposes, modelVersion, alongside, cancellationToken),
            cancellationToken);
    }

    /// <summary>Sets the purposes the subject's templates serve (a consent widened), in the store and a loaded gallery.</summary>
    public Task<int> SetTemplatePurposesAsync(Guid subjectId, Purposes purposes, CancellationToken cancellationToken = default) =>
        AfterAnyLoadAsync(
            (store, loaded) => loaded
                ? store.Sync.SetPurposesAsync(subjectId, purposes, cancellationToken)
                : store.Store.Store.SetTemplatePurposesAsync(subjectId, purposes, cancellationToken),
            cancellationToken);

    /// <summary>
    /// Crypto-shreds the subject and drops it from the gallery at once; waits for a load in progress, so the load's
    /// snapshot cannot bring a deleted subject back. Without a loaded gallery only the store changes.
    /// </summary>
    public Task<DeletionCertificateRecord?> DeleteSubjectAsync(Guid subjectId, string actor, DeletionReason reason, CancellationToken cancellationToken = default) =>
        AfterAnyLoadAsync((store, _) => store.Sync.DeleteSubjectAsync(subjectId, actor, reason, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs a change of the store's templates (store write, then gallery update) one at a time and after any gallery load
    /// in progress: a load's snapshot and a change made while it ran would disagree, and an enrolment interleaved with a
    /// deletion could leave deleted templates in the gallery. Searches do not wait for changes.
    /// </summary>
    private async Task<T> AfterAnyLoadAsync<T>(Func<OpenedStore, bool, Task<T>> change, CancellationToken cancellationToken)
    {
        var store = await OpenedAsync(cancellationToken);
        await loading.WaitAsync(cancellationToken);
        try
        {
            return await change(store, galleryLoaded);
        }
        finally
        {
            loading.Release();
        }
    }

    public ValueTask DisposeAsync() => opened.DisposeAsync();

    private Task<OpenedStore> OpenedAsync(CancellationToken cancellationToken) =>
        opened.GetAsync(
            async token =>
            {
                return OpenedStore.Create(await ProtectedStore.OpenAsync(options.Value, token), scope);
            },
            cancellationToken);

    private sealed class OpenedStore(ProtectedStore store, GalleryModelScope? scope) : IAsyncDisposable
    {
        public ProtectedStore Store => store;

        public FaceGallery Faces { get; private set; } = new();

        public GallerySync Sync { get; private set; } = null!;

        public static OpenedStore Create(ProtectedStore store, GalleryModelScope? scope)
        {
            var opened = new OpenedStore(store, scope);
            opened.Sync = new GallerySync(store.Vault, opened.Faces, scope);
            return opened;
        }

        /// <summary>Drops whatever a failed load left behind.</summary>
        public void ResetGallery()
        {
            Faces.Dispose();
            Faces = new FaceGallery();
            Sync = new GallerySync(store.Vault, Faces, scope);
        }

        public async ValueTask DisposeAsync()
        {
            Faces.Dispose();
            await store.DisposeAsync();
        }
    }
}
