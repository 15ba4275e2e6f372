/**
 * One railcache replica for test/store/replicas.test.ts: contends for the "watcher" lease and,
 * while leader, posts every queued warning (kv `warning-queue:<id>`) exactly once: skip it if the
 * audit log already shows it posted, claim it with claimOnce(`warning:<id>`), "post" it (a pause
 * standing in for the chat API call), then record `warning.posted` in the audit log. A replica
 * killed between claim and record leaves a claim that expires after the lease ttl, and the next
 * leader posts the warning then.
 * Reports leadership changes as JSON lines on stdout. Config comes from the environment.
 */
import { LeaderElector } from "../../src/store/leader.js";
import { openPostgresStore } from "../../src/store/postgres/index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`replica-child: ${name} is not set`);
  return value;
};

const holder = env("REPLICA_HOLDER");
const ttlMs = Number(env("REPLICA_TTL_MS"));
const renewEveryMs = Number(env("REPLICA_RENEW_MS"));
const pollMs = Number(env("REPLICA_POLL_MS"));
const postDelayMs = Number(env("REPLICA_POST_DELAY_MS"));
const queuePrefix = "warning-queue:";

const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ holder, at: Date.now(), ...line })}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const store = await openPostgresStore({ connectionString: env("RAILCACHE_TEST_DATABASE_URL"), schema: env("REPLICA_SCHEMA"), maxConnections: 3 });
const elector = new LeaderElector({ store, name: "watcher", holder, ttlMs, renewEveryMs });
elector.onChange((leader) => report({ type: "leadership", leader }));

async function postWarnings(): Promise<void> {
  const queued = await store.kvList(queuePrefix);
  const posted = new Set((await store.listAudit({ event: "warning.posted", limit: 100_000 })).map((e) => e.details.warningId));
  for (const { key } of queued) {
    const id = key.slice(queuePrefix.length);
    if (posted.has(id)) continue;
    if (!elector.isLeader()) return;
    if (!(await store.claimOnce(`warning:${id}`, ttlMs))) continue;
    await sleep(postDelayMs);
    await store.appendAudit({
      at: Date.now(),
      event: "warning.posted",
      workflowId: null,
      actor: "railcache",
      service: null,
      environment: null,
      details: { warningId: id, holder },
    });
  }
}

let running = true;
process.on("SIGTERM", () => {
  running = false;
});

elector.start();
report({ type: "ready" });
while (running) {
  if (elector.isLeader()) {
    try {
      await postWarnings();
    } catch (error) {
      process.stderr.write(`${holder}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  await sleep(pollMs);
}
await elector.stop();
await store.close();
