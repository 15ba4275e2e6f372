/** Start-up time of `railcache ask` (the built CLI, as a user runs it), over repeated runs. */
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function benchStartup(runs = 15): { p50Ms: number; maxMs: number } {
  const cli = path.join(root, "dist", "cli.js");
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(process.execPath, [cli, "ask", "--json", "stale build cache after adding a model"], { cwd: root, stdio: "pipe" });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: times[Math.floor(times.length / 2)] ?? 0, maxMs: times.at(-1) ?? 0 };
}
