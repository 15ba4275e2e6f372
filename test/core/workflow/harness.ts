/**
 * A workflow engine wired the way the bot wires it: the real RailwayClient talking to the
 * Railway simulator on 127.0.0.1, a temp SQLite file, and the simulator's clock (sleeping moves
 * simulated time, so builds "take" minutes without the test waiting).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkflowEngine, type WorkflowTimeouts, type WorkflowUpdate } from "../../../src/core/workflow/engine.js";
import { defaultPolicy, type Policy } from "../../../src/core/policy/policy.js";
import { MessengerRegistry } from "../../../src/core/messengers.js";
import type { Actor, ChatTarget } from "../../../src/core/ports/chat.js";
import type { Reply } from "../../../src/core/reply.js";
import { RailwayClient } from "../../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type Simulator } from "../../../src/railway/simulator/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import type { Store } from "../../../src/core/ports/store.js";
import { silentLogger } from "../../../src/log.js";
import { simSettings } from "../../support/sim-settings.js";

export const alice: Actor = { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: ["S0DEV"] };
export const bob: Actor = { platform: "slack", userId: "U0BOB", displayName: "Bob", groups: ["S0OPS"] };
export const carol: Actor = { platform: "slack", userId: "U0CAROL", displayName: "Carol", groups: [] };

export interface Posted {
  target: ChatTarget;
  reply: Reply;
}

export interface Harness {
  sim: Simulator;
  store: Store;
  engine: WorkflowEngine;
  updates: WorkflowUpdate[];
  /** New messages the engine posted through its outbox next to the status message (alerts). */
  alerts: Posted[];
  /** Edits of a status message through the outbox (only once a workflow has a message attached). */
  edits: Posted[];
  dbPath: string;
  /** A fresh engine on the same store, simulator and updates list, as after a restart (optionally with another policy or timeouts). */
  restart(options?: EngineOptions): WorkflowEngine;
  /** How many requests the simulator got for an operation. */
  count(operationName: string): number;
  noCacheOn(service: string, env: string): string | undefined;
  close(): Promise<void>;
}

export const fastTimeouts: Partial<WorkflowTimeouts> = {
  pollMs: 5_000,
};

interface EngineOptions {
  policy?: Policy;
  timeouts?: Partial<WorkflowTimeouts>;
  instanceId?: string;
}

export async function createHarness(options: EngineOptions = {}): Promise<Harness> {
  const sim = await startSimulator({ settings: simSettings });
  const dir = mkdtempSync(join(tmpdir(), "railcache-workflow-"));
  const dbPath = join(dir, "railcache.db");
  const store = openSqliteStore({ path: dbPath, now: sim.clock.now });
  const updates: WorkflowUpdate[] = [];
  // Slack as far as the engine can tell: every post (an alert) and every edit of a status message, recorded.
  const alerts: Posted[] = [];
  const edits: Posted[] = [];
  let nextTs = 1;
  const outbox = MessengerRegistry.of({
    slack: {
      post: async (target, reply) => {
        alerts.push({ target, reply });
        return { ...target, messageId: String(nextTs++) };
      },
      update: async (ref, reply) => {
        edits.push({ target: ref, reply });
      },
    },
  });
  const railway = new RailwayClient({
    endpoint: sim.url,
    token: DEMO_ACCOUNT_TOKEN,
    tokenKind: "account",
    clock: sim.clock,
    timeoutMs: 250,
    retries: 2,
    random: () => 0.5,
  });
  const make = (overrides: EngineOptions = {}) =>
    new WorkflowEngine({
      store,
      railway,
      policy: overrides.policy ?? options.policy ?? defaultPolicy(),
      clock: sim.clock,
      log: silentLogger(),
      projectId: DEMO_PROJECT_ID,
      onStep: async (update) => {
        updates.push(update);
      },
      outbox,
      ...(overrides.instanceId ? { instanceId: overrides.instanceId } : {}),
      timeouts: { ...fastTimeouts, ...options.timeouts, ...overrides.timeouts },
    });
  return {
    sim,
    store,
    engine: make(),
    updates,
    alerts,
    edits,
    dbPath,
    restart: make,
    count: (operationName) => sim.requests.filter((r) => r.operationName === operationName).length,
    noCacheOn: (service, env) => {
      const instance = sim.world.instanceByName(service, env);
      return sim.world.vars(instance.serviceId, instance.environmentId).get("NO_CACHE");
    },
    close: async () => {
      await store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
