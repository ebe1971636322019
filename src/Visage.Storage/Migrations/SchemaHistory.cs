namespace Visage.Storage.Migrations;

/// <summary>Every schema version Visage has released, oldest first.</summary>
internal static class SchemaHistory
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(
            1,
            "protected template store",
            Sqlite: """
                CREATE TABLE subjects (
                    id BLOB PRIMARY KEY,
                    key_id BLOB NOT NULL,
                    kek_version INTEGER NOT NULL,
                    wrapped_key BLOB NOT NULL,
                    created_ms INTEGER NOT NULL);
                CREATE INDEX subjects_kek_version ON subjects (kek_version);
                CREATE TABLE templates (
                    id BLOB PRIMARY KEY,
                    subject_id BLOB NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
                    purposes INTEGER NOT NULL,
                    transform_version INTEGER NOT NULL,
                    model_version TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    ciphertext BLOB NOT NULL);
                CREATE INDEX templates_subject ON templates (subject_id);
                CREATE TABLE evidence (
                    id BLOB PRIMARY KEY,
                    subject_id BLOB NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    ciphertext BLOB NOT NULL);
                CREATE INDEX evidence_subject ON evidence (subject_id);
                CREATE TABLE transform_keys (
                    version INTEGER PRIMARY KEY,
                    kek_version INTEGER NOT NULL,
                    wrapped_key BLOB NOT NULL,
                    created_ms INTEGER NOT NULL);
                CREATE TABLE deletion_certificates (
                    id BLOB PRIMARY KEY,
                    subject_id BLOB NOT NULL,
                    issued_ms INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    signature BLOB NOT NULL);
                CREATE INDEX deletion_certificates_subject ON deletion_certificates (subject_id);
                """,
            Postgres: """
                CREATE TABLE subjects (
                    id uuid PRIMARY KEY,
                    key_id uuid NOT NULL,
                    kek_version integer NOT NULL,
                    wrapped_key bytea NOT NULL,
                    created_ms bigint NOT NULL);
                CREATE INDEX subjects_kek_version ON subjects (kek_version);
                CREATE TABLE templates (
                    id uuid PRIMARY KEY,
                    subject_id uuid NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
                    purposes integer NOT NULL,
                    transform_version integer NOT NULL,
                    model_version text NOT NULL,
                    created_ms bigint NOT NULL,
                    ciphertext bytea NOT NULL);
                CREATE INDEX templates_subject ON templates (subject_id);
                CREATE TABLE evidence (
                    id uuid PRIMARY KEY,
                    subject_id uuid NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
                    kind text NOT NULL,
                    created_ms bigint NOT NULL,
                    ciphertext bytea NOT NULL);
                CREATE INDEX evidence_subject ON evidence (subject_id);
                CREATE TABLE transform_keys (
                    version integer PRIMARY KEY,
                    kek_version integer NOT NULL,
                    wrapped_key bytea NOT NULL,
                    created_ms bigint NOT NULL);
                CREATE TABLE deletion_certificates (
                    id uuid PRIMARY KEY,
                    subject_id uuid NOT NULL,
                    issued_ms bigint NOT NULL,
                    body text NOT NULL,
                    signature bytea NOT NULL);
                CREATE INDEX deletion_certificates_subject ON deletion_certificates (subject_id);
                """),
    ];
}
