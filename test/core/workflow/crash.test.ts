/**
 * Crash safety: the workflow runs in a child process that is killed with SIGKILL right after
 * each step in turn (and in the middle of the Railway calls that change things). After a
 * restart and `recover()`, NO_CACHE is gone, at most one rebuild happened, and the audit log
 * tells the story.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkflowEngine } from "../../../src/core/workflow/engine.js";
import { defaultPolicy } from "../../../src/core/policy/policy.js";
import { systemClock } from "../../../src/core/ports/clock.js";
import { silentLogger } from "../../../src/log.js";
import { RailwayClient } from "../../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator } from "../../../src/railway/simulator/index.js";
import { openPostgresStore } from "../../../src/store/postgres/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../../src/core/ports/store.js";
import { simSettings } from "../../support/sim-settings.js";
import { childTimeouts, crashedInstance } from "./crash-setup.js";

const childScript = fileURLToPath(new URL("./crash-child.ts", import.meta.url));

let sim: Simulator;
let dir: string;
let ticker: NodeJS.Timeout;
let startedAt: number;

beforeEach(async () => {
  sim = await startSimulator({ settings: simSettings });
  startedAt = sim.world.now;
  dir = mkdtempSync(join(tmpdir(), "railcache-crash-"));
  // Simulated Railway time runs 200x faster than real time: a 100 s uncached build takes 0.5 s.
  ticker = setInterval(() => sim.advance(2_000), 10);
});
afterEach(async () => {
  clearInterval(ticker);
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ChildRun {
  states: string[];
  workflowId: string | null;
  finished: boolean;
  signal: NodeJS.Signals | null;
}

/** Runs the child until `killWhen` says so (checked on every output line and every 5 ms), then SIGKILLs it. */
function runChild(dbPath: string, options: { hangAt?: string; killOnRequest?: string; pg?: { url: string; schema: string } }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", childScript], {
      env: {
        ...process.env,
        DB_PATH: dbPath,
        RAILWAY_URL: sim.url,
        HANG_AT: options.hangAt ?? "",
        ...(options.pg ? { PG_URL: options.pg.url, PG_SCHEMA: options.pg.schema } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const run: ChildRun = { states: [], workflowId: null, finished: false, signal: null };
    let stderr = "";
    let buffered = "";
    const kill = () => {
      if (child.exitCode === null && !child.killed) child.kill("SIGKILL");
    };
    const watcher = options.killOnRequest
      ? setInterval(() => {
          if (sim.requests.some((r) => r.operationName === options.killOnRequest)) kill();
        }, 1)
      : null;
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [tag, value] = line.split(" ");
        if (tag === "STATE" && value) {
          run.states.push(value);
          if (value === options.hangAt) kill();
        } else if (tag === "WORKFLOW" && value) run.workflowId = value;
        else if (tag === "FINISHED") run.finished = true;
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (watcher) clearInterval(watcher);
      run.signal = signal;
      if (code !== null && code !== 0) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve(run);
    });
  });
}

/** A new engine on the crashed bot's database: the restarted bot itself (same instance id) or another replica. */
function engineOn(store: Store, instanceId: string) {
  return new WorkflowEngine({
    store,
    railway: new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", timeoutMs: 2_000 }),
    policy: defaultPolicy(),
    clock: systemClock,
    log: silentLogger(),
    projectId: DEMO_PROJECT_ID,
    timeouts: childTimeouts,
    instanceId,
  });
}

async function restartAndRecover(dbPath: string) {
  const store = openSqliteStore({ path: dbPath });
  const engine = engineOn(store, crashedInstance);
  // Restarted at once: its own lease is still live, and it is ours.
  const recovered = await engine.recover();
  await engine.idle();
  const workflows = await store.listWorkflows();
  const audit = await store.listAudit();
  const unfinished = await store.listUnfinished();
  await store.close();
  return { recovered, workflows, audit, unfinished };
}

function noCache(): string | undefined {
  const web = sim.world.instanceByName("web", "production");
  return sim.world.vars(web.serviceId, web.environmentId).get("NO_CACHE");
}

const rebuilds = () => [...sim.world.deployments.values()].filter((d) => d.createdAt >= startedAt);

