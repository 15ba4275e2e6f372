/**
 * Railway requests for one whole confirmed cache clear of a service whose uncached build takes
 * 5 minutes: the real WorkflowEngine with its default timeouts and the real RailwayClient against
 * the simulator (on its clock), from `/railcache clear` to the final message. Run under both
 * guesses about Railway: variable changes deploy, or they do not.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultPolicy } from "../src/core/policy/policy.js";
import { WorkflowEngine } from "../src/core/workflow/engine.js";
import { silentLogger } from "../src/log.js";
import { RailwayClient } from "../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator } from "../src/railway/simulator/index.js";
import { openSqliteStore } from "../src/store/index.js";

export interface ClearFigures {
  variableChangesDeploy: boolean;
  requests: number;
  byOperation: Record<string, number>;
  outcome: string | null;
  /** From the build leaving BUILDING to NO_CACHE being removed (simulated ms). */
  noCacheRemovedAfterMs: number;
  /** From confirmation to the final message (simulated ms). */
  clearMs: number;
}

const BUILD_MS = 5 * 60_000;

export async function benchClearRequests(variableChangesDeploy: boolean): Promise<ClearFigures> {
  const sim = await startSimulator({ settings: { variableChangesDeploy, uncachedBuildMs: BUILD_MS } });
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-"));
  const store = openSqliteStore({ path: path.join(dir, "bench.db"), now: () => sim.clock.now() });
  try {
    const railway = new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", clock: sim.clock });
    const engine = new WorkflowEngine({ store, railway, policy: defaultPolicy(), clock: sim.clock, log: silentLogger(), projectId: DEMO_PROJECT_ID });
    const actor = { platform: "cli" as const, userId: "ops", groups: [] };
    sim.requests.length = 0;
    const asked = await engine.request({ actor, kind: "clear", service: "web", environment: "production" });
    if (!asked.ok) throw new Error(asked.reply.body);
    const confirmedAt = sim.clock.now();
    await engine.confirm(asked.workflowId, actor);
    const wf = await engine.settled(asked.workflowId);
    const rebuilt = wf?.data.newDeploymentId ? sim.world.deployments.get(wf.data.newDeploymentId) : undefined;
    if (!rebuilt || !wf?.data.noCacheRemovedAt) throw new Error(`the clear did not finish: ${wf?.state ?? "missing"}`);
    // Queued 2 s, initializing 3 s, then BUILDING for BUILD_MS (world.ts).
    const buildOver = rebuilt.createdAt + 5_000 + BUILD_MS;
    const byOperation: Record<string, number> = {};
    for (const r of sim.requests) byOperation[r.operationName ?? "?"] = (byOperation[r.operationName ?? "?"] ?? 0) + 1;
    return {
      variableChangesDeploy,
      requests: sim.requests.length,
      byOperation,
      outcome: wf.data.outcome,
      noCacheRemovedAfterMs: wf.data.noCacheRemovedAt - buildOver,
      clearMs: wf.updatedAt - confirmedAt,
    };
  } finally {
    await store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const deploys of [true, false]) console.log(await benchClearRequests(deploys));
}
