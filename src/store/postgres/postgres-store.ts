/**
 * The PostgreSQL store, for several replicas on one database (node-postgres Pool). Same semantics
 * as the SQLite store; every cross-process guard is one atomic statement: compare-and-set
 * `UPDATE ... WHERE state = $from`, a unique partial index on the lock key, `INSERT ... ON
 * CONFLICT` for claims and leases. Expiry is judged by the injected clock, as in SQLite.
 * Values always travel as parameters; the only identifier put into SQL is the validated schema name.
 */
import pg from "pg";
import type { Logger } from "../../log.js";
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
import { connectionError, describeTarget, safeTarget, type SafeTarget } from "./connection.js";
import { migrations } from "./migrations.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db` (DATABASE_URL). Never logged nor put in an error. */
  connectionString: string;
  /** Epoch ms; injectable so expiry tests need not sleep. */
  now?: () => number;
  /** The schema holding railcache's tables (created if missing); default: the server's search_path. */
  schema?: string;
  /** Connections per process. */
  maxConnections?: number;
  /** How long to wait for a connection before failing. */
  connectTimeoutMs?: number;
  /** Where dropped idle connections are reported (a database restart, say). */
  log?: Logger;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

interface WorkflowDbRow {
  id: string;
  kind: string;
  state: string;
  lock_key: string | null;
  created_at: string; // BIGINT arrives as a string
  updated_at: string;
  expires_at: string | null;
  data: JsonObject;
}

interface AuditDbRow {
  id: string;
  at: string;
  event: string;
  workflow_id: string | null;
  actor: string | null;
  service: string | null;
  environment: string | null;
  details: JsonObject;
}

/**
 * Connect, create the schema if needed and bring it up to date (once, however many replicas start
 * together). Rejects with a PostgresConnectionError naming host:port when the server is unreachable.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  if (options.schema !== undefined && !schemaName.test(options.schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${options.schema}": use lower-case letters, digits and _, starting with a letter or _.`);
  }
  const target = safeTarget(options.connectionString);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (error) => {
    options.log?.warn(
      { event: "store.connection_lost", database: describeTarget(target), code: (error as { code?: string }).code },
      "PostgreSQL connection lost",
    );
  });
  try {
    await migrate(pool, options.schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, target) ?? error;
  }
  return new PostgresStore(pool, target, options.now ?? Date.now);
}

async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Replicas starting together queue here; the first migrates, the others then find nothing to do.
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`railcache.migrate:${schema ?? ""}`]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const result = await client.query<{ version: number }>("SELECT version FROM schema_version");
    const row = result.rows[0];
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`The database schema is version ${current}, newer than this railcache (${migrations.length}). Upgrade railcache.`);
    }
    for (let v = current; v < migrations.length; v++) await client.query(migrations[v] as string);
    if (!row) await client.query("INSERT INTO schema_version (version) VALUES ($1)", [migrations.length]);
    else if (current !== migrations.length) await client.query("UPDATE schema_version SET version = $1", [migrations.length]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function num(value: string): number {
  return Number(value);
}

function numOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

function toWorkflow(row: WorkflowDbRow): WorkflowRow {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    lockKey: row.lock_key,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    expiresAt: numOrNull(row.expires_at),
    data: row.data,
  };
}

function toAudit(row: AuditDbRow): AuditEntry {
  return {
    id: num(row.id),
    at: num(row.at),
    event: row.event,
    workflowId: row.workflow_id,
    actor: row.actor,
    service: row.service,
    environment: row.environment,
    details: row.details,
  };
}

/** jsonb parameters go as JSON text: pg would turn a JS array into a PostgreSQL array. */
function json(value: JsonValue): string {
  return JSON.stringify(value);
}

