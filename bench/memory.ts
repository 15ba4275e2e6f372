/**
 * Resident memory of `railcache start` as deployed (Slack HTTP mode against the fake Slack,
 * the watcher on 50 services x 2 environments of the simulator, SQLite, webhooks on): idle
 * after start-up, at its peak under a load of signed slash commands and questions, and once
 * the load has been answered. RSS is the kernel's figure for the child (`ps -o rss=`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { botScopes } from "../src/adapters/slack/manifest.js";
import { startSimulator } from "../src/railway/simulator/index.js";
import { appMentionEvent, eventCallbackBody, signRequest, slashCommandBody, type Delivery } from "../test/fakes/slack/requests.js";
import { startFakeSlack } from "../test/fakes/slack/server.js";
import { BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, bigWorld, root, startServerChild, waitFor } from "./support.js";

export interface MemoryBenchResult {
  /** Resident set sizes in bytes. */
  idleBytes: number;
  peakBytes: number;
  /** Largest V8 heap in use during the load (from /metrics): what the process really needed. */
  peakHeapUsedBytes: number;
  afterLoadBytes: number;
  commands: number;
  questions: number;
  /** The child's own figure from /metrics (process_resident_memory_bytes) after the load, as a cross-check. */
  metricsAfterLoadBytes: number | null;
}

function questionTexts(): string[] {
  return readFileSync(path.join(root, "test", "fixtures", "questions.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

/** Sends one signed delivery; true when the answer came back inside the ack (questions, help). */
async function send(url: string, delivery: Delivery): Promise<boolean> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": delivery.contentType, ...signRequest(BENCH_SIGNING_SECRET, delivery.body) },
    body: delivery.body,
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`railcache answered ${res.status}`);
  return body.length > 0;
}

export async function benchMemory(options: { commands?: number; questions?: number; concurrency?: number } = {}): Promise<MemoryBenchResult> {
  const commands = options.commands ?? 500;
  const questions = options.questions ?? 100;
  const concurrency = options.concurrency ?? 50;
  const slack = await startFakeSlack({ botToken: BENCH_BOT_TOKEN, scopes: botScopes(), channels: ["C0GENERAL", "C0ALERTS"] });
  const sim = await startSimulator({ world: bigWorld(Date.now(), 50), autoAdvance: true });
  const stops: (() => Promise<void>)[] = [() => sim.close(), () => slack.stop()];
  try {
    const server = await startServerChild({ slackApiUrl: slack.apiUrl, railwayUrl: sim.url, warnChannel: "C0ALERTS" });
    stops.unshift(server.stop);
    const url = `${server.base}/slack/events`;

    // Idle: the watcher has polled once and the process has settled.
    await waitFor(() => sim.requests.some((r) => r.operationName === "ProjectStatus"), "the watcher's first poll");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      idle.push(await server.rss());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // Load: commands (help and status) and questions (mentions), `concurrency` at a time, sampling RSS meanwhile.
    const texts = questionTexts();
    const deliveries: Delivery[] = [
      ...Array.from({ length: commands }, (_, i) => slashCommandBody({ text: i % 5 === 4 ? "status" : "help" })),
      ...Array.from({ length: questions }, (_, i) =>
        eventCallbackBody(appMentionEvent({ text: `<@U0BOT> ${texts[i % texts.length] ?? ""}`, ts: `1764061200.${String(i).padStart(6, "0")}` })),
      ),
    ];
    // Spread the questions evenly among the commands.
    for (let i = commands; i < deliveries.length; i += 1) {
      const j = Math.floor(((i - commands) * commands) / questions);
      [deliveries[i], deliveries[j]] = [deliveries[j] as Delivery, deliveries[i] as Delivery];
    }
    let peak = 0;
    let peakHeap = 0;
    let sampling = true;
    const heapUsed = async () => Number(/^nodejs_heap_size_used_bytes (\d+)/m.exec(await (await fetch(`${server.base}/metrics`)).text())?.[1] ?? 0);
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await server.rss());
        peakHeap = Math.max(peakHeap, await heapUsed());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let inAck = 0;
    const replies = () =>
      inAck + [...slack.callsTo("chat.postEphemeral"), ...slack.callsTo("chat.postMessage")].filter((c) => c.args.channel === "C0GENERAL").length;
    for (let i = 0; i < deliveries.length; i += concurrency) {
      const answered = await Promise.all(deliveries.slice(i, i + concurrency).map((d) => send(url, d)));
      inAck += answered.filter(Boolean).length;
    }
    await waitFor(() => replies() >= commands + questions, `${commands + questions} replies in Slack`, 40_000, 50);
    sampling = false;
    await sampler;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await server.rss();
    peak = Math.max(peak, after);
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    const reported = /^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1];
    return {
      idleBytes: Math.max(...idle),
      peakBytes: peak,
      peakHeapUsedBytes: peakHeap,
      afterLoadBytes: after,
      commands,
      questions,
      metricsAfterLoadBytes: reported ? Number(reported) : null,
    };
  } finally {
    for (const stop of stops) await stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchMemory();
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(
    `railcache start RSS: idle ${mb(r.idleBytes)}, peak under ${r.commands} commands + ${r.questions} questions ${mb(r.peakBytes)}, after ${mb(r.afterLoadBytes)} (/metrics says ${r.metricsAfterLoadBytes === null ? "n/a" : mb(r.metricsAfterLoadBytes)})`,
  );
}
