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
        new(
            2,
            "audit chain",
            Sqlite: """
                CREATE TABLE audit_records (
                    sequence INTEGER PRIMARY KEY,
                    format_version INTEGER NOT NULL,
                    time_ms INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    subject TEXT,
                    outcome TEXT NOT NULL,
                    reason TEXT,
                    model_version TEXT,
                    correlation_id TEXT NOT NULL,
                    client_address_hash BLOB,
                    prev_hash BLOB NOT NULL,
                    hash BLOB NOT NULL);
                CREATE INDEX audit_records_subject ON audit_records (subject, sequence);
                CREATE INDEX audit_records_actor ON audit_records (actor, sequence);
                CREATE INDEX audit_records_action ON audit_records (action, sequence);
                CREATE INDEX audit_records_time ON audit_records (time_ms, sequence);
                CREATE TABLE audit_checkpoints (
                    sequence INTEGER PRIMARY KEY,
                    format_version INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    record_count INTEGER NOT NULL,
                    time_ms INTEGER NOT NULL,
                    key_fingerprint BLOB NOT NULL,
                    signature BLOB NOT NULL);
                """,
            Postgres: """
                CREATE TABLE audit_records (
                    sequence bigint PRIMARY KEY,
                    format_version integer NOT NULL,
                    time_ms bigint NOT NULL,
                    actor text NOT NULL,
                    actor_role text NOT NULL,
                    action text NOT NULL,
                    purpose text NOT NULL,
                    subject text,
                    outcome text NOT NULL,
                    reason text,
                    model_version text,
                    correlation_id text NOT NULL,
                    client_address_hash bytea,
                    prev_hash bytea NOT NULL,
                    hash bytea NOT NULL);
                CREATE INDEX audit_records_subject ON audit_records (subject, sequence);
                CREATE INDEX audit_records_actor ON audit_records (actor, sequence);
                CREATE INDEX audit_records_action ON audit_records (action, sequence);
                CREATE INDEX audit_records_time ON audit_records (time_ms, sequence);
                CREATE TABLE audit_checkpoints (
                    sequence bigint PRIMARY KEY,
                    format_version integer NOT NULL,
                    hash bytea NOT NULL,
                    record_count bigint NOT NULL,
                    time_ms bigint NOT NULL,
                    key_fingerprint bytea NOT NULL,
                    signature bytea NOT NULL);
                """),
        new(
            3,
            "purpose approvals",
            // Decisions are appended, never updated: the newest per purpose (by seq) is in force, the rest is the history.
            Sqlite: """
                CREATE TABLE purpose_decisions (
                    seq INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE,
                    purpose TEXT NOT NULL,
                    decision TEXT NOT NULL CHECK (decision IN ('approved', 'revoked')),
                    decided_by TEXT NOT NULL,
                    decided_ms INTEGER NOT NULL,
                    rationale TEXT NOT NULL);
                CREATE INDEX purpose_decisions_purpose ON purpose_decisions (purpose, seq);
                """,
            Postgres: """
                CREATE TABLE purpose_decisions (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id uuid NOT NULL UNIQUE,
                    purpose text NOT NULL,
                    decision text NOT NULL CHECK (decision IN ('approved', 'revoked')),
                    decided_by text NOT NULL,
                    decided_ms bigint NOT NULL,
                    rationale text NOT NULL);
                CREATE INDEX purpose_decisions_purpose ON purpose_decisions (purpose, seq);
                """),
        new(
            4,
            "consent notices",
            // A notice is never edited: a changed text is a new version, and a consent names the version it was given on.
            Sqlite: """
                CREATE TABLE consent_notices (
                    version INTEGER PRIMARY KEY,
                    sha256 BLOB NOT NULL UNIQUE,
                    language TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL);
                """,
            Postgres: """
                CREATE TABLE consent_notices (
                    version integer PRIMARY KEY,
                    sha256 bytea NOT NULL UNIQUE,
                    language text NOT NULL,
                    text text NOT NULL,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL);
                """),
        new(
            5,
            "people, consents, review queue, retention runs",
            // A person's record details live encrypted in their own key envelope (record_envelope, a row of subjects), apart
            // from the biometric one, so withdrawing consent shreds the face data and keeps the patient link. The MRN is kept
            // only as a keyed hash. Consents and review items are appended and closed, never deleted.
            Sqlite: """
                CREATE TABLE people (
                    id BLOB PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('patient', 'staff')),
                    mrn_hash BLOB UNIQUE,
                    record_envelope BLOB NOT NULL,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    last_seen_ms INTEGER);
                CREATE TABLE consents (
                    seq INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE,
                    person_id BLOB NOT NULL REFERENCES people (id),
                    notice_version INTEGER NOT NULL REFERENCES consent_notices (version),
                    purposes INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    given_by TEXT NOT NULL,
                    evidence_sha256 BLOB,
                    granted_ms INTEGER NOT NULL,
                    expires_ms INTEGER,
                    recorded_by TEXT NOT NULL,
                    ended_ms INTEGER,
                    ended_by TEXT,
                    end_reason TEXT);
                CREATE INDEX consents_person ON consents (person_id, seq);
                CREATE TABLE review_items (
                    seq INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    model_version TEXT NOT NULL,
                    claimed_subject BLOB,
                    candidates TEXT NOT NULL,
                    probe_until_ms INTEGER,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    decided_by TEXT,
                    decided_ms INTEGER,
                    decision TEXT,
                    chosen_subject BLOB,
                    appeal_ms INTEGER,
                    appeal_by TEXT,
                    appeal_outcome TEXT);
                CREATE INDEX review_items_status ON review_items (status, seq);
                CREATE TABLE retention_runs (
                    id BLOB PRIMARY KEY,
                    run_ms INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    signature BLOB NOT NULL);
                """,
            Postgres: """
                CREATE TABLE people (
                    id uuid PRIMARY KEY,
                    kind text NOT NULL CHECK (kind IN ('patient', 'staff')),
                    mrn_hash bytea UNIQUE,
                    record_envelope uuid NOT NULL,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL,
                    last_seen_ms bigint);
                CREATE TABLE consents (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id uuid NOT NULL UNIQUE,
                    person_id uuid NOT NULL REFERENCES people (id),
                    notice_version integer NOT NULL REFERENCES consent_notices (version),
                    purposes integer NOT NULL,
                    method text NOT NULL,
                    given_by text NOT NULL,
                    evidence_sha256 bytea,
                    granted_ms bigint NOT NULL,
                    expires_ms bigint,
                    recorded_by text NOT NULL,
                    ended_ms bigint,
                    ended_by text,
                    end_reason text);
                CREATE INDEX consents_person ON consents (person_id, seq);
                CREATE TABLE review_items (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id uuid NOT NULL UNIQUE,
                    kind text NOT NULL,
                    purpose text NOT NULL,
                    reason text NOT NULL,
                    model_version text NOT NULL,
                    claimed_subject uuid,
                    candidates text NOT NULL,
                    probe_until_ms bigint,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL,
                    status text NOT NULL,
                    decided_by text,
                    decided_ms bigint,
                    decision text,
                    chosen_subject uuid,
                    appeal_ms bigint,
                    appeal_by text,
                    appeal_outcome text);
                CREATE INDEX review_items_status ON review_items (status, seq);
                CREATE TABLE retention_runs (
                    id uuid PRIMARY KEY,
                    run_ms bigint NOT NULL,
                    body text NOT NULL,
                    signature bytea NOT NULL);
                """),
        new(
            6,
            "staff accounts, sessions, API keys, role elevations, evaluation reports, model decisions",
            // Secrets are kept only as hashes (passwords: Identity's PBKDF2 hasher; session, setup and API key tokens:
            // SHA-256 of 256 random bits), except each account's TOTP seed and recovery code hashes, sealed in a key envelope
            // of the account's own (secret_envelope, a row of subjects) so removing the account shreds them. A recovery code
            // is spent by inserting its row in staff_recovery_uses: the primary key lets one of two simultaneous uses through.
            Sqlite: """
                CREATE TABLE staff_accounts (
                    user_id TEXT PRIMARY KEY,
                    roles TEXT NOT NULL,
                    password_hash TEXT,
                    secret_envelope BLOB,
                    totp_last_step INTEGER,
                    mfa_confirmed INTEGER NOT NULL DEFAULT 0,
                    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
                    locked_until_ms INTEGER,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    last_used_ms INTEGER,
                    disabled_ms INTEGER,
                    disabled_by TEXT);
                CREATE TABLE staff_setup_links (
                    token_hash BLOB PRIMARY KEY,
                    user_id TEXT,
                    roles TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    used_ms INTEGER);
                CREATE TABLE staff_recovery_uses (
                    user_id TEXT NOT NULL REFERENCES staff_accounts (user_id),
                    code_hash TEXT NOT NULL,
                    used_ms INTEGER NOT NULL,
                    PRIMARY KEY (user_id, code_hash));
                CREATE TABLE staff_sessions (
                    token_hash BLOB PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES staff_accounts (user_id),
                    created_ms INTEGER NOT NULL,
                    last_seen_ms INTEGER NOT NULL,
                    ended_ms INTEGER);
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    secret_hash BLOB NOT NULL,
                    roles TEXT NOT NULL,
                    purposes INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    created_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    revoked_ms INTEGER,
                    revoked_by TEXT,
                    last_used_ms INTEGER);
                CREATE TABLE role_elevations (
                    id TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES staff_accounts (user_id),
                    role TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    granted_by TEXT NOT NULL,
                    granted_ms INTEGER NOT NULL,
                    expires_ms INTEGER NOT NULL,
                    ended_ms INTEGER,
                    ended_by TEXT);
                CREATE INDEX role_elevations_user ON role_elevations (user_id, expires_ms);
                CREATE TABLE evaluation_reports (
                    id BLOB PRIMARY KEY,
                    kind TEXT NOT NULL,
                    model_version TEXT NOT NULL,
                    recorded_ms INTEGER NOT NULL,
                    recorded_by TEXT NOT NULL,
                    body TEXT NOT NULL,
                    signature BLOB NOT NULL);
                CREATE TABLE model_decisions (
                    seq INTEGER PRIMARY KEY,
                    model TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    report_id BLOB,
                    gates TEXT NOT NULL,
                    override_reason TEXT,
                    decided_by TEXT NOT NULL,
                    decided_ms INTEGER NOT NULL);
                """,
            Postgres: """
                CREATE TABLE staff_accounts (
                    user_id text PRIMARY KEY,
                    roles text NOT NULL,
                    password_hash text,
                    secret_envelope uuid,
                    totp_last_step bigint,
                    mfa_confirmed integer NOT NULL DEFAULT 0,
                    failed_sign_ins integer NOT NULL DEFAULT 0,
                    locked_until_ms bigint,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL,
                    last_used_ms bigint,
                    disabled_ms bigint,
                    disabled_by text);
                CREATE TABLE staff_setup_links (
                    token_hash bytea PRIMARY KEY,
                    user_id text,
                    roles text NOT NULL,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL,
                    expires_ms bigint NOT NULL,
                    used_ms bigint);
                CREATE TABLE staff_recovery_uses (
                    user_id text NOT NULL REFERENCES staff_accounts (user_id),
                    code_hash text NOT NULL,
                    used_ms bigint NOT NULL,
                    PRIMARY KEY (user_id, code_hash));
                CREATE TABLE staff_sessions (
                    token_hash bytea PRIMARY KEY,
                    user_id text NOT NULL REFERENCES staff_accounts (user_id),
                    created_ms bigint NOT NULL,
                    last_seen_ms bigint NOT NULL,
                    ended_ms bigint);
                CREATE TABLE api_keys (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    secret_hash bytea NOT NULL,
                    roles text NOT NULL,
                    purposes integer NOT NULL,
                    created_by text NOT NULL,
                    created_ms bigint NOT NULL,
                    expires_ms bigint NOT NULL,
                    revoked_ms bigint,
                    revoked_by text,
                    last_used_ms bigint);
                CREATE TABLE role_elevations (
                    id text PRIMARY KEY,
                    user_id text NOT NULL REFERENCES staff_accounts (user_id),
                    role text NOT NULL,
                    reason text NOT NULL,
                    granted_by text NOT NULL,
                    granted_ms bigint NOT NULL,
                    expires_ms bigint NOT NULL,
                    ended_ms bigint,
                    ended_by text);
                CREATE INDEX role_elevations_user ON role_elevations (user_id, expires_ms);
                CREATE TABLE evaluation_reports (
                    id uuid PRIMARY KEY,
                    kind text NOT NULL,
                    model_version text NOT NULL,
                    recorded_ms bigint NOT NULL,
                    recorded_by text NOT NULL,
                    body text NOT NULL,
                    signature bytea NOT NULL);
                CREATE TABLE model_decisions (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    model text NOT NULL,
                    decision text NOT NULL,
                    report_id uuid,
                    gates text NOT NULL,
                    override_reason text,
                    decided_by text NOT NULL,
                    decided_ms bigint NOT NULL);
                """),
        new(
            7,
            "recognition scores for drift monitoring",
            // Operational telemetry, not a record about a person: no subject id, the time to the hour only. review_id is
            // held only while the item is open, so the reviewer's outcome can be written; deciding clears it.
            Sqlite: """
                CREATE TABLE recognition_scores (
                    seq INTEGER PRIMARY KEY,
                    hour_ms INTEGER NOT NULL,
                    context TEXT NOT NULL,
                    model_version TEXT NOT NULL,
                    score REAL,
                    outcome TEXT NOT NULL,
                    review_id BLOB UNIQUE,
                    review_outcome TEXT);
                CREATE INDEX recognition_scores_hour ON recognition_scores (hour_ms);
                """,
            Postgres: """
                CREATE TABLE recognition_scores (
                    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    hour_ms bigint NOT NULL,
                    context text NOT NULL,
                    model_version text NOT NULL,
                    score double precision,
                    outcome text NOT NULL,
                    review_id uuid UNIQUE,
                    review_outcome text);
                CREATE INDEX recognition_scores_hour ON recognition_scores (hour_ms);
                """),
    ];
}
