/**
 * Schema migrations, applied in order on open. Append new steps; never edit a shipped one.
 * `schema_version` records the last step applied.
 */
export const migrations: string[] = [
  `
  CREATE TABLE workflows (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    lock_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER,
    data TEXT NOT NULL
  );
  CREATE INDEX workflows_created_at ON workflows (created_at);
  CREATE TABLE cooldowns (key TEXT PRIMARY KEY, until INTEGER NOT NULL);
  CREATE TABLE claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
  CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL);
  CREATE TABLE message_refs (key TEXT PRIMARY KEY, ref TEXT NOT NULL);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    workflow_id TEXT,
    actor TEXT,
    service TEXT,
    environment TEXT,
    details TEXT NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE INDEX audit_log_workflow ON audit_log (workflow_id);
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
  `,
];
