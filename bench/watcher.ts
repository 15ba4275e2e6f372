/**
 * Railway requests per hour for watching 50 services x 2 environments: the real Watcher polling
 * the simulator for one simulated hour, with one stale-cache failure along the way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "../src/core/ports/clock.js";
import { Watcher } from "../src/core/watcher/index.js";
import { silentLogger } from "../src/log.js";
import { RailwayClient } from "../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator } from "../src/railway/simulator/index.js";
import { openSqliteStore } from "../src/store/index.js";
import { bigWorld, hour } from "./support.js";
import { MessengerRegistry } from "../src/core/messengers.js";

export async function benchWatcherBudget(): Promise<{ requestsPerHour: number; polls: number }> {
  const sim = await startSimulator({ world: bigWorld(Date.parse("2026-11-25T09:00:00Z")) });
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-"));
  const store = openSqliteStore({ path: path.join(dir, "bench.db"), now: () => sim.clock.now() });
  const start = sim.clock.now();
  const controller = new AbortController();
  let staged = false;
  const clock: Clock = {
    now: sim.clock.now,
    sleep: async (ms) => {
      await sim.clock.sleep(Math.min(ms, start + hour - sim.clock.now()));
      if (!staged && sim.clock.now() - start > hour / 2) {
        staged = true;
        sim.scenario.staleCache("svc-07", "production");
        sim.scenario.push("svc-07", "production", { message: "Add loyalty tier" });
      }
      if (sim.clock.now() >= start + hour) controller.abort();
    },
  };
  const railway = new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", clock });
  const sink = { post: async (target: { platform: "console"; channelId: string }) => ({ ...target, messageId: "1" }), update: async () => {} };
  const watcher = new Watcher({
    railway,
    store,
    projectId: DEMO_PROJECT_ID,
    outbox: MessengerRegistry.of({ console: sink }),
    routing: { default: { platform: "console", channelId: "alerts" } },
    rules: { configFile: { enabled: false } },
    clock,
    log: silentLogger(),
  });
  sim.requests.length = 0;
  await watcher.run(controller.signal);
  await watcher.idle();
  const polls = sim.requests.filter((r) => r.operationName === "ProjectStatus").length;
  const result = { requestsPerHour: sim.requests.length, polls };
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchWatcherBudget();
  console.log(`watching 50 services x 2 environments: ${r.requestsPerHour} requests in a simulated hour (${r.polls} polls)`);
}
