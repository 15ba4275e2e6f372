/**
 * Runs one cache clear with the real modules, as the bot would, for the crash-safety test.
 * It prints `STATE <state>` after every persisted step; with HANG_AT set it stops right after
 * that step, so the parent can `kill -9` it at a precise point.
 * Env: DB_PATH (SQLite) or PG_URL + PG_SCHEMA (PostgreSQL), RAILWAY_URL, HANG_AT (optional).
 */
import { WorkflowEngine } from "../../../src/core/workflow/engine.js";
import { defaultPolicy } from "../../../src/core/policy/policy.js";
import { systemClock } from "../../../src/core/ports/clock.js";
import { silentLogger } from "../../../src/log.js";
import { RailwayClient } from "../../../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID } from "../../../src/railway/simulator/demo.js";
import { openPostgresStore } from "../../../src/store/postgres/index.js";
import { openSqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { childTimeouts, crashActor, crashedInstance } from "./crash-setup.js";

const hangAt = process.env.HANG_AT;
const store = process.env.PG_URL
  ? await openPostgresStore({ connectionString: process.env.PG_URL, schema: process.env.PG_SCHEMA as string })
  : openSqliteStore({ path: process.env.DB_PATH as string });
const engine = new WorkflowEngine({
  store,
  railway: new RailwayClient({ endpoint: process.env.RAILWAY_URL as string, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", timeoutMs: 2_000 }),
  policy: defaultPolicy(),
  clock: systemClock,
  log: silentLogger(),
  projectId: DEMO_PROJECT_ID,
  timeouts: childTimeouts,
  instanceId: crashedInstance,
  onStep: async (update) => {
    process.stdout.write(`STATE ${update.state}\n`);
    if (update.state === hangAt) await new Promise(() => {});
  },
});

const asked = await engine.request({ actor: crashActor, kind: "clear", service: "web", environment: "production" });
if (!asked.ok) throw new Error(asked.reply.body);
process.stdout.write(`WORKFLOW ${asked.workflowId}\n`);
await engine.confirm(asked.workflowId, crashActor);
await engine.settled(asked.workflowId);
process.stdout.write("FINISHED\n");
await store.close();
