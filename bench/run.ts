/**
 * `npm run bench`: every benchmark in turn, printed and written to bench/RESULTS.md with the
 * machine and the date. Targets are printed beside the figures; nothing here fails a build,
 * and a benchmark that breaks is reported as such while the others still run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchAnswer, benchAnswerBuiltHere, benchKnowledgeBuild } from "./answer.js";
import { HELD_OUT_SETS, TEAM_RUNBOOK_SETS, benchAnswerQuality, scoreTeamRunbook } from "./answer-quality.js";
import { benchClearRequests } from "./clear.js";
import { benchMemory } from "./memory.js";
import { benchSlackAck, type AckComparison, type AckFigures } from "./slack-ack.js";
import { benchStartup } from "./startup.js";
import { benchWatcherBudget } from "./watcher.js";
import { benchWebhook } from "./webhook.js";

const ms = (v: number, digits = 3) => `${v.toFixed(digits)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const rows: [string, string, string, string][] = [];
/** `met`: whether the figure meets the target; undefined when the target is not a threshold. */
const record = (what: string, figure: string, target: string, met?: boolean) => {
  const verdict = met === undefined ? "" : met ? "yes" : "NO";
  rows.push([what, figure, target, verdict]);
  console.log(`${what}: ${figure}   (target: ${target}${verdict ? `; met: ${verdict}` : ""})`);
};

/** `npm run bench -- --only <words>`: just the sections whose name contains them; their rows are merged into RESULTS.md. */
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? "") : null;

async function section(name: string, run: () => Promise<void>): Promise<void> {
  if (only !== null && !name.includes(only)) return;
  try {
    await run();
  } catch (error) {
    record(name, `failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, "-");
  }
}

await section("answer latency", async () => {
  const answer = benchAnswer();
  record("answer latency, short question", `p50 ${ms(answer.shortP50Ms)}, p99 ${ms(answer.shortP99Ms)}`, "p99 <= 2 ms", answer.shortP99Ms <= 2);
  record(
    "answer latency, 5,000-char traceback",
    `p50 ${ms(answer.tracebackP50Ms)}, p99 ${ms(answer.tracebackP99Ms)}`,
    "p99 <= 2 ms",
    answer.tracebackP99Ms <= 2,
  );
  const built = benchAnswerBuiltHere();
  record(
    "answer latency in the process that built the model (a team runbook's first start), short / 5,000-char traceback",
    `p50 ${ms(built.shortP50Ms)} / ${ms(built.tracebackP50Ms)}, p99 ${ms(built.shortP99Ms)} / ${ms(built.tracebackP99Ms)}`,
    "none (for reference)",
  );
});

await section("answer quality", async () => {
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;
  const scores = benchAnswerQuality();
  const heldOutScores = scores.filter((s) => (HELD_OUT_SETS as readonly string[]).includes(s.name));
  const sum = (pick: (s: (typeof scores)[number]) => number) => heldOutScores.reduce((n, s) => n + pick(s), 0);
  for (const s of scores) {
    const figure = `on-topic right ${s.onTopicRight}/${s.onTopic} (${pct(s.onTopicRight, s.onTopic)}), off-topic refused ${s.offTopicRefused}/${s.offTopic}`;
    const heldOut = /^questions-heldout-(v\d+)\.jsonl$/.exec(s.name)?.[1];
    if (heldOut) {
      const met = s.onTopicRight / s.onTopic >= 0.95 && s.offTopicRefused >= s.offTopic - 1;
      record(
        `answer quality, held-out ${heldOut} (${s.onTopic + s.offTopic} questions from public reports, never tuned on)`,
        figure,
        ">= 95% on-topic, all but one off-topic refused",
        met,
      );
    } else if (s.name === "questions-team-runbook.jsonl") {
      record(
        "answer quality, example team runbook (20 questions written before tuning, 5 near misses)",
        figure,
        ">= 90% on-topic",
        s.onTopicRight / s.onTopic >= 0.9,
      );
    } else {
      record(`answer quality, ${s.name}`, figure, "none (for reference)");
    }
  }
  for (const { name, written } of TEAM_RUNBOOK_SETS) {
    const t = scoreTeamRunbook(name);
    record(
      `answer quality, a team's own runbook: ${name} (${written}; runbook and questions written without seeing the engine)`,
      `team questions right ${t.teamRight}/${t.team} (${pct(t.teamRight, t.team)}; ${t.teamOffered} more refused with their heading offered), built-in questions ${t.builtinRight}/${t.builtin}, near misses refused ${t.nearMissesRefused}/${t.nearMisses}`,
      ">= 90% team questions",
      t.teamRight / t.team >= 0.9,
    );
  }
  // Where the held-out misses are, by the form of the question (each item's `kind`).
  const byKind = new Map<string, { asked: number; right: number }>();
  for (const s of heldOutScores) {
    for (const [kind, { asked, right }] of s.byKind) {
      const total = byKind.get(kind) ?? { asked: 0, right: 0 };
      byKind.set(kind, { asked: total.asked + asked, right: total.right + right });
    }
  }
  record(
    `answer quality, held-out by kind of question (all ${heldOutScores.length} sets): right, or refused for near-miss and not-cache`,
    [...byKind]
      .sort(([, a], [, b]) => a.right / a.asked - b.right / b.asked)
      .map(([kind, k]) => `${kind} ${k.right}/${k.asked}`)
      .join(", "),
    "none (for reference)",
  );
  // What a refusal still gives: the closest section behind a button, when the question missed only just.
  record(
    `answer quality, held-out refusals (all ${heldOutScores.length} sets): the closest section offered`,
    `on-topic questions refused ${sum((s) => s.onTopicRefused)}, offered their right section ${sum((s) => s.onTopicOfferedRight)}; ` +
      `near misses refused ${sum((s) => s.offTopicRefused)}, offered a section ${sum((s) => s.offTopicOffered)}`,
    "none (for reference)",
  );
});

