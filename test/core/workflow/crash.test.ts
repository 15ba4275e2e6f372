/**
 * Crash safety: the workflow runs in a child process that is killed with SIGKILL right after
 * each step in turn (and in the middle of the Railway calls that change things). After a
 * restart and `recover()`, NO_CACHE is gone, at most one rebuild happened, and the audit log
 * tells the story.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkflowEngine } from "../../../src/core/workflow/engine.js";
import { defaultPolicy } from "../../../src/core/policy/policy.js";
import { systemClock } from "../../../src/core/ports.js";
import { silentLogger } from "../../../src/log.js";
import { RailwayClient } from "../../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator } from "../../../src/railway/simulator/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { childTimeouts } from "./crash-setup.js";

const childScript = fileURLToPath(new URL("./crash-child.ts", import.meta.url));

let sim: Simulator;
let dir: string;
let ticker: NodeJS.Timeout;
let startedAt: number;

beforeEach(async () => {
  sim = await startSimulator();
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
function runChild(dbPath: string, options: { hangAt?: string; killOnRequest?: string }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", childScript], {
      env: { ...process.env, DB_PATH: dbPath, RAILWAY_URL: sim.url, HANG_AT: options.hangAt ?? "" },
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

async function restartAndRecover(dbPath: string) {
  const store = openSqliteStore({ path: dbPath });
  const engine = new WorkflowEngine({
    store,
    railway: new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", timeoutMs: 2_000 }),
    policy: defaultPolicy(),
    clock: systemClock,
    log: silentLogger(),
    projectId: DEMO_PROJECT_ID,
    timeouts: childTimeouts,
  });
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
  const afterStep = [
    { hangAt: "confirmed", rebuilt: 0, outcome: "failed" },
    { hangAt: "no_cache_set", rebuilt: 0, outcome: "failed" },
    { hangAt: "rebuild_triggered", rebuilt: 1, outcome: "deployed" },
    { hangAt: "building", rebuilt: 1, outcome: "deployed" },
    { hangAt: "no_cache_removed", rebuilt: 1, outcome: "deployed" },
    { hangAt: "deployed", rebuilt: 1, outcome: "deployed" },
  ];

  it.each(afterStep)("after a kill right after $hangAt, recovery removes NO_CACHE and finishes ($outcome, $rebuilt rebuild)", async ({ hangAt, rebuilt, outcome }) => {
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
    if (rebuilt === 0) expect(wf?.data.failure).toMatch(/railcache restarted before the rebuild started/);
  });

  it.each(["VariableUpsert", "ServiceInstanceDeployV2", "VariableDelete"])(
    "after a kill while Railway handles %s, recovery leaves no NO_CACHE and at most one rebuild",
    async (operation) => {
      const dbPath = join(dir, "railcache.db");
      const run = await runChild(dbPath, { killOnRequest: operation });
      expect(run.signal === "SIGKILL" || run.finished).toBe(true);
      const after = await restartAndRecover(dbPath);
      expect(after.unfinished).toEqual([]);
      expect(noCache()).toBeUndefined();
      expect(rebuilds().length).toBeLessThanOrEqual(1);
      expect(sim.requests.filter((r) => r.operationName === "ServiceInstanceDeployV2").length).toBeLessThanOrEqual(1);
      expect(after.workflows[0]?.state).toBe("done");
    },
  );
});