describe("crash safety (kill -9 of the bot process)", () => {
  // Every state whose entry is reported; `confirmed` is covered by the kill during its Variables read below.
  const afterStep = ["no_cache_set", "rebuild_requested", "rebuild_triggered", "building", "restoring", "no_cache_removed", "deployed"].map((hangAt) => ({
    hangAt,
    rebuilt: 1,
    outcome: "deployed",
  }));

  it.each(afterStep)(
    "after a kill right after $hangAt, recovery removes NO_CACHE and finishes ($outcome, $rebuilt rebuild)",
    async ({ hangAt, rebuilt, outcome }) => {
      const dbPath = join(dir, "railcache.db");
      const run = await runChild(dbPath, { hangAt });
      expect(run.signal).toBe("SIGKILL");
      expect(run.states.at(-1)).toBe(hangAt);

      const after = await restartAndRecover(dbPath);
      expect(after.recovered.resumed).toEqual([run.workflowId]);
      expect(after.unfinished).toEqual([]);
      expect(noCache()).toBeUndefined();
      expect(rebuilds()).toHaveLength(rebuilt);
      const wf = after.workflows[0];
      expect(wf?.state).toBe("done");
      expect(wf?.data.outcome).toBe(outcome);

      const story = after.audit.map((e) => e.event);
      expect(story.slice(0, 2)).toEqual(["workflow.ask", "workflow.confirm"]);
      expect(story).toContain("workflow.recovering");
      expect(story.at(-1)).toBe("workflow.finish");
      expect(wf?.data.liveDeploymentId).toBe(rebuilds().find((d) => d.status === "SUCCESS")?.id);
    },
  );

  it("without a restart, another replica takes the workflow over once the lease runs out, on its housekeeping", async () => {
    const dbPath = join(dir, "railcache.db");
    const run = await runChild(dbPath, { hangAt: "building" });
    const killedAt = Date.now();
    expect(run.signal).toBe("SIGKILL");

    const store = openSqliteStore({ path: dbPath });
    const other = engineOn(store, "bot-2");
    // Its lease is live: a replica must not drive it too.
    expect((await other.recover()).resumed).toEqual([]);
    const housekeepingMs = 200;
    let adoptedAt = 0;
    await new Promise<void>((resolve, reject) => {
      const tick = setInterval(() => {
        other
          .housekeep()
          .then((result) => {
            if (result.resumed.includes(run.workflowId ?? "")) {
              adoptedAt = Date.now();
              clearInterval(tick);
              resolve();
            }
          })
          .catch(reject);
      }, housekeepingMs);
    });
    await other.idle();
    const wf = (await store.listWorkflows())[0];
    const unfinished = await store.listUnfinished();
    await store.close();
    // Within one lease period plus one housekeeping interval (and a little for the test's own scheduling).
    expect(adoptedAt - killedAt).toBeLessThanOrEqual((childTimeouts.leaseMs ?? 0) + housekeepingMs + 300);
    expect(unfinished).toEqual([]);
    expect(wf?.state).toBe("done");
    expect(wf?.data.outcome).toBe("deployed");
    expect(noCache()).toBeUndefined();
    expect(rebuilds()).toHaveLength(1);
  });

  it.each(["Variables", "VariableUpsert", "ServiceInstanceDeployV2", "RecentDeployments", "VariableCollectionUpsert"])(
    "after a kill while Railway handles %s, recovery leaves no NO_CACHE and at most one rebuild",
    async (operation) => {
      const dbPath = join(dir, "railcache.db");
      const run = await runChild(dbPath, { killOnRequest: operation });
      expect(run.signal === "SIGKILL" || run.finished).toBe(true);
      const after = await restartAndRecover(dbPath);
      expect(after.unfinished).toEqual([]);
      expect(noCache()).toBeUndefined();
      // Killed before its answer came back, a rebuild request is looked for, never blindly repeated.
      expect(rebuilds()).toHaveLength(1);
      expect(rebuilds().filter((d) => d.usedCache === false)).toHaveLength(1);
      expect(after.workflows[0]?.state).toBe("done");
      expect(after.workflows[0]?.data.outcome).toBe("deployed");
    },
  );
});

const pgUrl = process.env.RAILCACHE_TEST_DATABASE_URL;

describe.skipIf(!pgUrl)("three replicas on PostgreSQL (kill -9 of the one driving a clear)", () => {
  it("exactly one of the two others takes it over within one lease plus one housekeeping interval and finishes it", async () => {
    const schema = `rc_crash_${randomBytes(4).toString("hex")}`;
    const pgOptions = { url: pgUrl as string, schema };
    const run = await runChild(join(dir, "unused.db"), { hangAt: "building", pg: pgOptions });
    const killedAt = Date.now();
    expect(run.signal).toBe("SIGKILL");

    const stores = [await openPostgresStore({ connectionString: pgOptions.url, schema }), await openPostgresStore({ connectionString: pgOptions.url, schema })];
    const replicas = [engineOn(stores[0]!, "bot-2"), engineOn(stores[1]!, "bot-3")];
    const housekeepingMs = 200;
    const adoptions: { replica: number; at: number }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const tick = setInterval(() => {
          replicas.forEach((replica, index) => {
            replica
              .housekeep()
              .then((result) => {
                if (result.resumed.includes(run.workflowId ?? "")) adoptions.push({ replica: index, at: Date.now() });
                if (adoptions.length) {
                  clearInterval(tick);
                  resolve();
                }
              })
              .catch(reject);
          });
        }, housekeepingMs);
      });
      await Promise.all(replicas.map((r) => r.idle()));
      // One more round on both: a finished workflow is adopted by nobody.
      expect((await Promise.all(replicas.map((r) => r.housekeep()))).flatMap((r) => r.resumed)).toEqual([]);
      expect(adoptions).toHaveLength(1);
      expect(adoptions[0]!.at - killedAt).toBeLessThanOrEqual((childTimeouts.leaseMs ?? 0) + housekeepingMs + 500);
      const wf = (await stores[0]!.listWorkflows())[0];
      expect(await stores[0]!.listUnfinished()).toEqual([]);
      expect(wf?.state).toBe("done");
      expect(wf?.data.outcome).toBe("deployed");
      expect(noCache()).toBeUndefined();
      expect(rebuilds()).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      const client = new pg.Client({ connectionString: pgOptions.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
