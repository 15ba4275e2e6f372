/**
 * Three replica processes (test/store/replica-child.ts) on one PostgreSQL schema: one leader at a
 * time, a SIGKILLed leader replaced within two lease intervals, every warning posted exactly once.
 * Unset RAILCACHE_TEST_DATABASE_URL: skipped with a warning. Set but unreachable: fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../../src/store/postgres/index.js";
import type { Store } from "../../src/core/ports/store.js";

const url = process.env.RAILCACHE_TEST_DATABASE_URL;
if (!url) console.warn("RAILCACHE_TEST_DATABASE_URL is not set: skipping the PostgreSQL replica test (CI sets it to postgres://postgres@127.0.0.1:5432/test).");

const ttlMs = 600;
const renewEveryMs = 200;
const pollMs = 50;
const postDelayMs = 15;
const childScript = fileURLToPath(new URL("./replica-child.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

interface Report {
  holder: string;
  at: number;
  type: "ready" | "leadership";
  leader?: boolean;
}

interface Replica {
  holder: string;
  process: ChildProcess;
  reports: Report[];
  stderr: string;
  exited: boolean;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!url)("replicas on one PostgreSQL database", () => {
  const connectionString = url as string;
  const schema = `railcache_test_${randomBytes(4).toString("hex")}_replicas`;
  const replicas: Replica[] = [];
  let store: Store;

  function startReplica(holder: string): Replica {
    const child = spawn(process.execPath, ["--import", "tsx", childScript], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        RAILCACHE_TEST_DATABASE_URL: connectionString,
        REPLICA_SCHEMA: schema,
        REPLICA_HOLDER: holder,
        REPLICA_TTL_MS: String(ttlMs),
        REPLICA_RENEW_MS: String(renewEveryMs),
        REPLICA_POLL_MS: String(pollMs),
        REPLICA_POST_DELAY_MS: String(postDelayMs),
      },
    });
    const replica: Replica = { holder, process: child, reports: [], stderr: "", exited: false };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => replica.reports.push(JSON.parse(line) as Report));
    child.stderr?.on("data", (chunk: Buffer) => (replica.stderr += chunk.toString()));
    child.on("exit", () => (replica.exited = true));
    return replica;
  }

  async function postedIds(): Promise<string[]> {
    const entries = await store.listAudit({ event: "warning.posted", limit: 100_000 });
    return entries.map((e) => String(e.details.warningId));
  }

  async function enqueue(ids: string[]): Promise<void> {
    for (const id of ids) await store.kvSet(`warning-queue:${id}`, { id });
  }

  const batch = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${String(from + i).padStart(3, "0")}`);

  function diagnostics(): string {
    return replicas.map((r) => `${r.holder}: exited=${r.exited} stderr=${r.stderr.trim()}`).join("\n");
  }

  beforeAll(async () => {
    // Opening here creates and migrates the schema; the replicas then find it up to date.
    store = await openPostgresStore({ connectionString, schema, maxConnections: 2 });
    for (const holder of ["replica-a", "replica-b", "replica-c"]) replicas.push(startReplica(holder));
    await waitFor(
      "three ready replicas",
      () => {
        const dead = replicas.find((r) => r.exited);
        if (dead) throw new Error(`a replica exited during start-up:\n${diagnostics()}`);
        return replicas.every((r) => r.reports.some((report) => report.type === "ready"));
      },
      15_000,
    );
  }, 20_000);

  afterAll(async () => {
    await Promise.all(
      replicas.map(async (r) => {
        if (r.exited) return;
        r.process.kill("SIGKILL");
        await once(r.process, "exit");
      }),
    );
    await store?.close();
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await admin.end();
  });

  it("hands the watcher to another replica within two lease intervals of a SIGKILL and posts every warning exactly once", async () => {
    const isLeaderNow = (r: Replica) => r.reports.filter((report) => report.type === "leadership").at(-1)?.leader === true;

    // One leader emerges, and it posts a first batch.
    await waitFor("a leader", () => replicas.filter(isLeaderNow).length === 1, 5_000);
    await enqueue(batch(0, 10));
    await waitFor("the first batch posted", async () => (await postedIds()).length >= 10, 10_000);
    expect(replicas.filter(isLeaderNow)).toHaveLength(1);

    // Kill the leader while it is in the middle of the second batch.
    await enqueue(batch(10, 20));
    await waitFor("the second batch under way", async () => (await postedIds()).length > 10, 5_000);
    const lease = await store.getLease("watcher");
    const leader = replicas.find((r) => r.holder === lease?.holder);
    expect(leader, `lease holder ${lease?.holder} is one of the replicas`).toBeDefined();
    expect(isLeaderNow(leader as Replica)).toBe(true);
    const killedAt = Date.now();
    (leader as Replica).process.kill("SIGKILL");
    await once((leader as Replica).process, "exit");

    // Warnings keep arriving while nobody leads.
    await enqueue(batch(20, 30));
    const survivors = replicas.filter((r) => r !== leader);
    await waitFor("a new leader", () => survivors.some(isLeaderNow), 4 * ttlMs);
    const successor = survivors.find(isLeaderNow) as Replica;
    const electedAt = (successor.reports.filter((r) => r.type === "leadership" && r.leader).at(-1) as Report).at;
    expect(electedAt - killedAt).toBeLessThanOrEqual(2 * ttlMs);
    // It waited for the dead leader's lease to run out: never two leaders at once.
    expect(electedAt).toBeGreaterThanOrEqual((lease as { expiresAt: number }).expiresAt);
    expect(survivors.filter(isLeaderNow)).toHaveLength(1);

    // Nothing lost, nothing twice, and the successor did post.
    const all = batch(0, 30);
    await waitFor("every warning posted", async () => new Set(await postedIds()).size === all.length, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 2 * ttlMs)); // room for a late duplicate to show up
    const posted = await store.listAudit({ event: "warning.posted", limit: 100_000 });
    expect(posted.map((e) => String(e.details.warningId)).sort()).toEqual(all);
    expect(posted.filter((e) => e.details.holder === leader?.holder).length).toBeGreaterThan(0);
    expect(posted.filter((e) => e.details.holder === successor.holder).map((e) => e.details.warningId)).toEqual(expect.arrayContaining(batch(20, 30)));
    expect(
      survivors.every((r) => !r.exited),
      diagnostics(),
    ).toBe(true);
  }, 40_000);
});
