/**
 * The real railcache runtime for end-to-end tests: the composition root (src/runtime.ts) over a
 * temp SQLite file and the Railway simulator, on the simulator's clock. Nothing of ours is faked.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRuntime, type Runtime, type WatchSettings } from "../../src/runtime.js";
import { loadConfig } from "../../src/config.js";
import type { WorkflowTimeouts } from "../../src/core/workflow/engine.js";
import { mutationNames } from "../../src/railway/operations.js";
import { silentLogger, type Logger } from "../../src/log.js";
import type { Metrics } from "../../src/metrics.js";
import { simSettings } from "./sim-settings.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator, type SimulatorOptions } from "../../src/railway/simulator/index.js";

export interface TestRuntime {
  runtime: Runtime;
  sim: Simulator;
  dir: string;
  /** Names of the Railway mutations the simulator received, in order. */
  mutations(): string[];
  close(): Promise<void>;
}

export async function startTestRuntime(
  options: {
    policyToml?: string;
    sim?: SimulatorOptions;
    log?: Logger;
    timeouts?: Partial<WorkflowTimeouts>;
    env?: Record<string, string>;
    /** The long-running bot's extras: deploy watching and Prometheus counters. */
    watch?: WatchSettings;
    metrics?: Metrics;
  } = {},
): Promise<TestRuntime> {
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-test-"));
  const sim = await startSimulator({ settings: simSettings, ...options.sim });
  const env: Record<string, string> = {
    RAILWAY_API_TOKEN: DEMO_ACCOUNT_TOKEN,
    RAILWAY_PROJECT_ID: DEMO_PROJECT_ID,
    RAILWAY_API_URL: sim.url,
    RAILCACHE_DB: path.join(dir, "railcache.db"),
    RAILCACHE_CONFIG: path.join(dir, "railcache.toml"),
    ...options.env,
  };
  if (options.policyToml !== undefined) writeFileSync(env.RAILCACHE_CONFIG as string, options.policyToml);
  else delete env.RAILCACHE_CONFIG;
  const runtime = await createRuntime({
    config: loadConfig(env),
    log: options.log ?? silentLogger(),
    demo: false,
    requireRailway: true,
    clock: sim.clock,
    timeouts: { pollMs: 2_000, ...options.timeouts },
    ...(options.watch ? { watch: options.watch } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return {
    runtime,
    sim,
    dir,
    mutations: () => sim.requests.map((r) => r.operationName ?? "").filter((name) => (mutationNames as ReadonlySet<string>).has(name)),
    async close() {
      await runtime.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
