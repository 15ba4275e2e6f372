/**
 * The one storage interface of railcache. SQLite (src/store/sqlite) is the default; a PostgreSQL
 * implementation follows for replicas, so every method is async and every guard that matters
 * across processes is a single atomic operation: compare-and-set transitions, unique keys,
 * claim-once keys and leases. The contract suite in test/store/contract.ts defines the behaviour.
 */

/** A JSON object, as stored in a JSON / jsonb column. */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A persisted workflow. `data` is owned by core (src/core/workflow parses it); the store keeps it opaque. */
export interface WorkflowRow {
  id: string;
  kind: string;
  state: string;
  /** While set, no other unfinished workflow can hold the same key (one workflow per service). */
  lockKey: string | null;
  createdAt: number; // epoch ms
  updatedAt: number;
  /** When the current state times out (confirmation expiry); null when it does not. */
  expiresAt: number | null;
  data: JsonObject;
}

export type NewWorkflow = Omit<WorkflowRow, "updatedAt">;

export type CreateResult = { created: true } | { created: false; conflictId: string };

/** What a successful transition changes besides the state. */
export interface TransitionPatch {
  /** Shallow-merged into `data` (a key set to null stays, as null). */
  data?: JsonObject;
  expiresAt?: number | null;
  /** Free the lock key: the workflow is finished and another may start on the same service. */
  releaseLock?: boolean;
}

export interface AuditEntry {
  id: number;
  at: number; // epoch ms
  /** `workflow.requested`, `workflow.confirmed`, `no_cache.set`, ... */
  event: string;
  workflowId: string | null;
  /** `slack:U123` style id of the person, or `railcache` for the bot's own steps. */
  actor: string | null;
  service: string | null;
  environment: string | null;
  /** Railway ids, outcome, reasons. Never a token. */
  details: JsonObject;
}

export type NewAuditEntry = Omit<AuditEntry, "id">;

export interface AuditFilter {
  since?: number;
  workflowId?: string;
  service?: string;
  event?: string;
  limit?: number;
}

export interface Lease {
  name: string;
  holder: string;
  expiresAt: number;
}

export interface Store {
  /** Insert a workflow. Fails (without throwing) when another unfinished workflow holds its lockKey. */
  createWorkflow(row: NewWorkflow): Promise<CreateResult>;
  getWorkflow(id: string): Promise<WorkflowRow | null>;
  /** The unfinished workflow holding `lockKey`, if any. */
  workflowByLock(lockKey: string): Promise<WorkflowRow | null>;
  /** Every workflow still holding its lock (not finished), oldest first: what start-up recovery resumes. */
  listUnfinished(): Promise<WorkflowRow[]>;
  /** Most recent workflows first. */
  listWorkflows(options?: { since?: number; limit?: number }): Promise<WorkflowRow[]>;
  /**
   * Atomic compare-and-set: moves workflow `id` from `fromState` to `toState` and applies `patch`,
   * only if it is in `fromState` now. Returns false when it was not (somebody else won the race).
   * `fromState === toState` updates data under the same guard.
   */
  transition(id: string, fromState: string, toState: string, patch?: TransitionPatch): Promise<boolean>;

  /** Blocks new workflows on `key` until `until` (epoch ms). */
  setCooldown(key: string, until: number): Promise<void>;
  /** The end of the cooldown on `key`, or null when none is running. */
  cooldownUntil(key: string): Promise<number | null>;

  /** True exactly once per key within `ttlMs` (for retried deliveries, duplicate warnings). */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets claims whose ttl has passed (they no longer block anything); returns how many. */
  pruneClaims(): Promise<number>;

  /** Take (or renew, if `holder` already has it) the lease `name`. False while another holder's lease is live. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extend a lease `holder` still holds. False when it was lost (expired and taken, or released). */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  getLease(name: string): Promise<Lease | null>;

  /** Where a status message lives (a serialized MessageRef), keyed by e.g. workflow id. */
  setMessageRef(key: string, ref: JsonObject): Promise<void>;
  getMessageRef(key: string): Promise<JsonObject | null>;

  appendAudit(entry: NewAuditEntry): Promise<number>;
  /** Entries matching the filter, oldest first. */
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;

  /** Small key/value with optional expiry (mutes and the like). */
  kvGet(key: string): Promise<JsonValue | null>;
  kvSet(key: string, value: JsonValue, ttlMs?: number): Promise<void>;
  kvDelete(key: string): Promise<void>;
  /** Live entries whose key starts with `prefix`. */
  kvList(prefix: string): Promise<{ key: string; value: JsonValue }[]>;

  close(): Promise<void>;
}
