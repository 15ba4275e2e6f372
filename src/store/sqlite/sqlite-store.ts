/**
 * The embedded default store: one SQLite file (better-sqlite3) in WAL mode. better-sqlite3 is
 * synchronous; the methods are async to match the Store interface the PostgreSQL store shares.
 * Multi-statement guards run in `BEGIN IMMEDIATE` transactions so several processes on one file
 * stay correct.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type {
  AuditEntry,
  AuditFilter,
  CreateResult,
  JsonObject,
  JsonValue,
  Lease,
  NewAuditEntry,
  NewWorkflow,
  Store,
  TransitionPatch,
  WorkflowRow,
} from "../../core/ports/store.js";
import { migrations } from "./migrations.js";

export interface SqliteStoreOptions {
  /** A file path (its parent directory is created) or ":memory:". */
  path: string;
  /** Epoch ms; injectable so expiry tests need not sleep. */
  now?: () => number;
  /** How long a writer waits for another process's lock before failing. */
  busyTimeoutMs?: number;
}

interface WorkflowDbRow {
  id: string;
  kind: string;
  state: string;
  lock_key: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  data: string;
}

interface AuditDbRow {
  id: number;
  at: number;
  event: string;
  workflow_id: string | null;
  actor: string | null;
  service: string | null;
  environment: string | null;
  details: string;
}

