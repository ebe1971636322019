namespace Visage.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}
