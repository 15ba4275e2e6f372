/** Helpers shared by the benchmarks: percentiles, a big simulated project, free ports, the real server as a child. */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, World } from "../src/railway/simulator/index.js";
import { execForm, parseDockerfile } from "../test/ops/dockerfile.js";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const hour = 60 * 60 * 1000;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export function summarize(samples: number[]): { p50: number; p99: number; min: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0, n: sorted.length };
}

/** The demo project id with `services` services (svc-01 ...), each deployed once to production and staging, three hours ago. */
export function bigWorld(now: number, services = 50): World {
  const world = new World({ now: now - 3 * hour });
  const project = world.addProject("big-shop", { id: DEMO_PROJECT_ID });
  const envs = [world.addEnvironment(project.id, "production"), world.addEnvironment(project.id, "staging")];
  for (let i = 1; i <= services; i += 1) {
    const id = String(i).padStart(2, "0");
    const service = world.addService(project.id, `svc-${id}`, { commits: [{ hash: id.repeat(20), message: "Initial", author: "Dana", branch: "main" }] });
    for (const env of envs) world.deploy(service.id, env.id);
  }
  world.advance(3 * hour);
  return world;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export async function waitFor(check: () => Promise<boolean> | boolean, what: string, ms = 20_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface ServerChild {
  child: ChildProcess;
  base: string;
  /** Everything the child wrote, for error messages. */
  output(): string;
  /** Resident set size of the child in bytes, from `ps` (the kernel's figure, not the child's own). */
  rss(): Promise<number>;
  /** SIGTERM, then SIGKILL after 5 s; removes the temp dir. */
  stop(): Promise<void>;
}

export const BENCH_BOT_TOKEN = "xoxb-4242-4242-bench-bot-token";
export const BENCH_SIGNING_SECRET = "bench0123456789abcdef0123456789ab";
export const BENCH_WEBHOOK_SECRET = "wh-bench-secret-0123456789abcdef0123";

/**
 * How the Dockerfile runs node: its environment for node (NODE_OPTIONS, the heap bounds, and the
 * malloc settings MALLOC_*) and the node flags of its CMD (V8 flags that node refuses in
 * NODE_OPTIONS), so benchmarks measure that configuration.
 */
export function deployedNode(): { env: Record<string, string>; flags: string[] } {
  const runtime = parseDockerfile(readFileSync(path.join(root, "Dockerfile"), "utf8")).stages.at(-1);
  const args = (keyword: string) => runtime?.instructions.filter((i) => i.keyword === keyword).map((i) => i.args) ?? [];
  const env = args("ENV").join(" ");
  const nodeOptions = /NODE_OPTIONS="([^"]*)"/.exec(env)?.[1] ?? "";
  const malloc = Object.fromEntries([...env.matchAll(/\b(MALLOC_[A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const cmd = args("CMD").at(-1);
  return { env: { NODE_OPTIONS: nodeOptions, ...malloc }, flags: (cmd ? execForm(cmd) : []).slice(1).filter((arg) => arg.startsWith("--")) };
}

/**
 * `node dist/cli.js start` as deployed (with the Dockerfile's NODE_OPTIONS, malloc settings and node flags): Slack in HTTP mode against `slackApiUrl`, Railway against
 * `railwayUrl` (the demo account token), SQLite in a temp dir, all on one free 127.0.0.1 port.
 */
export async function startServerChild(options: {
  slackApiUrl: string;
  railwayUrl: string;
  warnChannel?: string;
  logLevel?: string;
  /** Extra node flags, e.g. `--cpu-prof` to profile the server. */
  nodeArgs?: string[];
  /** The CLI to run (default dist/cli.js), e.g. another build to compare. */
  cli?: string;
}): Promise<ServerChild> {
  const dir = mkdtempSync(path.join(tmpdir(), "railcache-bench-server-"));
  const port = await freePort();
  let finalOutput: string | undefined;
  const base = `http://127.0.0.1:${port}`;
  const log = childLog(path.join(dir, "output.log"));
  const node = deployedNode();
  const child = spawn(process.execPath, [...node.flags, ...(options.nodeArgs ?? []), options.cli ?? path.join(root, "dist", "cli.js"), "start"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      ...node.env,
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_API_URL: options.slackApiUrl,
      ...(options.warnChannel ? { SLACK_WARN_CHANNEL: options.warnChannel, RAILCACHE_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET } : {}),
      RAILWAY_API_TOKEN: DEMO_ACCOUNT_TOKEN,
      RAILWAY_PROJECT_ID: DEMO_PROJECT_ID,
      RAILWAY_API_URL: options.railwayUrl,
      RAILCACHE_DB: path.join(dir, "railcache.db"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: options.logLevel ?? "info",
    },
    stdio: ["ignore", log.fd, log.fd],
  });
  log.spawned();
  const terminate = terminator(child);
  const stop = async () => {
    await terminate();
    finalOutput = log.tail();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`railcache start exited with ${child.exitCode}:\n${log.tail()}`);
        const res = await fetch(`${base}/readyz`).catch(() => null);
        return res?.status === 200;
      },
      "railcache start to be ready",
      30_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    child,
    base,
    output: () => finalOutput ?? log.tail(),
    rss: () => rssOf(child.pid as number),
    stop,
  };
}

/**
 * Where a benchmarked server writes its stdout and stderr: a file, not a pipe. A pipe would
 * have to be drained by the benchmark's own process, which also generates the load, so a
 * server that logs would slow the load generator (and, with the pipe full, block on its own
 * writes): the benchmark would measure its own plumbing. Deployed, a container runtime reads
 * the logs from outside the bot's process.
 */
/** Stops a child with SIGTERM (SIGKILL after 5 s); call it once the child is spawned. */
export function terminator(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
}

export function childLog(file: string): { fd: number; spawned(): void; tail(): string } {
  const fd = openSync(file, "a");
  return {
    fd,
    /** The child holds its own copy of the descriptor now. */
    spawned: () => closeSync(fd),
    tail: () => {
      try {
        const size = statSync(file).size;
        const start = Math.max(0, size - 20_000);
        const buffer = Buffer.alloc(size - start);
        const reader = openSync(file, "r");
        try {
          readSync(reader, buffer, 0, buffer.length, start);
        } finally {
          closeSync(reader);
        }
        return buffer.toString("utf8");
      } catch {
        return "";
      }
    },
  };
}

/**
 * CPU time (user + system, every thread) a process has used so far, in ms, from
 * /proc/<pid>/stat: unlike wall-clock latency it does not depend on what else the machine runs.
 */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  // USER_HZ is 100 on Linux (getconf CLK_TCK).
  return ticks * 10;
}

/** RSS in bytes of a process, from `ps -o rss=` (KiB). */
export async function rssOf(pid: number): Promise<number> {
  const ps = spawn("ps", ["-o", "rss=", "-p", String(pid)], { stdio: ["ignore", "pipe", "ignore"] });
  let text = "";
  ps.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  await new Promise<void>((resolve) => ps.once("close", () => resolve()));
  const kib = Number(text.trim());
  if (!Number.isFinite(kib) || kib <= 0) throw new Error(`could not read the RSS of process ${pid}`);
  return kib * 1024;
}