await section("knowledge base load + model build", async () => {
  const k = benchKnowledgeBuild();
  record("knowledge base load + model build, fresh process, no stored model", ms(k.coldMs, 0), "<= 50 ms", k.coldMs <= 50);
  record("knowledge base load + model build, fresh install (model stored by `npm run build`)", ms(k.shippedMs, 0), "<= 50 ms", k.shippedMs <= 50);
  record("knowledge base load + model build, fresh process, stored model read back", ms(k.cachedMs, 0), "<= 50 ms", k.cachedMs <= 50);
  record("knowledge base load + model build, warm (median of 10 in one process)", ms(k.warmMs, 0), "<= 50 ms", k.warmMs <= 50);
  record(
    "knowledge base load + model build, the example team runbook in RAILCACHE_KB_DIR, fresh process, no stored model",
    ms(k.teamColdMs, 0),
    "none (for reference)",
  );
  record(
    "knowledge base load + model build, the example team runbook in RAILCACHE_KB_DIR, fresh container (model stored by the image build)",
    ms(k.teamShippedMs, 0),
    "<= 50 ms",
    k.teamShippedMs <= 50,
  );
});

await section("start-up of `railcache ask`", async () => {
  const startup = benchStartup();
  record(
    "start-up of `railcache ask` (whole process, stored model)",
    `p50 ${startup.p50Ms.toFixed(0)} ms, max ${startup.maxMs.toFixed(0)} ms`,
    "<= 400 ms",
    startup.p50Ms <= 400,
  );
});

await section("Railway requests, watching 50 services x 2 envs", async () => {
  const watcher = await benchWatcherBudget();
  record(
    "Railway requests, watching 50 services x 2 envs",
    `${watcher.requestsPerHour} per hour (${watcher.polls} polls)`,
    "< 130 per hour",
    watcher.requestsPerHour < 130,
  );
});

