/**
 * `npm run bench`: every benchmark in turn, printed and written to bench/RESULTS.md with the
 * machine and the date. Targets are printed beside the figures; nothing here fails a build.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchAnswer } from "./answer.js";
import { benchStartup } from "./startup.js";
import { benchWatcherBudget } from "./watcher.js";

const ms = (v: number) => `${v.toFixed(3)} ms`;
const rows: [string, string, string][] = [];
const record = (what: string, figure: string, target: string) => {
  rows.push([what, figure, target]);
  console.log(`${what}: ${figure}   (target: ${target})`);
};

const answer = await benchAnswer();
record("answer latency, short question", `p50 ${ms(answer.shortP50Ms)}, p99 ${ms(answer.shortP99Ms)}`, "p99 <= 2 ms");
record("answer latency, 5,000-char traceback", `p50 ${ms(answer.tracebackP50Ms)}, p99 ${ms(answer.tracebackP99Ms)}`, "p99 <= 2 ms");

const startup = benchStartup();
record("start-up of `railcache ask` (whole process)", `p50 ${startup.p50Ms.toFixed(0)} ms, max ${startup.maxMs.toFixed(0)} ms`, "as low as it goes");

const watcher = await benchWatcherBudget();
record("Railway requests, watching 50 services x 2 envs", `${watcher.requestsPerHour} per hour (${watcher.polls} polls)`, "< 130 per hour");

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const table = rows.map(([what, figure, target]) => `| ${what} | ${figure} | ${target} |`).join("\n");
const text = `# Benchmark results\n\nMeasured ${new Date().toISOString()} on ${machine}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}.\nRegenerate with \`npm run bench\`.\n\n| benchmark | result | target |\n| --- | --- | --- |\n${table}\n`;
writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "RESULTS.md"), text);
console.log("\nwritten to bench/RESULTS.md");
