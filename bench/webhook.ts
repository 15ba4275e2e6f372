/**
 * Webhook received -> warning posted: a current-format `Deployment.crashed` POSTed to the real
 * HTTP server (webhook handler -> Watcher -> RailwayClient re-fetch and log tail from the
 * simulator -> classifier -> SlackMessenger), timed until the fake Slack has recorded the
 * chat.postMessage carrying that deployment's card. One at a time, then a burst all at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { webApi } from "@slack/bolt";
import { pino } from "pino";
import { botScopes } from "../src/adapters/slack/manifest.js";
import { SlackMessenger } from "../src/adapters/slack/messenger.js";
import { Watcher } from "../src/core/watcher/index.js";
import { createHttpServer } from "../src/http/server.js";
import { createWebhookHandler, WEBHOOK_PATH_PREFIX } from "../src/http/webhooks.js";
import { createLogger } from "../src/log.js";
import { createMetrics } from "../src/metrics.js";
import { RailwayClient } from "../src/railway/client.js";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator, type SimDeployment, type Simulator } from "../src/railway/simulator/index.js";
import { openSqliteStore } from "../src/store/index.js";
import { startFakeSlack, type PostedMessage } from "../test/fakes/slack/server.js";
import { bigWorld, summarize } from "./support.js";
import { MessengerRegistry } from "../src/core/messengers.js";

const BOT_TOKEN = "xoxb-4242-4242-bench-webhook-token";
const SECRET = "wh-bench-0123456789abcdef0123456789abcdef";
const ALERTS = "C0ALERTS";

export interface WebhookBenchResult {
  /** Webhooks sent one at a time (each waits for its card). */
  sequential: { p50Ms: number; p99Ms: number; maxMs: number; n: number };
  /** The webhook's own HTTP answer (202), sequential case. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** `burst` webhooks sent at once. */
  burst: { p50Ms: number; p99Ms: number; maxMs: number; n: number };
  railwayRequestsPerWarning: number;
}

/** Railway's current webhook payload for a deployment event. */
function payload(sim: Simulator, d: SimDeployment, type: string) {
  const service = sim.world.services.get(d.serviceId);
  const env = sim.world.environments.get(d.environmentId);
  return {
    type,
    details: { id: d.id, source: "GitHub", status: d.status, branch: "main", commitHash: d.meta.commitHash },
    resource: {
      workspace: { id: "ws-bench", name: "Bench" },
      project: { id: d.projectId, name: "big-shop" },
      environment: { id: d.environmentId, name: env?.name ?? "", isEphemeral: false },
      service: { id: d.serviceId, name: service?.name ?? "" },
      deployment: { id: d.id },
    },
    severity: "WARNING",
    timestamp: new Date(sim.clock.now()).toISOString(),
  };
}