await section("Railway requests per cache clear", async () => {
  for (const deploys of [true, false]) {
    const c = await benchClearRequests(deploys);
    const guess = deploys ? "variable changes deploy" : "variable changes do not deploy";
    const operations = Object.entries(c.byOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
    record(
      `Railway requests per cache clear, 5-minute uncached build, simulator guess: ${guess}`,
      `${c.requests} (${operations}); outcome ${c.outcome}; NO_CACHE removed ${(c.noCacheRemovedAfterMs / 1000).toFixed(0)} s after the build left BUILDING; confirmation to final message ${(c.clearMs / 60_000).toFixed(1)} min`,
      "<= 25",
      c.requests <= 25,
    );
  }
});

await section("webhook received -> warning posted", async () => {
  const w = await benchWebhook();
  record(
    `webhook received -> warning posted in (fake) Slack, one at a time (n=${w.sequential.n})`,
    `p50 ${ms(w.sequential.p50Ms, 1)}, p99 ${ms(w.sequential.p99Ms, 1)} (the 202 itself: p50 ${ms(w.ackP50Ms, 1)}, p99 ${ms(w.ackP99Ms, 1)}; ${w.railwayRequestsPerWarning.toFixed(0)} Railway requests per warning)`,
    "p99 <= 300 ms",
    w.sequential.p99Ms <= 300,
  );
  record(
    `webhook received -> warning posted, burst of ${w.burst.n} at once`,
    `p50 ${ms(w.burst.p50Ms, 1)}, p99 ${ms(w.burst.p99Ms, 1)}`,
    "none (for reference)",
  );
});

await section("Slack slash-command ack", async () => {
  const a = await benchSlackAck();
  const load = `${a.concurrency} concurrent signed /railcache help, ${a.rounds} rounds`;
  const figures = (f: AckFigures) => `p50 ${ms(f.p50Ms, 1)}, p99 ${ms(f.p99Ms, 1)} (n=${f.n}); CPU ${ms(f.cpuPerAckMs)} per request`;
  const ratios = (c: AckComparison) =>
    `${c.roundP99Ratio.median.toFixed(2)} per burst (median of ${a.rounds}; ${c.roundP99Ratio.min.toFixed(2)} to ${c.roundP99Ratio.max.toFixed(2)}); pooled over all requests ${c.pooledP99Ratio.toFixed(2)}; CPU per request ${c.cpuRatio.toFixed(2)}`;
  record(`Slack ack latency, railcache start (HTTP mode), ${load}`, figures(a.railcache), "-");
  record(`Slack ack latency, bare Bolt app that only acks, ${load}`, figures(a.bolt), "-");
  record(`Slack ack latency, bare Bolt app acking railcache's reply (${(a.replyBytes / 1000).toFixed(1)} KB), ${load}`, figures(a.sameReply), "-");
  record("Slack ack latency, railcache p99 / bare Bolt p99", ratios(a.railcacheVsBolt), "<= 1.2 (per burst)", a.railcacheVsBolt.roundP99Ratio.median <= 1.2);
  record("Slack ack, the same comparison between two identical bare Bolt apps (the noise floor)", ratios(a.twinVsBolt), "none (calibration)");
  record(
    "Slack ack, where the gap comes from: a bare Bolt app acking railcache's own reply / the bare app acking empty",
    ratios(a.sameReplyVsBolt),
    "none (the reply's cost)",
  );
  record("Slack ack, railcache / a bare Bolt app acking the same reply (railcache's own overhead)", ratios(a.railcacheVsSameReply), "none (for reference)");
});

// The same build's peak moves by 5-8 MB from one start to the next (when V8 collects, which malloc
// arenas the threads take): three starts, judged on the median, with the range printed.
const MEMORY_RUNS = 3;

await section("resident memory of `railcache start`", async () => {
  const runs: Awaited<ReturnType<typeof benchMemory>>[] = [];
  for (let i = 0; i < MEMORY_RUNS; i++) runs.push(await benchMemory());
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const range = (values: number[]) => `${mb(Math.min(...values))} to ${mb(Math.max(...values))}`;
  const idle = runs.map((r) => r.idleBytes);
  const peak = runs.map((r) => r.peakBytes);
  const m = runs[0]!;
  record(
    `resident memory of \`railcache start\`, idle after start-up (median of ${MEMORY_RUNS} starts)`,
    `${mb(median(idle))} (${range(idle)})`,
    "<= 120 MB",
    median(idle) <= 120e6,
  );
  record(
    `resident memory of \`railcache start\`, peak under ${m.commands} slash commands (1 in 5 \`status\`) + ${m.questions} questions (median of ${MEMORY_RUNS} starts)`,
    `${mb(median(peak))} (${range(peak)}; after the load: ${mb(median(runs.map((r) => r.afterLoadBytes)))})`,
    "<= 120 MB",
    median(peak) <= 120e6,
  );
});

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const table = rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
const notes = [
  "Latency figures are wall-clock on a shared machine: compare railcache with the bare Bolt baseline of the same run, not across runs.",
  "Slack ack: every app runs with the Dockerfile's NODE_OPTIONS, malloc settings and node flags and writes its output to a file; railcache answers `help` inside its ack (a Block Kit message of the size shown above), the bare apps ack empty but for one that acks with railcache's very reply. The four take rounds in a rotating order; each round is one burst of concurrent requests, and a burst's p99 is how long the whole burst took to answer. The verdict is the median over bursts of railcache's burst p99 over the bare app's in the same turn; the p99 pooled over every request of a run is printed too, but it is decided by the one or two worst bursts (a pause of the load generator, a neighbour on the machine), as the identical-apps row shows.",
  "Memory is the child process's RSS from `ps` (1 MB = 10^6 bytes); the watcher is on, watching 50 services x 2 environments.",
].join("\n");
if (only !== null) {
  // A partial run: replace (or add) its rows in the last full results, and say when they were measured.
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "RESULTS.md");
  const lines = readFileSync(file, "utf8").split("\n");
  for (const cells of rows) {
    const line = `| ${cells.join(" | ")} |`;
    const at = lines.findIndex((l) => l.startsWith(`| ${cells[0]} |`));
    if (at >= 0) lines[at] = line;
    else lines.splice(lines.findLastIndex((l) => l.startsWith("| ")) + 1, 0, line);
  }
  const note = `Rows matching "${only}" re-measured ${new Date().toISOString()} with \`npm run bench -- --only "${only}"\` (load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}).`;
  const noteAt = lines.findIndex((l) => l.startsWith(`Rows matching "${only}"`));
  if (noteAt >= 0) lines[noteAt] = note;
  else lines.push(note, "");
  writeFileSync(file, lines.join("\n").replace(/\n+$/, "\n"));
  console.log("\nmerged into bench/RESULTS.md");
  process.exit(0);
}

const text = `# Benchmark results\n\nMeasured ${new Date().toISOString()} on ${machine}, load average ${os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(" ")}.\nRegenerate with \`npm run bench\`.\n\n| benchmark | result | target | met |\n| --- | --- | --- | --- |\n${table}\n\n${notes}\n`;
writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "RESULTS.md"), text);
console.log("\nwritten to bench/RESULTS.md");
