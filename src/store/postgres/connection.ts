/**
 * Connection details that are safe to show: host:port and database, never the password or the
 * connection string (it often carries the password). Errors from pg are re-raised in these terms.
 */
import pg from "pg";
import { KnownFailure } from "../../core/errors.js";
import { redactConnectionSecrets } from "../../redact.js";

export interface SafeTarget {
  host: string;
  port: number;
  database: string;
}

/**
 * What a connection string points at, parsed by pg itself. Only postgres:// URLs are accepted: pg
 * would read a libpq `key=value` string as a database name, and then echo it (password and all).
 */
export function safeTarget(connectionString: string): SafeTarget {
  if (!/^postgres(ql)?:\/\//i.test(connectionString.trim())) {
    throw new PostgresConnectionError("The database URL must look like postgres://user:password@host:5432/database.", undefined);
  }
  const parsed = new pg.Client({ connectionString });
  return { host: parsed.host, port: parsed.port, database: parsed.database ?? "" };
}

/** Names a PostgreSQL server in messages: `127.0.0.1:5432/test`. */
export function describeTarget(target: SafeTarget): string {
  return `${target.host}:${target.port}${target.database ? `/${target.database}` : ""}`;
}

/** Raised when the database cannot be reached or refuses us; the message is safe to log or show. */
export class PostgresConnectionError extends KnownFailure {
  override readonly name = "PostgresConnectionError";
  constructor(
    message: string,
    /** The driver or server error code (ECONNREFUSED, 28P01, ...), when there is one. */
    readonly code: string | undefined,
  ) {
    // A host name pg parsed out of a mangled string may carry `password=...`. A refused login or
    // a missing database is a setting to fix; an unreachable server may come back.
    super(redactConnectionSecrets(message), {
      category: code === undefined || /^(28|3D)/.test(code) ? "configuration" : "failure",
      title: "The database is not reachable",
    });
  }
}

const reasons: Record<string, string> = {
  ECONNREFUSED: "connection refused (is PostgreSQL running and listening there?)",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ECONNRESET: "connection reset by the server",
  "28P01": "password authentication failed",
  "28000": "the server rejected the login (check pg_hba.conf and the user name)",
  "3D000": "the database does not exist",
  "57P03": "the server is starting up or shutting down",
};

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // AggregateError from a dual-stack connect attempt carries the codes on its members.
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : undefined;
}

/**
 * Turns a failure to connect into a PostgresConnectionError naming host:port, or returns null when
 * `error` is not about the connection (a SQL error is a bug to surface as it is).
 */
export function connectionError(error: unknown, target: SafeTarget): PostgresConnectionError | null {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : "";
  const timedOut = /timeout/i.test(message) && /connect/i.test(message);
  const reason = (code && reasons[code]) ?? (timedOut ? "connection timed out" : undefined);
  if (!reason) return null;
  return new PostgresConnectionError(`Cannot connect to PostgreSQL at ${describeTarget(target)}: ${reason}.`, code ?? "ETIMEDOUT");
}
