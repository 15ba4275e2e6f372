/**
 * Slash-command ack latency under 200 concurrent signed requests: railcache as deployed
 * (`node dist/cli.js start`, Slack HTTP mode on the shared port, the real BotCore over the
 * Railway simulator) against a bare Bolt app that only acks (bench/bare-bolt.ts), each in its
 * own process, in alternating rounds after a warm-up. The load, the fake Slack and the
 * simulator stay in this process, so neither server pays for them.
 *
 * Kept alike for both, so the ratio measures railcache and not the harness: the same node
 * flags (the Dockerfile's NODE_OPTIONS, malloc settings and CMD flags; the baseline is Bolt's own cost in the same runtime),
 * and stdout/stderr written to a file rather than a pipe this process would have to drain
 * while it generates the load (only railcache logs, so a pipe would tax its rounds alone).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { botScopes } from "../src/adapters/slack/manifest.js";
import { startSimulator } from "../src/railway/simulator/index.js";
import { signRequest, slashCommandBody } from "../test/fakes/slack/requests.js";
import { startFakeSlack, type FakeSlack } from "../test/fakes/slack/server.js";
import {
  terminator,
  BENCH_BOT_TOKEN,
  BENCH_SIGNING_SECRET,
  childLog,
  cpuMsOf,
  deployedNode,
  freePort,
  root,
  startServerChild,
  summarize,
  waitFor,
} from "./support.js";

export interface AckFigures {
  p50Ms: number;
  p99Ms: number;
  n: number;
  /** CPU time the server process spent per request (every thread, from /proc). */
  cpuPerAckMs: number;
}

/** One app against the bare Bolt baseline over the same rounds. */
export interface AckComparison {
  /** p99 over every measured request of the app / the same for the baseline. */
  pooledP99Ratio: number;
  /**
   * Round by round (each round is one burst, and adjacent rounds meet the same machine), the
   * app's p99 / the baseline's: the median and the range. The median is steady where the pooled
   * ratio is decided by the one or two worst bursts of a run.
   */
  roundP99Ratio: { median: number; min: number; max: number };
  /** The median burst p99 of the app / the median burst p99 of the baseline. */
  medianBurstP99Ratio: number;
  cpuRatio: number;
}

export interface AckBenchResult {
  railcache: AckFigures;
  bolt: AckFigures;
  /** A second, identical bare Bolt app: what the same comparison shows when there is nothing to find. */
  twin: AckFigures;
  /** A bare Bolt app that acks with railcache's own reply: the cost of the reply itself, without railcache. */
  sameReply: AckFigures;
  railcacheVsBolt: AckComparison;
  twinVsBolt: AckComparison;
  /** The bare app acking railcache's reply / the bare app acking empty: what the reply costs. */
  sameReplyVsBolt: AckComparison;
  /** railcache / the bare app acking the same reply: railcache's own overhead. */
  railcacheVsSameReply: AckComparison;
  /** Size of railcache's ack body for the benchmarked text. */
  replyBytes: number;
  concurrency: number;
  rounds: number;
}