class PostgresStore implements Store {
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: SafeTarget,
    private readonly now: () => number,
  ) {}

  /** One parameterised statement; connection failures become errors naming host:port only. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw connectionError(error, this.target) ?? error;
    }
  }

  async createWorkflow(row: NewWorkflow): Promise<CreateResult> {
    // The holder can finish between our failed insert and the lookup: then simply try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await this.query(
        `INSERT INTO workflows (id, kind, state, lock_key, created_at, updated_at, expires_at, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
         ON CONFLICT (lock_key) WHERE lock_key IS NOT NULL DO NOTHING`,
        [row.id, row.kind, row.state, row.lockKey, row.createdAt, this.now(), row.expiresAt, json(row.data)],
      );
      if (inserted.rowCount === 1) return { created: true };
      const holder = await this.query<{ id: string }>("SELECT id FROM workflows WHERE lock_key = $1", [row.lockKey]);
      const conflictId = holder.rows[0]?.id;
      if (conflictId !== undefined) return { created: false, conflictId };
    }
    throw new Error(`Could not create workflow ${row.id}: its lock key kept changing hands.`);
  }

  async getWorkflow(id: string): Promise<WorkflowRow | null> {
    const result = await this.query<WorkflowDbRow>("SELECT * FROM workflows WHERE id = $1", [id]);
    return result.rows[0] ? toWorkflow(result.rows[0]) : null;
  }

  async workflowByLock(lockKey: string): Promise<WorkflowRow | null> {
    const result = await this.query<WorkflowDbRow>("SELECT * FROM workflows WHERE lock_key = $1", [lockKey]);
    return result.rows[0] ? toWorkflow(result.rows[0]) : null;
  }

  async listUnfinished(): Promise<WorkflowRow[]> {
    const result = await this.query<WorkflowDbRow>("SELECT * FROM workflows WHERE lock_key IS NOT NULL ORDER BY created_at, id");
    return result.rows.map(toWorkflow);
  }

  async listWorkflows(options: { since?: number; limit?: number } = {}): Promise<WorkflowRow[]> {
    const result = await this.query<WorkflowDbRow>("SELECT * FROM workflows WHERE created_at >= $1 ORDER BY created_at DESC, id DESC LIMIT $2", [
      options.since ?? 0,
      options.limit ?? 100,
    ]);
    return result.rows.map(toWorkflow);
  }

  async transition(id: string, fromState: string, toState: string, patch: TransitionPatch = {}): Promise<boolean> {
    // A concurrent winner commits first; PostgreSQL then re-checks `state = $2` on the new row and skips it.
    const result = await this.query(
      `UPDATE workflows
          SET state = $3,
              data = data || $4::jsonb,
              expires_at = CASE WHEN $5::boolean THEN $6::bigint ELSE expires_at END,
              lock_key = CASE WHEN $7::boolean THEN NULL ELSE lock_key END,
              updated_at = $8
        WHERE id = $1 AND state = $2
        RETURNING id`,
      [id, fromState, toState, json(patch.data ?? {}), patch.expiresAt !== undefined, patch.expiresAt ?? null, patch.releaseLock === true, this.now()],
    );
    return result.rowCount === 1;
  }

  async setCooldown(key: string, until: number): Promise<void> {
    await this.query("INSERT INTO cooldowns (key, until) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET until = EXCLUDED.until", [key, until]);
  }

  async cooldownUntil(key: string): Promise<number | null> {
    const result = await this.query<{ until: string }>("SELECT until FROM cooldowns WHERE key = $1 AND until > $2", [key, this.now()]);
    return result.rows[0] ? num(result.rows[0].until) : null;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    // Insert, or take over an expired claim; a live claim makes it a no-op.
    const result = await this.query(
      `INSERT INTO claims (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= $3`,
      [key, now + ttlMs, now],
    );
    return result.rowCount === 1;
  }

  async pruneClaims(): Promise<number> {
    return (await this.query("DELETE FROM claims WHERE expires_at <= $1", [this.now()])).rowCount ?? 0;
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= $4`,
      [name, holder, now + ttlMs, now],
    );
    return result.rowCount === 1;
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.query("UPDATE leases SET expires_at = $1 WHERE name = $2 AND holder = $3 AND expires_at > $4", [now + ttlMs, name, holder, now]);
    return result.rowCount === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.query("DELETE FROM leases WHERE name = $1 AND holder = $2", [name, holder]);
  }

  async getLease(name: string): Promise<Lease | null> {
    const result = await this.query<{ holder: string; expires_at: string }>("SELECT holder, expires_at FROM leases WHERE name = $1 AND expires_at > $2", [
      name,
      this.now(),
    ]);
    const row = result.rows[0];
    return row ? { name, holder: row.holder, expiresAt: num(row.expires_at) } : null;
  }

  async setMessageRef(key: string, ref: JsonObject): Promise<void> {
    await this.query("INSERT INTO message_refs (key, ref) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET ref = EXCLUDED.ref", [key, json(ref)]);
  }

  async getMessageRef(key: string): Promise<JsonObject | null> {
    const result = await this.query<{ ref: JsonObject }>("SELECT ref FROM message_refs WHERE key = $1", [key]);
    return result.rows[0]?.ref ?? null;
  }

  async appendAudit(entry: NewAuditEntry): Promise<number> {
    const result = await this.query<{ id: string }>(
      `INSERT INTO audit_log (at, event, workflow_id, actor, service, environment, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
      [entry.at, entry.event, entry.workflowId, entry.actor, entry.service, entry.environment, json(entry.details)],
    );
    return num((result.rows[0] as { id: string }).id);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const params: (string | number)[] = [filter.since ?? 0];
    const where: string[] = ["at >= $1"];
    const conditions: [string, string | undefined][] = [
      ["workflow_id", filter.workflowId],
      ["service", filter.service],
      ["event", filter.event],
    ];
    for (const [column, value] of conditions) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(filter.limit ?? 1000);
    const result = await this.query<AuditDbRow>(
      `SELECT * FROM (SELECT * FROM audit_log WHERE ${where.join(" AND ")} ORDER BY at DESC, id DESC LIMIT $${params.length}) AS newest
       ORDER BY at, id`,
      params,
    );
    return result.rows.map(toAudit);
  }

  async kvGet(key: string): Promise<JsonValue | null> {
    const result = await this.query<{ value: JsonValue }>("SELECT value FROM kv WHERE key = $1 AND (expires_at IS NULL OR expires_at > $2)", [key, this.now()]);
    return result.rows[0] ? result.rows[0].value : null;
  }

  async kvSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    const expiresAt = ttlMs === undefined ? null : this.now() + ttlMs;
    await this.query(
      "INSERT INTO kv (key, value, expires_at) VALUES ($1, $2::jsonb, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at",
      [key, json(value), expiresAt],
    );
  }

  async kvDelete(key: string): Promise<void> {
    await this.query("DELETE FROM kv WHERE key = $1", [key]);
  }

  async kvList(prefix: string): Promise<{ key: string; value: JsonValue }[]> {
    // starts_with compares literally: no LIKE wildcards to escape.
    const result = await this.query<{ key: string; value: JsonValue }>(
      "SELECT key, value FROM kv WHERE starts_with(key, $1) AND (expires_at IS NULL OR expires_at > $2) ORDER BY key",
      [prefix, this.now()],
    );
    return result.rows.map((r) => ({ key: r.key, value: r.value }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