/** Open (creating on first start) the SQLite store at `options.path` and bring its schema up to date. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma("foreign_keys = ON");
  migrate(db);
  return new SqliteStore(db, options.now ?? Date.now);
}

function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  db.transaction(() => {
    const row = db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`The database schema is version ${current}, newer than this railcache (${migrations.length}). Upgrade railcache.`);
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v] as string);
    if (!row) db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(migrations.length);
    else db.prepare("UPDATE schema_version SET version = ?").run(migrations.length);
  }).immediate();
}

function toWorkflow(row: WorkflowDbRow): WorkflowRow {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    lockKey: row.lock_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    data: JSON.parse(row.data) as JsonObject,
  };
}

function toAudit(row: AuditDbRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    event: row.event,
    workflowId: row.workflow_id,
    actor: row.actor,
    service: row.service,
    environment: row.environment,
    details: JSON.parse(row.details) as JsonObject,
  };
}

class SqliteStore implements Store {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  async createWorkflow(row: NewWorkflow): Promise<CreateResult> {
    return this.db
      .transaction((): CreateResult => {
        if (row.lockKey !== null) {
          const holder = this.db.prepare("SELECT id FROM workflows WHERE lock_key = ?").get(row.lockKey) as { id: string } | undefined;
          if (holder) return { created: false, conflictId: holder.id };
        }
        this.db
          .prepare(
            `INSERT INTO workflows (id, kind, state, lock_key, created_at, updated_at, expires_at, data)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(row.id, row.kind, row.state, row.lockKey, row.createdAt, this.now(), row.expiresAt, JSON.stringify(row.data));
        return { created: true };
      })
      .immediate();
  }

  async getWorkflow(id: string): Promise<WorkflowRow | null> {
    const row = this.db.prepare("SELECT * FROM workflows WHERE id = ?").get(id) as WorkflowDbRow | undefined;
    return row ? toWorkflow(row) : null;
  }

  async workflowByLock(lockKey: string): Promise<WorkflowRow | null> {
    const row = this.db.prepare("SELECT * FROM workflows WHERE lock_key = ?").get(lockKey) as WorkflowDbRow | undefined;
    return row ? toWorkflow(row) : null;
  }

  async listUnfinished(): Promise<WorkflowRow[]> {
    const rows = this.db.prepare("SELECT * FROM workflows WHERE lock_key IS NOT NULL ORDER BY created_at, id").all() as WorkflowDbRow[];
    return rows.map(toWorkflow);
  }

  async listWorkflows(options: { since?: number; limit?: number } = {}): Promise<WorkflowRow[]> {
    const rows = this.db
      .prepare("SELECT * FROM workflows WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?")
      .all(options.since ?? 0, options.limit ?? 100) as WorkflowDbRow[];
    return rows.map(toWorkflow);
  }

  async transition(id: string, fromState: string, toState: string, patch: TransitionPatch = {}): Promise<boolean> {
    return this.db
      .transaction((): boolean => {
        const row = this.db.prepare("SELECT * FROM workflows WHERE id = ? AND state = ?").get(id, fromState) as WorkflowDbRow | undefined;
        if (!row) return false;
        const data = patch.data ? { ...(JSON.parse(row.data) as JsonObject), ...patch.data } : (JSON.parse(row.data) as JsonObject);
        const expiresAt = patch.expiresAt === undefined ? row.expires_at : patch.expiresAt;
        const lockKey = patch.releaseLock ? null : row.lock_key;
        this.db
          .prepare("UPDATE workflows SET state = ?, data = ?, expires_at = ?, lock_key = ?, updated_at = ? WHERE id = ?")
          .run(toState, JSON.stringify(data), expiresAt, lockKey, this.now(), id);
        return true;
      })
      .immediate();
  }

  async setCooldown(key: string, until: number): Promise<void> {
    this.db.prepare("INSERT INTO cooldowns (key, until) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET until = excluded.until").run(key, until);
  }

  async cooldownUntil(key: string): Promise<number | null> {
    const row = this.db.prepare("SELECT until FROM cooldowns WHERE key = ?").get(key) as { until: number } | undefined;
    return row && row.until > this.now() ? row.until : null;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    // One statement: insert, or take over an expired claim; a live claim makes it a no-op.
    const result = this.db
      .prepare(
        `INSERT INTO claims (key, expires_at) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?`,
      )
      .run(key, now + ttlMs, now);
    return result.changes === 1;
  }

  async pruneClaims(): Promise<number> {
    return this.db.prepare("DELETE FROM claims WHERE expires_at <= ?").run(this.now()).changes;
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      )
      .run(name, holder, now + ttlMs, now);
    return result.changes === 1;
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = this.db.prepare("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?").run(now + ttlMs, name, holder, now);
    return result.changes === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?").run(name, holder);
  }

  async getLease(name: string): Promise<Lease | null> {
    const row = this.db.prepare("SELECT holder, expires_at FROM leases WHERE name = ? AND expires_at > ?").get(name, this.now()) as
      { holder: string; expires_at: number } | undefined;
    return row ? { name, holder: row.holder, expiresAt: row.expires_at } : null;
  }

  async setMessageRef(key: string, ref: JsonObject): Promise<void> {
    this.db.prepare("INSERT INTO message_refs (key, ref) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET ref = excluded.ref").run(key, JSON.stringify(ref));
  }

  async getMessageRef(key: string): Promise<JsonObject | null> {
    const row = this.db.prepare("SELECT ref FROM message_refs WHERE key = ?").get(key) as { ref: string } | undefined;
    return row ? (JSON.parse(row.ref) as JsonObject) : null;
  }

  async appendAudit(entry: NewAuditEntry): Promise<number> {
    const result = this.db
      .prepare(
        `INSERT INTO audit_log (at, event, workflow_id, actor, service, environment, details)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.at, entry.event, entry.workflowId, entry.actor, entry.service, entry.environment, JSON.stringify(entry.details));
    return Number(result.lastInsertRowid);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: string[] = ["at >= ?"];
    const params: (string | number)[] = [filter.since ?? 0];
    const conditions: [string, string | undefined][] = [
      ["workflow_id = ?", filter.workflowId],
      ["service = ?", filter.service],
      ["event = ?", filter.event],
    ];
    for (const [condition, value] of conditions) {
      if (value === undefined) continue;
      where.push(condition);
      params.push(value);
    }
    params.push(filter.limit ?? 1000);
    const rows = this.db
      .prepare(`SELECT * FROM (SELECT * FROM audit_log WHERE ${where.join(" AND ")} ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id`)
      .all(...params) as AuditDbRow[];
    return rows.map(toAudit);
  }

  async kvGet(key: string): Promise<JsonValue | null> {
    const row = this.db.prepare("SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)").get(key, this.now()) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as JsonValue) : null;
  }

  async kvSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    const expiresAt = ttlMs === undefined ? null : this.now() + ttlMs;
    this.db
      .prepare(
        "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
      )
      .run(key, JSON.stringify(value), expiresAt);
  }

  async kvDelete(key: string): Promise<void> {
    this.db.prepare("DELETE FROM kv WHERE key = ?").run(key);
  }

  async kvList(prefix: string): Promise<{ key: string; value: JsonValue }[]> {
    const rows = this.db
      .prepare("SELECT key, value FROM kv WHERE substr(key, 1, ?) = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key")
      .all(prefix.length, prefix, this.now()) as { key: string; value: string }[];
    return rows.map((r) => ({ key: r.key, value: JSON.parse(r.value) as JsonValue }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