export async function benchWebhook(options: { sequential?: number; burst?: number; warmup?: number } = {}): Promise<WebhookBenchResult> {
  const sequentialCount = options.sequential ?? 100;
  const burstCount = options.burst ?? 50;
  const warmupCount = options.warmup ?? 10;
  const services = Math.max(sequentialCount, burstCount + warmupCount);
  const sim = await startSimulator({ world: bigWorld(Date.parse("2026-11-25T09:00:00Z"), services) });
  const slack = await startFakeSlack({ botToken: BOT_TOKEN, scopes: botScopes(), channels: [ALERTS] });
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-webhook-"));
  const store = openSqliteStore({ path: path.join(dir, "bench.db"), now: sim.clock.now });
  // Logs as in production (JSON lines at info), written to /dev/null instead of stdout.
  const log = createLogger({ destination: pino.destination({ dest: "/dev/null", sync: false }) });

  // When the fake Slack records each message: the moment the warning is "posted".
  const waiting = new Map<string, (at: number) => void>();
  const record = slack.messages.push.bind(slack.messages);
  slack.messages.push = (...messages: PostedMessage[]) => {
    const at = performance.now();
    for (const message of messages) {
      const text = JSON.stringify(message.blocks ?? message.text ?? "");
      for (const [deploymentId, resolve] of waiting) {
        if (text.includes(deploymentId)) {
          waiting.delete(deploymentId);
          resolve(at);
        }
      }
    }
    return record(...messages);
  };

  const railway = new RailwayClient({ endpoint: sim.url, token: DEMO_ACCOUNT_TOKEN, tokenKind: "account", clock: sim.clock, log });
  const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 3 } });
  const watcher = new Watcher({
    railway,
    store,
    projectId: DEMO_PROJECT_ID,
    outbox: MessengerRegistry.of({ slack: new SlackMessenger(client) }),
    routing: { default: { platform: "slack", channelId: ALERTS } },
    clock: sim.clock,
    log,
  });
  const http = createHttpServer({
    metrics: createMetrics(),
    log,
    readiness: async () => ({ ready: true, checks: {} }),
    routes: [{ method: "POST", prefix: WEBHOOK_PATH_PREFIX, handler: createWebhookHandler({ secret: SECRET, watcher, log }) }],
  });
  const port = await http.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}${WEBHOOK_PATH_PREFIX}${SECRET}`;

  try {
    // As the leader does on start: one poll, so names are known and old deployments are history.
    await watcher.pollOnce();
    await watcher.idle();
    const stage = (env: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => sim.scenario.staleCache(`svc-${String(from + i).padStart(2, "0")}`, env) as SimDeployment);
    const warmup = stage("staging", 1, warmupCount);
    const burst = stage("staging", warmupCount + 1, burstCount);
    const sequential = stage("production", 1, sequentialCount);
    sim.advance(3 * 60_000);
    for (const d of [...warmup, ...burst, ...sequential]) if (d.status !== "CRASHED") throw new Error(`staged deployment ${d.id} is ${d.status}`);
    const requestsBefore = sim.requests.length;

    /** POSTs the webhook; resolves with [ms to the 202, ms to the card in Slack]. */
    const deliver = async (d: SimDeployment): Promise<[number, number]> => {
      const posted = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no card for ${d.id} within 10 s`)), 10_000);
        waiting.set(d.id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const start = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload(sim, d, "Deployment.crashed")),
      });
      const acked = performance.now();
      const body = (await res.json()) as { outcome?: string };
      if (res.status !== 202 || body.outcome !== "accepted") throw new Error(`webhook for ${d.id} answered ${res.status} ${JSON.stringify(body)}`);
      return [acked - start, (await posted) - start];
    };

    for (const d of warmup) await deliver(d);
    const acks: number[] = [];
    const totals: number[] = [];
    for (const d of sequential) {
      const [ack, total] = await deliver(d);
      acks.push(ack);
      totals.push(total);
    }
    const burstTotals = (await Promise.all(burst.map(deliver))).map(([, total]) => total);
    await watcher.idle();

    const cards = slack.okCallsTo("chat.postMessage").length;
    const expected = warmupCount + sequentialCount + burstCount;
    if (cards !== expected) throw new Error(`expected ${expected} cards in Slack, saw ${cards}`);
    const seq = summarize(totals);
    const ack = summarize(acks);
    const b = summarize(burstTotals);
    return {
      sequential: { p50Ms: seq.p50, p99Ms: seq.p99, maxMs: seq.max, n: seq.n },
      ackP50Ms: ack.p50,
      ackP99Ms: ack.p99,
      burst: { p50Ms: b.p50, p99Ms: b.p99, maxMs: b.max, n: b.n },
      railwayRequestsPerWarning: (sim.requests.length - requestsBefore) / expected,
    };
  } finally {
    await http.close(1_000);
    await watcher.idle();
    await store.close();
    await slack.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchWebhook();
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `webhook -> warning in Slack, one at a time (n=${r.sequential.n}): p50 ${ms(r.sequential.p50Ms)}  p99 ${ms(r.sequential.p99Ms)}  max ${ms(r.sequential.maxMs)}`,
  );
  console.log(`webhook 202 answer: p50 ${ms(r.ackP50Ms)}  p99 ${ms(r.ackP99Ms)}`);
  console.log(`webhook -> warning, burst of ${r.burst.n} at once: p50 ${ms(r.burst.p50Ms)}  p99 ${ms(r.burst.p99Ms)}  max ${ms(r.burst.maxMs)}`);
  console.log(`Railway requests per warning: ${r.railwayRequestsPerWarning.toFixed(1)}`);
}
