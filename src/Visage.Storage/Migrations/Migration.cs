namespace Visage.Storage.Migrations;

/// <summary>One schema step. Versions are applied in order, each in its own transaction, and never edited once released.</summary>
internal sealed record Migration(int Version, string Name, string Sqlite, string Postgres)
{
    public string SqlFor(StorageProvider provider) => provider == StorageProvider.Sqlite ? Sqlite : Postgres;
}
