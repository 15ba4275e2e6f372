/**
 * Reads railcache.toml: @iarna/toml for the syntax, zod for the shape. Every problem is reported
 * at once, each with the line it is on, so a broken file is fixed in one pass.
 */
import { readFile } from "node:fs/promises";
import TOML from "@iarna/toml";
import { DURATION_HINT, parseDuration } from "../duration.js";
import { z } from "zod";
import { KnownFailure } from "../errors.js";
import { closest } from "../text/closest.js";
import type { WatcherRulesInput } from "../watcher/rules.js";
import { DEFAULT_CONFIRMATION_TTL_MS, DEFAULT_COOLDOWN_MS, defaultPolicy, type Policy, type WatcherPolicy } from "./policy.js";
import { tomlKeyLocator } from "../text/toml-lines.js";

export class PolicyError extends KnownFailure {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`, { category: "configuration", title: "The policy is not valid" });
    this.name = "PolicyError";
    this.problems = problems;
  }
}

/** A duration setting: the shared grammar ("90s", "1d", "1h30m"), or a bare number of seconds. */
function durationSetting(value: string | number): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  return parseDuration(value);
}

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = durationSetting(value);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `"${String(value)}" is not a duration: use ${DURATION_HINT}, or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

const second = 1000;
const hour = 3_600_000;

/** A duration between `min` and `max` milliseconds; `range` says so in the message. */
const durationWithin = (min: number, max: number, range: string) => duration.refine((ms) => ms >= min && ms <= max, `must be between ${range}`);

const name = z.string().trim().min(1, "must not be empty").max(100);
const nameList = z.array(name);
/** Every permission a rule may name; commands.ts and the button table use exactly these. */
export const permissionNames = ["ask", "status", "clear", "redeploy", "audit", "mute"] as const;
const permission = z.enum(permissionNames);

const allowRule = z
  .strictObject({
    name: z.string().trim().min(1).max(80).optional(),
    permissions: z.array(permission).min(1, "name at least one permission (clear, redeploy, audit, ask, status, mute)"),
    users: nameList.default([]),
    groups: nameList.default([]),
    services: nameList.min(1).default(["*"]),
    environments: nameList.min(1).default(["*"]),
  })
  .refine((r) => r.users.length + r.groups.length > 0, { message: 'a rule needs `users` or `groups` (use users = ["*"] for everyone)' });

/**
 * A watcher rule: `true`/`false`, or a table of its settings with an optional `enabled`.
 * Booleans become `{ enabled }` first, so unknown keys inside the table are still reported by name.
 */
const watcherRule = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess(
    (value) => (typeof value === "boolean" ? { enabled: value } : value),
    z.strictObject(
      { enabled: z.boolean().optional(), ...shape },
      { error: (issue) => (issue.code === "invalid_type" ? "use true, false or a table such as { enabled = false }" : undefined) },
    ),
  );

/** Run cross-field checks even when a field has its own error, so every problem is listed at once. */
const alwaysOnTables = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

const ruleAfter = durationWithin(0, 7 * 24 * hour, "0s and 7 days (168h)");

const watcherRulesSchema = z
  .strictObject({
    failures: watcherRule({ log_tail_lines: z.int().min(10).max(5000).optional() }).optional(),
    http5xx: watcherRule({
      min_count: z.int().min(1).max(10_000).optional(),
      window: durationWithin(second, hour, "1s and 1h").optional(),
      watch_for: durationWithin(60 * second, 24 * hour, "1m and 24h").optional(),
      check_every: durationWithin(30 * second, hour, "30s and 1h").optional(),
    }).optional(),
    no_cache: watcherRule({ after: ruleAfter.optional() }).optional(),
    no_cache_after: ruleAfter.optional(),
    building: watcherRule({ after: ruleAfter.optional() }).optional(),
    building_after: ruleAfter.optional(),
    approval: watcherRule({ after: ruleAfter.optional() }).optional(),
    approval_after: ruleAfter.optional(),
    config_file: watcherRule({}).optional(),
    migrations: watcherRule({}).optional(),
  })
  .superRefine((rules, ctx) => {
    for (const rule of ["no_cache", "building", "approval"] as const) {
      if (rules[rule]?.after !== undefined && rules[`${rule}_after`] !== undefined) {
        ctx.addIssue({ code: "custom", path: [`${rule}_after`], message: `set either \`${rule}_after\` or \`${rule}.after\`, not both` });
      }
    }
  }, alwaysOnTables);

const watcherRoute = z
  .strictObject({
    service: name.optional(),
    environment: name.optional(),
    slack_channel: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, "should be a Slack channel id such as C0123ABCD (channel details > About), not a #name")
      .optional(),
    discord_channel: z
      .string()
      .regex(/^\d{17,20}$/, "should be a numeric Discord channel id (Developer Mode > Copy Channel ID)")
      .optional(),
  })
  .superRefine((route, ctx) => {
    if (route.service === undefined && route.environment === undefined) {
      ctx.addIssue({ code: "custom", message: "a route needs `service` or `environment` (or both); cards no route matches go to the default warning channel" });
    }
    if ((route.slack_channel === undefined) === (route.discord_channel === undefined)) {
      ctx.addIssue({ code: "custom", message: "a route needs exactly one of `slack_channel` or `discord_channel`" });
    }
  }, alwaysOnTables);

