/**
 * Reads railcache.toml: @iarna/toml for the syntax, zod for the shape. Every problem is reported
 * at once, each with the line it is on, so a broken file is fixed in one pass.
 */
import { readFile } from "node:fs/promises";
import TOML from "@iarna/toml";
import { z } from "zod";
import { DEFAULT_CONFIRMATION_TTL_MS, DEFAULT_COOLDOWN_MS, defaultPolicy, type Policy } from "./policy.js";

export class PolicyError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyError";
    this.problems = problems;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "5m", "1h30m" or a number of seconds, to milliseconds. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  const text = value.trim().toLowerCase();
  if (!/^(\d+(ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * (UNITS[unit as string] as number);
  return total;
}

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `"${String(value)}" is not a duration: use e.g. "90s", "5m", "1h" or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

const name = z.string().trim().min(1, "must not be empty").max(100);
const nameList = z.array(name);
const permission = z.enum(["ask", "status", "clear", "redeploy", "audit"]);

const allowRule = z
  .strictObject({
    permissions: z.array(permission).min(1, "name at least one permission (clear, redeploy, audit, ask, status)"),
    users: nameList.default([]),
    groups: nameList.default([]),
    services: nameList.min(1).default(["*"]),
    environments: nameList.min(1).default(["*"]),
  })
  .refine((r) => r.users.length + r.groups.length > 0, { message: 'a rule needs `users` or `groups` (use users = ["*"] for everyone)' });

const policySchema = z.strictObject({
  default_environment: name.default("production"),
  confirmation_ttl: duration
    .refine((ms) => ms >= 10_000 && ms <= 24 * 3_600_000, "must be between 10s and 24h")
    .default(DEFAULT_CONFIRMATION_TTL_MS / 1000),
  cooldown: duration.refine((ms) => ms <= 24 * 3_600_000, "must be at most 24h").default(DEFAULT_COOLDOWN_MS / 1000),
  aliases: z.record(z.string(), name).default({}),
  allow: z.array(allowRule).default([]),
  second_approver: z
    .strictObject({
      environments: nameList.default([]),
      users: nameList.default([]),
      groups: nameList.default([]),
    })
    .default({ environments: [], users: [], groups: [] }),
});

/** Parse the text of a railcache.toml. Throws a PolicyError listing every problem with its line. */
export function parsePolicy(text: string, source = "railcache.toml"): Policy {
  let raw: unknown;
  try {
    raw = TOML.parse(text);
  } catch (error) {
    const e = error as { line?: number; col?: number; message?: string };
    const where = typeof e.line === "number" ? `line ${e.line + 1}, column ${(e.col ?? 0) + 1}` : "?";
    const first = (e.message ?? "syntax error").split("\n")[0]?.replace(/ at row \d+, col \d+, pos \d+:?$/, "");
    throw new PolicyError(source, [`${where}: TOML syntax error: ${first}`]);
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const locate = keyLocator(text);
    const problems = parsed.error.issues.flatMap((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      return keys.map((key) => {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const line = locate(path.filter((p): p is string | number => typeof p !== "symbol"));
        const label = path.length ? `\`${formatPath(path)}\`` : "the file";
        const message = key === undefined ? issue.message : "unknown key (check the spelling; see the README for the keys railcache reads)";
        return `${line ? `line ${line}` : "line ?"}: ${label}: ${message}`;
      });
    });
    throw new PolicyError(source, problems);
  }
  const p = parsed.data;
  const aliases = Object.fromEntries(Object.entries(p.aliases).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    defaultEnvironment: p.default_environment,
    confirmationTtlMs: p.confirmation_ttl,
    cooldownMs: p.cooldown,
    aliases,
    allow: p.allow,
    secondApprover: p.second_approver,
    source,
  };
}

/** Load the policy file; a missing file gives the open defaults unless `required` (an explicitly configured path). */
export async function loadPolicyFile(path: string, options: { required?: boolean } = {}): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !options.required) return defaultPolicy();
    throw new PolicyError(path, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}`]);
  }
  return parsePolicy(text, path);
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

type Path = (string | number)[];

/**
 * Finds the line a key path is defined on by scanning table headers and `key =` lines: TOML
 * parsers drop positions once parsing succeeds, and schema errors still deserve a line number.
 */
function keyLocator(text: string): (path: Path) => number | null {
  const entries: { path: Path; line: number }[] = [];
  const arrayCounts = new Map<string, number>();
  let table: Path = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(line);
    const header = arrayHeader ? null : /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (arrayHeader?.[1]) {
      const key = splitKey(arrayHeader[1]).join(".");
      const n = arrayCounts.get(key) ?? 0;
      arrayCounts.set(key, n + 1);
      table = [...splitKey(arrayHeader[1]), n];
      entries.push({ path: table, line: index + 1 });
      return;
    }
    if (header?.[1]) {
      table = splitKey(header[1]);
      entries.push({ path: table, line: index + 1 });
      return;
    }
    const assignment = /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(line);
    if (assignment?.[1]) entries.push({ path: [...table, ...splitKey(assignment[1])], line: index + 1 });
  });
  return (path) => {
    let best: { length: number; line: number } | null = null;
    for (const entry of entries) {
      if (entry.path.length > path.length) continue;
      if (!entry.path.every((p, i) => p === path[i])) continue;
      if (!best || entry.path.length > best.length) best = { length: entry.path.length, line: entry.line };
    }
    return best?.line ?? null;
  };
}

function splitKey(key: string): string[] {
  return (key.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? []).map((part) => part.replace(/^["']|["']$/g, ""));
}
