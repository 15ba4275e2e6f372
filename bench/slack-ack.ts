/**
 * Slash-command ack latency under 200 concurrent signed requests: railcache as deployed
 * (`node dist/cli.js start`, Slack HTTP mode on the shared port, the real BotCore over the
 * Railway simulator) against a bare Bolt app that only acks (bench/bare-bolt.ts), each in its
 * own process, in alternating rounds after a warm-up. The load, the fake Slack and the
 * simulator stay in this process, so neither server pays for them.
 *
 * Kept alike for both, so the ratio measures railcache and not the harness: the same node
 * flags (the Dockerfile's NODE_OPTIONS and CMD flags; the baseline is Bolt's own cost in the same runtime),
 * and stdout/stderr written to a file rather than a pipe this process would have to drain
 * while it generates the load (only railcache logs, so a pipe would tax its rounds alone).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { botScopes } from "../src/adapters/slack/manifest.js";
import { startSimulator } from "../src/railway/simulator/index.js";
import { signRequest, slashCommandBody } from "../test/fakes/slack/requests.js";
import { startFakeSlack, type FakeSlack } from "../test/fakes/slack/server.js";
import { terminator, BENCH_BOT_TOKEN, BENCH_SIGNING_SECRET, childLog, cpuMsOf, deployedNode, freePort, root, startServerChild, summarize, waitFor } from "./support.js";

export interface AckBenchResult {
  railcache: { p50Ms: number; p99Ms: number; n: number };
  bolt: { p50Ms: number; p99Ms: number; n: number };
  /** railcache p99 / bare Bolt p99, over every measured request. */
  ratio: number;
  /**
   * CPU time each server process spent per request over the measured rounds (every thread, from
   * /proc): the cost behind the latency, steady from run to run where wall-clock is not.
   */
  cpuPerAckMs: { railcache: number; bolt: number };
  /**
   * The same ratio per pair of adjacent rounds (railcache's round p99 / Bolt's): how much one
   * run can be trusted on a shared machine.
   */
  roundRatios: { median: number; min: number; max: number };
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

async function startBareBolt(slack: FakeSlack): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-bolt-"));
  const log = childLog(path.join(dir, "output.log"));
  const node = deployedNode();
  const child = spawn(process.execPath, [...node.flags, ...profileArgs(), "--import", "tsx", path.join(root, "bench", "bare-bolt.ts")], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: node.nodeOptions, BOT_TOKEN: BENCH_BOT_TOKEN, SIGNING_SECRET: BENCH_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, PORT: String(port) },
    stdio: ["ignore", log.fd, log.fd],
  });
  log.spawned();
  const terminate = terminator(child);
  const stop = async () => {
    await terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`bare Bolt exited with ${child.exitCode}:\n${log.tail()}`);
      return log.tail().includes("listening");
    }, "the bare Bolt app", 20_000);
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

    const samples = new Map<Target, number[]>([
      [railcache, []],
      [bolt, []],
    ]);
    const roundP99s = new Map<Target, number[]>([
      [railcache, []],
      [bolt, []],
    ]);
    const sent = new Map<Target, number>([
      [railcache, 0],
      [bolt, 0],
    ]);
    const cpuMs = new Map<Target, number>([
      [railcache, 0],
      [bolt, 0],
    ]);
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
    // Warm-up (JIT, connection pools), then a-b, b-a, ... so drift in machine load hits both alike.
    for (let i = 0; i < 2; i += 1) {
      await run(railcache, false);
      await run(bolt, false);
    }
    for (let i = 0; i < rounds; i += 1) {
      for (const target of i % 2 === 0 ? [railcache, bolt] : [bolt, railcache]) await run(target, true);
    }
    const a = summarize(samples.get(railcache) ?? []);
    const b = summarize(samples.get(bolt) ?? []);
    const boltRounds = roundP99s.get(bolt) ?? [];
    const pairs = summarize((roundP99s.get(railcache) ?? []).map((p99, i) => p99 / (boltRounds[i] ?? Number.NaN)));
    return {
      railcache: { p50Ms: a.p50, p99Ms: a.p99, n: a.n },
      bolt: { p50Ms: b.p50, p99Ms: b.p99, n: b.n },
      ratio: a.p99 / b.p99,
      roundRatios: { median: pairs.p50, min: pairs.min, max: pairs.max },
      cpuPerAckMs: { railcache: (cpuMs.get(railcache) ?? 0) / a.n, bolt: (cpuMs.get(bolt) ?? 0) / b.n },
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
  console.log(`ack, ${r.concurrency} concurrent x ${r.rounds} rounds: railcache p50 ${ms(r.railcache.p50Ms)} p99 ${ms(r.railcache.p99Ms)}; bare Bolt p50 ${ms(r.bolt.p50Ms)} p99 ${ms(r.bolt.p99Ms)}; p99 ratio ${r.ratio.toFixed(2)} (per round pair: median ${r.roundRatios.median.toFixed(2)}, ${r.roundRatios.min.toFixed(2)} to ${r.roundRatios.max.toFixed(2)}); CPU per ack: railcache ${r.cpuPerAckMs.railcache.toFixed(3)} ms, bare Bolt ${r.cpuPerAckMs.bolt.toFixed(3)} ms`);
}
