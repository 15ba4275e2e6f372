import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { migrations } from "../../src/store/sqlite/migrations.js";
import { storeContract } from "./contract.js";

const dir = mkdtempSync(join(tmpdir(), "railcache-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract("sqlite file", async ({ now }) => openSqliteStore({ path: join(dir, `contract-${n++}.db`), now }));
storeContract("sqlite :memory:", async ({ now }) => openSqliteStore({ path: ":memory:", now }));

describe("SQLite store files", () => {
  it("creates the database and its parent directories on first start, in WAL mode", async () => {
    const path = join(dir, "nested", "deeper", "railcache.db");
    const store = openSqliteStore({ path });
    await store.close();
    expect(existsSync(path)).toBe(true);
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM schema_version").get()).toEqual({ version: migrations.length });
    db.close();
  });

  it("keeps data across reopening and does not re-run migrations", async () => {
    const path = join(dir, "reopen.db");
    const first = openSqliteStore({ path });
    await first.appendAudit({ at: 1, event: "x", workflowId: null, actor: null, service: null, environment: null, details: {} });
    await first.close();
    const second = openSqliteStore({ path });
    expect(await second.listAudit()).toHaveLength(1);
    await second.close();
  });

  it("refuses a database written by a newer railcache", async () => {
    const path = join(dir, "newer.db");
    await openSqliteStore({ path }).close();
    const db = new Database(path);
    db.prepare("UPDATE schema_version SET version = 999").run();
    db.close();
    expect(() => openSqliteStore({ path })).toThrow(/newer than this railcache/);
  });

  it("lets two connections to one file see each other's locks", async () => {
    const path = join(dir, "shared.db");
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    const row = { id: "w1", kind: "clear", state: "requested", lockKey: "web", createdAt: 1, expiresAt: null, data: {} };
    expect(await a.createWorkflow(row)).toEqual({ created: true });
    expect(await b.createWorkflow({ ...row, id: "w2" })).toEqual({ created: false, conflictId: "w1" });
    expect(await b.transition("w1", "requested", "confirmed")).toBe(true);
    expect(await a.transition("w1", "requested", "confirmed")).toBe(false);
    await a.close();
    await b.close();
  });
});