interface Target {
  url: string;
  pid: number;
  /** Resolves once the work started by the requests sent so far has landed in Slack. */
  settle(sent: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Extra node flags for both servers, to look inside a run: BENCH_PROFILE=<dir> writes a V8 CPU
 * profile of each there (open it in Chrome DevTools); BENCH_NODE_ARGS adds any others (`--trace-gc`).
 */
const profileArgs = (): string[] => [
  ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
  ...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
];

/** Replies that came back inside an ack (questions and help), by target URL. */
const answeredInAck = new Map<string, number>();

/** `concurrency` signed `/railcache <text>` requests at once; the response times (the acks) in ms. */
async function round(url: string, concurrency: number, text: string): Promise<number[]> {
  const requests = Array.from({ length: concurrency }, () => {
    const { body, contentType } = slashCommandBody({ text });
    return { body, headers: { "content-type": contentType, ...signRequest(BENCH_SIGNING_SECRET, body) } };
  });
  return Promise.all(
    requests.map(async ({ body, headers }) => {
      const start = performance.now();
      const res = await fetch(url, { method: "POST", headers, body });
      const elapsed = performance.now() - start;
      if ((await res.text()).length > 0) answeredInAck.set(url, (answeredInAck.get(url) ?? 0) + 1);
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      return elapsed;
    }),
  );
}

/** The body of one signed `/railcache <text>` ack. */
async function ackBodyOf(url: string, text: string): Promise<string> {
  const { body, contentType } = slashCommandBody({ text });
  const res = await fetch(url, { method: "POST", headers: { "content-type": contentType, ...signRequest(BENCH_SIGNING_SECRET, body) }, body });
  const reply = await res.text();
  if (res.status !== 200 || reply === "") throw new Error(`railcache did not answer \`${text}\` inside its ack (${res.status})`);
  answeredInAck.set(url, (answeredInAck.get(url) ?? 0) + 1);
  return reply;
}

async function startBareBolt(slack: FakeSlack, ackBodyFile?: string): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-bolt-"));
  const log = childLog(path.join(dir, "output.log"));
  const node = deployedNode();
  const child = spawn(process.execPath, [...node.flags, ...profileArgs(), "--import", "tsx", path.join(root, "bench", "bare-bolt.ts")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      ...node.env,
      BOT_TOKEN: BENCH_BOT_TOKEN,
      SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      ...(ackBodyFile ? { ACK_BODY: ackBodyFile } : {}),
    },
    stdio: ["ignore", log.fd, log.fd],
  });
  log.spawned();
  const terminate = terminator(child);
  const stop = async () => {
    await terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`bare Bolt exited with ${child.exitCode}:\n${log.tail()}`);
        return log.tail().includes("listening");
      },
      "the bare Bolt app",
      20_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}/slack/events`, pid: child.pid as number, settle: async () => {}, stop };
}

export async function benchSlackAck(options: { concurrency?: number; rounds?: number; text?: string } = {}): Promise<AckBenchResult> {
  const concurrency = options.concurrency ?? 200;
  const rounds = options.rounds ?? 20;
  const text = options.text ?? "help";
  const slack = await startFakeSlack({ botToken: BENCH_BOT_TOKEN, scopes: botScopes(), channels: ["C0GENERAL"] });
  const sim = await startSimulator({ autoAdvance: true });
  const stops: (() => Promise<void>)[] = [() => sim.close(), () => slack.stop()];
  try {
    const server = await startServerChild({ slackApiUrl: slack.apiUrl, railwayUrl: sim.url, nodeArgs: profileArgs() });
    stops.unshift(server.stop);
    const url = `${server.base}/slack/events`;
    const replies = () => (answeredInAck.get(url) ?? 0) + slack.callsTo("chat.postEphemeral").length + slack.callsTo("chat.postMessage").length;
    const railcache: Target = {
      url,
      pid: server.child.pid as number,
      // Replies are posted after the ack: let them land before the other app's round.
      settle: (sent) => waitFor(() => replies() >= sent, `${sent} replies from railcache`, 20_000, 20),
      stop: server.stop,
    };
    const bolt = await startBareBolt(slack);
    stops.unshift(bolt.stop);
    const twin = await startBareBolt(slack);
    stops.unshift(twin.stop);
    // railcache's reply to the benchmarked text, exactly as it sends it, for a bare app to ack with.
    const replyDir = mkdtempSync(path.join(tmpdir(), "railcache-bench-reply-"));
    stops.push(async () => rmSync(replyDir, { recursive: true, force: true }));
    const replyFile = path.join(replyDir, "reply.json");
    const reply = await ackBodyOf(url, text);
    writeFileSync(replyFile, reply);
    const sameReply = await startBareBolt(slack, replyFile);
    stops.unshift(sameReply.stop);
    const targets = [railcache, bolt, twin, sameReply];

    const samples = new Map<Target, number[]>(targets.map((t) => [t, []]));
    const roundP99s = new Map<Target, number[]>(targets.map((t) => [t, []]));
    const sent = new Map<Target, number>(targets.map((t) => [t, 0]));
    const cpuMs = new Map<Target, number>(targets.map((t) => [t, 0]));
    const run = async (target: Target, keep: boolean) => {
      const cpuBefore = cpuMsOf(target.pid);
      const times = await round(target.url, concurrency, text);
      sent.set(target, (sent.get(target) ?? 0) + concurrency);
      await target.settle(sent.get(target) ?? 0);
      if (keep) {
        cpuMs.set(target, (cpuMs.get(target) ?? 0) + cpuMsOf(target.pid) - cpuBefore);
        samples.get(target)?.push(...times);
        roundP99s.get(target)?.push(summarize(times).p99);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    // Warm-up (JIT, connection pools), then the three in a rotating order, so drift in machine
    // load and the position in a round hit each alike.
    for (let i = 0; i < 2; i += 1) for (const target of targets) await run(target, false);
    for (let i = 0; i < rounds; i += 1) {
      for (let j = 0; j < targets.length; j += 1) await run(targets[(i + j) % targets.length] as Target, true);
    }
    const figures = (target: Target): AckFigures => {
      const all = summarize(samples.get(target) ?? []);
      return { p50Ms: all.p50, p99Ms: all.p99, n: all.n, cpuPerAckMs: (cpuMs.get(target) ?? 0) / all.n };
    };
    const compare = (target: Target, baseline = bolt): AckComparison => {
      const base = roundP99s.get(baseline) ?? [];
      const perRound = summarize((roundP99s.get(target) ?? []).map((p99, i) => p99 / (base[i] ?? Number.NaN)));
      const [mine, theirs] = [figures(target), figures(baseline)];
      return {
        pooledP99Ratio: mine.p99Ms / theirs.p99Ms,
        roundP99Ratio: { median: perRound.p50, min: perRound.min, max: perRound.max },
        medianBurstP99Ratio: summarize(roundP99s.get(target) ?? []).p50 / summarize(base).p50,
        cpuRatio: mine.cpuPerAckMs / theirs.cpuPerAckMs,
      };
    };
    return {
      railcache: figures(railcache),
      bolt: figures(bolt),
      twin: figures(twin),
      sameReply: figures(sameReply),
      railcacheVsBolt: compare(railcache),
      twinVsBolt: compare(twin),
      sameReplyVsBolt: compare(sameReply),
      railcacheVsSameReply: compare(railcache, sameReply),
      replyBytes: Buffer.byteLength(reply),
      concurrency,
      rounds,
    };
  } finally {
    for (const stop of stops) await stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchSlackAck();
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const app = (name: string, f: AckFigures) => `${name} p50 ${ms(f.p50Ms)} p99 ${ms(f.p99Ms)} cpu/ack ${f.cpuPerAckMs.toFixed(3)} ms`;
  const vs = (name: string, c: AckComparison) =>
    `${name}: p99 ratio per round median ${c.roundP99Ratio.median.toFixed(2)} (${c.roundP99Ratio.min.toFixed(2)} to ${c.roundP99Ratio.max.toFixed(2)}), of medians ${c.medianBurstP99Ratio.toFixed(2)}, pooled ${c.pooledP99Ratio.toFixed(2)}, CPU ${c.cpuRatio.toFixed(2)}`;
  console.log(
    `ack, ${r.concurrency} concurrent x ${r.rounds} rounds: ${app("railcache", r.railcache)}; ${app("bare Bolt", r.bolt)}; ${app("twin", r.twin)}; ${app("bare acking railcache's reply", r.sameReply)}`,
  );
  console.log(`  ${vs("railcache / bare", r.railcacheVsBolt)}\n  ${vs("twin / bare (A/A)", r.twinVsBolt)}`);
  console.log(`  ${vs("bare acking railcache's reply / bare", r.sameReplyVsBolt)}\n  ${vs("railcache / bare acking its reply", r.railcacheVsSameReply)}`);
}
