/**
 * PostgreSQL schema migrations, applied in order on open under an advisory lock. Append new
 * steps; never edit a shipped one. `schema_version` records the last step applied.
 * Keys that are listed in order use the "C" collation (byte order, as SQLite sorts).
 * Times are epoch ms in BIGINT (the injected clock decides expiry, as in SQLite); JSON is jsonb.
 */
export const migrations: string[] = [
  `
  CREATE TABLE workflows (
    id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    lock_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    expires_at BIGINT,
    data JSONB NOT NULL
  );
  -- One unfinished workflow per lock key: finished workflows set lock_key to NULL.
  CREATE UNIQUE INDEX workflows_lock_key ON workflows (lock_key) WHERE lock_key IS NOT NULL;
  CREATE INDEX workflows_created_at ON workflows (created_at);
  CREATE TABLE cooldowns (key TEXT PRIMARY KEY, until BIGINT NOT NULL);
  CREATE TABLE claims (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
  CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);
  CREATE TABLE message_refs (key TEXT PRIMARY KEY, ref JSONB NOT NULL);
  CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    workflow_id TEXT,
    actor TEXT,
    service TEXT,
    environment TEXT,
    details JSONB NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE INDEX audit_log_workflow ON audit_log (workflow_id);
  CREATE TABLE kv (key TEXT COLLATE "C" PRIMARY KEY, value JSONB NOT NULL, expires_at BIGINT);
  `,
];
