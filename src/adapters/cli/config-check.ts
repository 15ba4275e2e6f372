/**
 * `railcache config check`: every problem in the environment and the policy at once, sorted,
 * with "did you mean" for misspelt names; with `--probe`, also what start-up will need (the
 * database, the port, the chat tokens, the Railway token), each tried for real.
 */
import { createServer } from "node:net";
import { checkEnvironment, knownVariables, type Config } from "../../config.js";
import { exitCodeOf, toUserReply, type FailureCategory } from "../../core/errors.js";
import { isOpenPolicy, loadPolicy, OPEN_POLICY_WARNING, PolicyError, type PolicySource } from "../../core/policy/index.js";
import { closest } from "../../core/text/closest.js";
import { silentLogger } from "../../log.js";
import { connectRailway, openStore, policySource } from "../../runtime.js";
import { KnownFailure } from "../../core/errors.js";

export interface ProbeResult {
  check: "database" | "port" | "slack" | "discord" | "railway";
  ok: boolean;
  message: string;
  /** For a failed probe: whether a setting is wrong (exit 2) or something is down (exit 1). */
  category?: FailureCategory;
}

export interface ConfigReport {
  valid: boolean;
  /** Environment problems (by variable), then policy problems (by line). */
  problems: string[];
  /** What would not stop railcache but is probably not what was meant. */
  warnings: string[];
  /** What the policy is, when it is valid. */
  policy: string | null;
  /** What a bot started with this configuration would do with a broken policy. */
  consequence: string | null;
  probes: ProbeResult[];
}

/** The policy's source from the raw environment, so a policy is checked even when a variable is broken. */
function rawPolicySource(env: Record<string, string | undefined>): PolicySource {
  const text = env.RAILCACHE_POLICY?.trim() ? env.RAILCACHE_POLICY : undefined;
  const file = env.RAILCACHE_CONFIG?.trim();
  return { text, textLabel: "RAILCACHE_POLICY", path: file || "railcache.toml", required: Boolean(file) };
}

/** Variables that look meant for railcache but are not ones it reads: a typo silently unsets a setting. */
function unknownVariables(env: Record<string, string | undefined>): string[] {
  const known = new Set(knownVariables);
  return Object.keys(env)
    .filter((name) => !known.has(name) && env[name] !== undefined)
    .flatMap((name) => {
      const [near] = closest(name, [...known], 1);
      // Railway itself sets many RAILWAY_* variables: only a near miss of one of ours is suspicious.
      if (/^(RAILCACHE|SLACK|DISCORD)_/.test(name)) return [`${name} is not a variable railcache reads${near ? `; did you mean ${near}?` : ""}`];
      if (/^RAILWAY_/.test(name) && near) return [`${name} is not a variable railcache reads; did you mean ${near}?`];
      return [];
    })
    .sort();
}

function lineOf(problem: string): number {
  const match = /^line (\d+)/.exec(problem);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}

export async function checkConfiguration(env: Record<string, string | undefined>, options: { probe: boolean }): Promise<ConfigReport> {
  const { config, problems: envProblems } = checkEnvironment(env);
  const source = config ? policySource(config) : rawPolicySource(env);
  const label = source.text !== undefined ? "RAILCACHE_POLICY" : source.path;
  const problems = [...envProblems];
  const warnings = unknownVariables(env);
  let policy: string | null = null;
  let consequence: string | null = null;
  try {
    const loaded = await loadPolicy(source);
    const rules = `${loaded.allow.length} allow rule${loaded.allow.length === 1 ? "" : "s"}`;
    if (isOpenPolicy(loaded)) {
      policy = "none";
      warnings.push(OPEN_POLICY_WARNING);
    } else
      policy =
        source.text !== undefined
          ? `RAILCACHE_POLICY is valid (${rules}); railcache starts with it.`
          : `${loaded.source} is valid (${rules}); a running railcache accepts it on SIGHUP (kill -HUP <pid>).`;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    problems.push(...[...error.problems].sort((a, b) => lineOf(a) - lineOf(b)).map((p) => `${label} ${p}`));
    consequence =
      source.text !== undefined
        ? "railcache would refuse to start with this RAILCACHE_POLICY."
        : "A running railcache would refuse this file on SIGHUP and keep the policy in force; a new one would not start.";
  }
  const probes = options.probe && config && problems.length === 0 ? await probeStartUp(config) : [];
  return { valid: problems.length === 0, problems, warnings, policy, consequence, probes };
}

