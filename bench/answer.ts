/**
 * Answer latency: a short chat question and a ~5,000-character Django traceback, measured
 * after warm-up over many iterations. `tsx bench/answer.ts` prints the figures.
 *
 * Measured as the bot answers: in a fresh process that opened the model stored by another one
 * (as `npm run build` ships it and a team runbook's first start stores it). A process that has just
 * built the model answers with slower garbage collections, its tail about three times as long (V8
 * learns from the build to allocate the answer path's objects in the old generation), so that case
 * is measured apart, for reference: a team runbook's first start pays it until the next restart.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createAnswerEngine, loadKnowledgeBase } from "../src/core/kb/index.js";
import type { AnswerEngine } from "../src/core/kb/index.js";
import { openKnowledge, storeShippedModels } from "../src/core/kb/open-knowledge.js";
import { silentLogger } from "../src/log.js";
import { TEAM_RUNBOOK_DIR } from "./answer-quality.js";

const WARMUP = 500;
const ITERATIONS = 5_000;

const SHORT_QUESTION = "railway deploy shows old code after adding a model, how do i clear the cache?";

function tracebackOfAbout(chars: number): string {
  const lines = ["<@U012AB> prod broke after the deploy, works locally:", "```", "Traceback (most recent call last):"];
  for (let i = 0; lines.join("\n").length < chars - 200; i++) {
    lines.push(`  File "/opt/venv/lib/python3.12/site-packages/django/core/handlers/module_${i}.py", line ${40 + i}, in handler_${i}`);
    lines.push(`    response = self.process_request_${i}(request, *args, **kwargs)`);
  }
  lines.push("django.core.exceptions.FieldError: Cannot resolve keyword 'loyalty_tier' into field. Choices are: email, id, name");
  lines.push("```");
  return lines.join("\n");
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function measure(run: () => void): { p50: number; p99: number } {
  for (let i = 0; i < WARMUP; i++) run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export interface AnswerLatency {
  shortP50Ms: number;
  shortP99Ms: number;
  tracebackP50Ms: number;
  tracebackP99Ms: number;
}

function measureEngine(engine: AnswerEngine): AnswerLatency {
  const traceback = tracebackOfAbout(5_000);
  const short = measure(() => engine.answer(SHORT_QUESTION));
  const long = measure(() => engine.answer(traceback));
  return { shortP50Ms: short.p50, shortP99Ms: short.p99, tracebackP50Ms: long.p50, tracebackP99Ms: long.p99 };
}

const THIS_FILE = fileURLToPath(import.meta.url);
const CHILD_FLAG = "--stored-model-in";

/** Answer latency as the bot answers: a fresh process with the model another process stored. */
export function benchAnswer(): AnswerLatency {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "railcache-bench-answer-"));
  const child = () => execFileSync(process.execPath, ["--import", "tsx", THIS_FILE, CHILD_FLAG, cacheDir], { encoding: "utf8" });
  try {
    child(); // builds the model and stores it
    return JSON.parse(child()) as AnswerLatency;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** Answer latency in the process that has just built the model (a team runbook's first start). */
export function benchAnswerBuiltHere(): AnswerLatency {
  return measureEngine(createAnswerEngine(loadKnowledgeBase()));
}

if (process.argv[1] && THIS_FILE === process.argv[1]) {
  const childAt = process.argv.indexOf(CHILD_FLAG);
  if (childAt >= 0) {
    // No shipped model (that is dist's): the first child builds and stores, the second only reads.
    console.log(JSON.stringify(measureEngine(openKnowledge(undefined, silentLogger(), process.argv[childAt + 1]!, null))));
  } else {
    const ms = (v: number) => `${v.toFixed(3)} ms`;
    const print = (what: string, r: AnswerLatency) => {
      console.log(`${what}, short question:       p50 ${ms(r.shortP50Ms)}  p99 ${ms(r.shortP99Ms)}`);
      console.log(`${what}, 5,000-char traceback: p50 ${ms(r.tracebackP50Ms)}  p99 ${ms(r.tracebackP99Ms)}`);
    };
    print("stored model", benchAnswer());
    print("model built in this process", benchAnswerBuiltHere());
  }
}

/**
 * Knowledge base load plus model build: in a fresh process each time (as `railcache ask` and a
 * restarted bot pay it), without the stored model and with it, and warm in one process; and with
 * the example team runbook as RAILCACHE_KB_DIR, built at start or stored by the image build.
 */
export function benchKnowledgeBuild(runs = 7): {
  coldMs: number;
  shippedMs: number;
  cachedMs: number;
  warmMs: number;
  teamColdMs: number;
  teamShippedMs: number;
} {
  const script = `
    const kb = await import(${JSON.stringify(new URL("../dist/core/kb/index.js", import.meta.url).href)});
    const knowledge = await import(${JSON.stringify(new URL("../dist/core/kb/open-knowledge.js", import.meta.url).href)});
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    const [mode, cacheDir, teamDir, teamShipped] = process.argv.slice(1);
    const start = performance.now();
    if (mode === "warm") {
      const times = [];
      for (let i = 0; i < 10; i++) { const t = performance.now(); kb.createAnswerEngine(kb.loadKnowledgeBase()); times.push(performance.now() - t); }
      times.sort((a, b) => a - b);
      console.log(times[5]);
    } else {
      // cold: nothing stored; shipped: a fresh install (an empty cache, the model npm run build stored);
      // cached: the model stored by an earlier start in the cache folder; team-*: the same with a team's runbooks.
      if (mode === "cold") knowledge.openKnowledge(undefined, log, null, null);
      else if (mode === "shipped") knowledge.openKnowledge(undefined, log, cacheDir + "/fresh-" + process.pid);
      else if (mode === "team-cold") knowledge.openKnowledge(teamDir, log, null, null);
      else if (mode === "team-shipped") knowledge.openKnowledge(teamDir, log, cacheDir + "/fresh-" + process.pid, teamShipped);
      else knowledge.openKnowledge(undefined, log, cacheDir, null);
      console.log(performance.now() - start);
    }`;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "railcache-bench-models-"));
  const teamShipped = path.join(cacheDir, "image-models");
  const run = (mode: string) =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", script, mode, cacheDir, TEAM_RUNBOOK_DIR, teamShipped], { encoding: "utf8" }).trim());
  const median = (mode: string) => {
    const times = Array.from({ length: runs }, () => run(mode)).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  };
  try {
    run("cached"); // stores the model
    // What the image build stores (Dockerfile: RAILCACHE_KB_DIR=/app/runbooks, then build-answer-model.js).
    storeShippedModels(teamShipped, TEAM_RUNBOOK_DIR, silentLogger());
    return {
      coldMs: median("cold"),
      shippedMs: median("shipped"),
      cachedMs: median("cached"),
      warmMs: run("warm"),
      teamColdMs: median("team-cold"),
      teamShippedMs: median("team-shipped"),
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
