/**
 * The PostgreSQL store against a real server from RAILCACHE_TEST_DATABASE_URL. Every store opened
 * here lives in its own schema under this run's random prefix; afterAll drops them all.
 * Unset variable: skipped with a warning. Set but unreachable: the tests fail.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore, PostgresConnectionError } from "../../src/store/postgres/index.js";
import { migrations } from "../../src/store/postgres/migrations.js";
import type { Store } from "../../src/core/ports/store.js";
import { storeContract } from "./contract.js";

const url = process.env.RAILCACHE_TEST_DATABASE_URL;
if (!url) console.warn("RAILCACHE_TEST_DATABASE_URL is not set: skipping the PostgreSQL store tests (CI sets it to postgres://postgres@127.0.0.1:5432/test).");

const runPrefix = `railcache_test_${randomBytes(4).toString("hex")}`;
const schemas: string[] = [];
function freshSchema(): string {
  const schema = `${runPrefix}_${schemas.length}`;
  schemas.push(schema);
  return schema;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (!url || schemas.length === 0) return;
  await withAdmin(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  });
});

describe.skipIf(!url)("PostgreSQL store", () => {
  const connectionString = url as string;

  storeContract("postgres", async ({ now }) => openPostgresStore({ connectionString, now, schema: freshSchema() }));

  describe("schema and migrations", () => {
    it("creates its schema and records the migration version", async () => {
      const schema = freshSchema();
      const store = await openPostgresStore({ connectionString, schema });
      await store.close();
      const versions = await withAdmin((client) => client.query(`SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_version`));
      expect(versions.rows).toEqual([{ version: migrations.length }]);
    });

    it("migrates once when several replicas open the same fresh schema at the same time", async () => {
      const schema = freshSchema();
      const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore({ connectionString, schema, maxConnections: 2 })));
      try {
        const versions = await withAdmin((client) => client.query(`SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_version`));
        expect(versions.rows).toEqual([{ version: migrations.length }]);
        await stores[0]?.kvSet("k", 1);
        expect(await stores[4]?.kvGet("k")).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it("keeps data across reopening", async () => {
      const schema = freshSchema();
      const first = await openPostgresStore({ connectionString, schema });
      await first.appendAudit({ at: 1, event: "x", workflowId: null, actor: null, service: null, environment: null, details: { n: 1 } });
      await first.close();
      const second = await openPostgresStore({ connectionString, schema });
      expect((await second.listAudit()).map((e) => e.details)).toEqual([{ n: 1 }]);
      await second.close();
    });

    it("refuses a database written by a newer railcache", async () => {
      const schema = freshSchema();
      await (await openPostgresStore({ connectionString, schema })).close();
      await withAdmin((client) => client.query(`UPDATE ${pg.escapeIdentifier(schema)}.schema_version SET version = 999`));
      await expect(openPostgresStore({ connectionString, schema })).rejects.toThrow(/newer than this railcache/);
    });

    it("refuses a schema name that is not a plain identifier", async () => {
      await expect(openPostgresStore({ connectionString, schema: 'x"; DROP TABLE kv; --' })).rejects.toThrow(/Invalid PostgreSQL schema name/);
    });
  });

  describe("across connections", () => {
    let a: Store;
    let b: Store;
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it("lets two pools on one schema see each other's locks and lets one of them win each race", async () => {
      const schema = freshSchema();
      a = await openPostgresStore({ connectionString, schema });
      b = await openPostgresStore({ connectionString, schema });
      const row = { id: "w1", kind: "clear", state: "awaiting_confirmation", lockKey: "web", createdAt: 1, expiresAt: null, data: {} };
      expect(await a.createWorkflow(row)).toEqual({ created: true });
      expect(await b.createWorkflow({ ...row, id: "w2" })).toEqual({ created: false, conflictId: "w1" });
      const confirmations = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).transition("w1", "awaiting_confirmation", "confirmed", { data: { by: i } })),
      );
      expect(confirmations.filter(Boolean)).toHaveLength(1);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimOnce("warning:web:d1", 60_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it("stores JSON arrays, strings and nested objects as they were given", async () => {
      await a.kvSet("list", [1, "two", { three: [3] }]);
      await a.kvSet("text", "plain");
      expect(await b.kvGet("list")).toEqual([1, "two", { three: [3] }]);
      expect(await b.kvGet("text")).toBe("plain");
    });
  });
});

describe("PostgreSQL store connection errors", () => {
  it("names host:port and hides the password and connection string when the server is unreachable", async () => {
    // Port 1 on loopback: nothing listens there, so the connect is refused at once.
    const connectionString = "postgres://railcache:s3cret-pw@127.0.0.1:1/railcache_db";
    const error = await openPostgresStore({ connectionString }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PostgresConnectionError);
    const message = (error as Error).message;
    expect(message).toContain("127.0.0.1:1");
    expect(message).toMatch(/connection refused/);
    expect(message).not.toContain("s3cret-pw");
    expect(message).not.toContain(connectionString);
    expect(JSON.stringify(error)).not.toContain("s3cret-pw");
  });

  it("refuses a connection string that is not a postgres:// URL without echoing it", async () => {
    const error = await openPostgresStore({ connectionString: "host=db dbname=rail password=s3cret-pw" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PostgresConnectionError);
    expect((error as Error).message).toMatch(/must look like postgres:\/\//);
    expect((error as Error).message).not.toContain("s3cret-pw");
  });
});