const watcherSchema = z.strictObject({
  poll_interval: durationWithin(5 * second, hour, "5s and 1h").optional(),
  services: nameList.min(1, "list at least one service, or leave `services` out to watch them all").optional(),
  environments: nameList.min(1, "list at least one environment, or leave `environments` out to watch them all").optional(),
  cooldown: durationWithin(0, 24 * hour, "0s and 24h").optional(),
  rules: watcherRulesSchema.optional(),
  route: z.array(watcherRoute).optional(),
});

const policySchema = z.strictObject({
  default_environment: name.default("production"),
  confirmation_ttl: duration.refine((ms) => ms >= 10_000 && ms <= 24 * 3_600_000, "must be between 10s and 24h").default(DEFAULT_CONFIRMATION_TTL_MS), // zod 4: a default is the output (ms), not run through the transform
  cooldown: duration.refine((ms) => ms <= 24 * 3_600_000, "must be at most 24h").default(DEFAULT_COOLDOWN_MS),
  aliases: z.record(z.string(), name).default({}),
  allow: z.array(allowRule).default([]),
  second_approver: z
    .strictObject({
      environments: nameList.default([]),
      users: nameList.default([]),
      groups: nameList.default([]),
    })
    .default({ environments: [], users: [], groups: [] }),
  watcher: watcherSchema.optional(),
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
    const locate = tomlKeyLocator(text);
    const problems = parsed.error.issues.flatMap((issue) => {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      return keys.map((key) => {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const line = locate(path.filter((p): p is string | number => typeof p !== "symbol"));
        const label = path.length ? `\`${formatPath(path)}\`` : "the file";
        const message = key === undefined ? issue.message : unknownKeyMessage(key, issue.path);
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
    ...(p.watcher ? { watcher: toWatcherPolicy(p.watcher) } : {}),
    source,
  };
}

/** Every key the schema knows, per table path ("" is the top level, "watcher.rules" a nested table). */
function keysByTable(schema: z.ZodType, table = "", into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (key: string) => keysByTable(def[key] as z.ZodType, table, into);
  switch (def.type) {
    case "object": {
      const keys = into.get(table) ?? new Set<string>();
      into.set(table, keys);
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        keys.add(key);
        keysByTable(child, table ? `${table}.${key}` : key, into);
      }
      break;
    }
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      inner("innerType");
      break;
    case "pipe":
      inner("in");
      inner("out");
      break;
    case "array":
      inner("element");
      break;
  }
  return into;
}

let knownKeys: Map<string, Set<string>> | undefined;

/** "unknown key; did you mean `cooldown`?", offering the keys of the same table first, then any key. */
function unknownKeyMessage(key: string, path: readonly PropertyKey[]): string {
  knownKeys ??= keysByTable(policySchema);
  const table = path.filter((p): p is string => typeof p === "string").join(".");
  const here = [...(knownKeys.get(table) ?? [])];
  const everywhere = [...new Set([...knownKeys.values()].flatMap((keys) => [...keys]))];
  const [near] = closest(key, here, 1).concat(closest(key, everywhere, 1));
  const hint = near ? `did you mean \`${near}\`?` : "check the spelling";
  return `unknown key; ${hint} (every key is listed in the README under "railcache.toml keys")`;
}

/** The [watcher] section in the watcher's own terms (milliseconds, camelCase, chat targets). */
function toWatcherPolicy(w: z.infer<typeof watcherSchema>): WatcherPolicy {
  const r = w.rules ?? {};
  const rules: WatcherRulesInput = {};
  const failures = compact({ enabled: r.failures?.enabled, logTailLines: r.failures?.log_tail_lines });
  if (failures) rules.failures = failures;
  const http5xx = compact({
    enabled: r.http5xx?.enabled,
    minCount: r.http5xx?.min_count,
    windowMs: r.http5xx?.window,
    watchForMs: r.http5xx?.watch_for,
    checkEveryMs: r.http5xx?.check_every,
  });
  if (http5xx) rules.http5xx = http5xx;
  const noCache = compact({ enabled: r.no_cache?.enabled, afterMs: r.no_cache?.after ?? r.no_cache_after });
  if (noCache) rules.noCache = noCache;
  const building = compact({ enabled: r.building?.enabled, afterMs: r.building?.after ?? r.building_after });
  if (building) rules.building = building;
  const approval = compact({ enabled: r.approval?.enabled, afterMs: r.approval?.after ?? r.approval_after });
  if (approval) rules.approval = approval;
  const configFile = compact({ enabled: r.config_file?.enabled });
  if (configFile) rules.configFile = configFile;
  const migrations = compact({ enabled: r.migrations?.enabled });
  if (migrations) rules.migrations = migrations;
  if (w.cooldown !== undefined) rules.cooldownMs = w.cooldown;
  return {
    ...(w.poll_interval !== undefined ? { pollIntervalMs: w.poll_interval } : {}),
    ...(w.services ? { services: w.services } : {}),
    ...(w.environments ? { environments: w.environments } : {}),
    rules,
    routes: (w.route ?? []).map((route) => ({
      ...(route.service !== undefined ? { service: route.service } : {}),
      ...(route.environment !== undefined ? { environment: route.environment } : {}),
      target:
        route.slack_channel !== undefined
          ? { platform: "slack" as const, channelId: route.slack_channel }
          : { platform: "discord" as const, channelId: route.discord_channel as string },
    })),
  };
}

/** The object without its undefined values (they would override the watcher's defaults), or null when nothing is left. */
function compact<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } | null {
  const kept = Object.entries(values).filter(([, value]) => value !== undefined);
  return kept.length ? (Object.fromEntries(kept) as { [K in keyof T]?: Exclude<T[K], undefined> }) : null;
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

/** Where the policy comes from: its TOML text (RAILCACHE_POLICY), or a file. */
export interface PolicySource {
  /** The TOML text itself; when set, no file is read. */
  text?: string | undefined;
  /** Label for `text` in messages (the variable's name). */
  textLabel?: string;
  path: string;
  /** A missing file is an error rather than "the open defaults". */
  required?: boolean;
}

/**
 * The policy from its text or its file, validated the same way either way (every problem with
 * its line). The start-up, SIGHUP reloads and `railcache config check` all go through here, so
 * the check says exactly what the running bot would do with the same input.
 */
export async function loadPolicy(source: PolicySource): Promise<Policy> {
  if (source.text !== undefined) return parsePolicy(source.text, source.textLabel ?? "RAILCACHE_POLICY");
  return loadPolicyFile(source.path, { required: source.required ?? false });
}

/** Whether a policy is the open default (no file, no variable): then anyone may clear production. */
export function isOpenPolicy(policy: Policy): boolean {
  return policy.source === "defaults";
}

/** The warning for an open policy, for the start-up log and `doctor`. */
export const OPEN_POLICY_WARNING =
  "no policy (railcache.toml or RAILCACHE_POLICY): anyone in the workspace may clear the build cache of, and redeploy, every service, production included";

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}