/** Tries, one by one, what `railcache start` needs; each failure is one sentence naming the endpoint. */
async function probeStartUp(config: Config): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const probe = async (check: ProbeResult["check"], run: () => Promise<string>) => {
    try {
      results.push({ check, ok: true, message: await run() });
    } catch (error) {
      results.push({ check, ok: false, message: toUserReply(error).body, category: exitCodeOf(error) === 2 ? "configuration" : "failure" });
    }
  };
  await probe("database", async () => {
    const store = await openStore(config, { demo: false });
    await store.close();
    return config.databaseUrl ? "PostgreSQL accepts the connection (DATABASE_URL)" : `the SQLite file ${config.sqlitePath} opens (RAILCACHE_DB)`;
  });
  await probe("port", () => listenOnce(config.host, config.port));
  if (config.slack) {
    const slack = config.slack;
    await probe("slack", async () => (await import("../slack/app.js")).checkSlackToken({ botToken: slack.botToken, apiUrl: slack.apiUrl }));
  }
  if (config.discord) {
    const discord = config.discord;
    await probe("discord", async () => (await import("../discord/app.js")).checkDiscordToken({ token: discord.token, apiUrl: discord.apiUrl }));
  }
  if (config.railway) {
    await probe("railway", async () => {
      const railway = await connectRailway(config, { demo: false, log: silentLogger() });
      const info = await railway.api.tokenInfo();
      await railway.close();
      return info.kind === "project"
        ? `Railway accepts the project token (project ${railway.projectId})`
        : `Railway accepts the account token (${info.who ?? "?"}; project ${railway.projectId})`;
    });
  }
  return results;
}

function listenOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why =
        error.code === "EADDRINUSE"
          ? "the port is already in use (another railcache, or another server?)"
          : error.code === "EACCES"
            ? "permission denied (ports below 1024 need privileges)"
            : error.message;
      reject(new KnownFailure(`Cannot listen on ${host}:${port}: ${why}.`, { category: error.code === "EADDRINUSE" ? "failure" : "configuration" }));
    });
    server.listen(port, host, () => server.close(() => resolve(`${host}:${port} is free to listen on (PORT, HOST)`)));
  });
}

/** 2 for any configuration problem or a probe that found a wrong setting, 1 for a probe that found something down, else 0. */
export function configCheckExitCode(report: ConfigReport): number {
  if (!report.valid) return 2;
  const failed = report.probes.filter((p) => !p.ok);
  if (failed.length === 0) return 0;
  return failed.some((p) => p.category === "failure") ? 1 : 2;
}

export function formatConfigReport(report: ConfigReport): { stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  if (report.valid) {
    out.push("Configuration is valid.");
    if (report.policy === "none") out.push(`Policy: none. Warning: ${OPEN_POLICY_WARNING}.`);
    else if (report.policy) out.push(`Policy: ${report.policy}`);
  } else {
    err.push(
      `Configuration is not valid (${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}):`,
      ...report.problems.map((p) => `  - ${p}`),
    );
    if (report.consequence) err.push(report.consequence);
  }
  const warnings = report.warnings.filter((w) => w !== OPEN_POLICY_WARNING || !report.valid);
  if (warnings.length) (report.valid ? out : err).push("Warnings:", ...warnings.map((w) => `  - ${w}`));
  if (report.probes.length) {
    out.push("Start-up checks:", ...report.probes.map((p) => `  ${p.ok ? "ok  " : "FAIL"}  ${p.check}: ${p.message}`));
  } else if (report.valid) {
    out.push("Run `railcache config check --probe` to also try the database, the port, the chat tokens and the Railway token.");
  }
  return { stdout: out.length ? `${out.join("\n")}\n` : "", stderr: err.length ? `${err.join("\n")}\n` : "" };
}
