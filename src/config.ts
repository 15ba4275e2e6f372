/**
 * Configuration from the environment, validated once at the edge (EXAMPLES.md section 5).
 * Every problem is listed at once, each with what the value should look like.
 */
import { z } from "zod";
import { KnownFailure } from "./core/errors.js";
import { DEFAULT_UNANSWERED_DAYS } from "./core/unanswered.js";
import { passwordOf } from "./redact.js";

export const DEFAULT_RAILWAY_API_URL = "https://backboard.railway.com/graphql/v2";

const optional = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value ? value : undefined));

const boolish = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return false;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    ctx.addIssue({ code: "custom", message: "should be true or false" });
    return z.NEVER;
  });

/** A whole number of `unit`: "abc" or "1.5" says so, where zod alone said "expected number, received NaN". */
const wholeNumber = (unit: string) =>
  z.coerce.number<string | undefined>({ error: `should be a whole number of ${unit}` }).int(`should be a whole number of ${unit}`);

const envSchema = z.object({
  RAILWAY_API_TOKEN: optional,
  RAILWAY_TOKEN: optional,
  RAILWAY_PROJECT_ID: optional,
  RAILWAY_API_URL: optional.pipe(z.url({ message: "should be a URL like https://backboard.railway.com/graphql/v2" }).optional()),
  RAILWAY_TIMEOUT_MS: optional.pipe(
    wholeNumber("milliseconds").min(500, "should be at least 500 (milliseconds)").max(120_000, "should be at most 120000 (two minutes)").optional(),
  ),
  RAILCACHE_CONFIG: optional,
  // The policy's TOML text itself (a platform variable, where there is no file to mount). Not
  // trimmed: error line numbers must match what was pasted.
  RAILCACHE_POLICY: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value : undefined)),
  RAILCACHE_DB: optional,
  RAILCACHE_INSTANCE_ID: optional.pipe(
    z
      .string()
      .regex(/^[\w.:@-]{1,100}$/, "should be 1-100 letters, digits or . : @ _ -")
      .optional(),
  ),
  DATABASE_URL: optional.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "should be a PostgreSQL URL like postgres://user@host:5432/db")
      // libpq's `host=... password=...` form pasted after the scheme would be read as a host name.
      .refine(
        (url) => !/\s/.test(url) && URL.canParse(url),
        "should be one PostgreSQL URL like postgres://user:password@host:5432/db, with no spaces (the key=value form is not accepted)",
      )
      .optional(),
  ),
  RAILCACHE_KB_DIR: optional,
  RAILCACHE_UNANSWERED_DAYS: optional.pipe(
    wholeNumber("days").min(0, "should be 0 (keep no refused questions) or more days").max(365, "should be at most 365 days").optional(),
  ),
  RAILCACHE_WEBHOOK_SECRET: optional.pipe(z.string().min(24, "should be at least 24 random characters").optional()),
  RAILCACHE_WEBHOOK_SIGNING_SECRET: optional.pipe(z.string().min(24, "should be at least 24 random characters (openssl rand -hex 32)").optional()),
  RAILCACHE_PUBLIC_URL: optional.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "should be the bot's public base URL, like https://railcache.up.railway.app")
      .optional(),
  ),
  SLACK_BOT_TOKEN: optional.pipe(z.string().startsWith("xoxb-", "should start with xoxb- (the Bot User OAuth Token)").optional()),
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional.pipe(z.string().startsWith("xapp-", "should start with xapp- (an app-level token with connections:write)").optional()),
  SLACK_API_URL: optional,
  // A #name or a channel's display name would fail on every card: ids only.
  SLACK_WARN_CHANNEL: optional.pipe(
    z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/, "should be a Slack channel id such as C0123ABCD (channel details > About, at the bottom), not a #name")
      .optional(),
  ),
  DISCORD_TOKEN: optional,
  DISCORD_APPLICATION_ID: optional.pipe(
    z
      .string()
      .regex(/^\d{17,20}$/, "should be the numeric application id")
      .optional(),
  ),
  DISCORD_GUILD_ID: optional.pipe(
    z
      .string()
      .regex(/^\d{17,20}$/, "should be a numeric guild (server) id")
      .optional(),
  ),
  DISCORD_MESSAGE_CONTENT: boolish,
  DISCORD_API_URL: optional,
  DISCORD_WARN_CHANNEL: optional.pipe(
    z
      .string()
      .regex(/^\d{17,20}$/, "should be a numeric Discord channel id (Developer Mode on, then right-click the channel > Copy Channel ID), not a name")
      .optional(),
  ),
  PORT: optional.pipe(
    z.coerce
      .number<string | undefined>({ error: "should be a port number, like 3000 (0 picks a free one)" })
      .int("should be a port number, like 3000 (0 picks a free one)")
      .min(0, "should be a port number (0 picks a free one)")
      .max(65535, "should be a port number up to 65535")
      .optional(),
  ),
  HOST: optional,
  LOG_LEVEL: optional.pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional()),
});

export interface RailwayConfig {
  apiUrl: string;
  token: string;
  tokenKind: "account" | "project";
  /** Required with an account token; a project token knows its project. */
  projectId: string | undefined;
  timeoutMs: number;
}

export interface SlackConfig {
  mode: "http" | "socket";
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
  warnChannel: string | undefined;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | undefined;
  messageContent: boolean;
  apiUrl: string | undefined;
  warnChannel: string | undefined;
}

export interface Config {
  railway: RailwayConfig | undefined;
  slack: SlackConfig | undefined;
  discord: DiscordConfig | undefined;
  policyPath: string;
  /** Explicit policy path: a missing file is then an error, not "use defaults". */
  policyPathExplicit: boolean;
  /** RAILCACHE_POLICY: the policy's TOML text; when set, no file is read. */
  policyText: string | undefined;
  sqlitePath: string;
  /** This process's stable name for leases (RAILCACHE_INSTANCE_ID); generated and kept beside the SQLite file when absent. */
  instanceId: string | undefined;
  databaseUrl: string | undefined;
  kbDir: string | undefined;
  /** Days a refused question is kept for `railcache unanswered` (RAILCACHE_UNANSWERED_DAYS; 0 keeps none). */
  unansweredDays: number;
  webhookSecret: string | undefined;
  /** The notification rule's webhookSecret: deliveries must then be signed (x-webhook-signature). */
  webhookSigningSecret: string | undefined;
  /** Where Railway reaches the bot (for `railcache webhook setup`). */
  publicUrl: string | undefined;
  port: number;
  host: string;
  logLevel: string;
}

/** Every secret value in the configuration, for the logger to keep out of its lines. */
export function secretsOf(config: Config): string[] {
  const databasePassword = config.databaseUrl ? passwordOf(config.databaseUrl) : undefined;
  return [
    config.railway?.token,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    config.discord?.token,
    config.databaseUrl,
    databasePassword,
    config.webhookSecret,
    config.webhookSigningSecret,
  ].filter((s): s is string => typeof s === "string" && s !== "");
}

export class ConfigError extends KnownFailure {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`, { category: "configuration", title: "The configuration is not valid" });
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** The variables railcache reads, for "did you mean" on a misspelt one. */
export const knownVariables: readonly string[] = Object.keys(envSchema.shape);

/** Parse the environment into a Config, or throw a ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const { config, problems } = checkEnvironment(env);
  if (!config) throw new ConfigError(problems);
  return config;
}

/**
 * Every problem in the environment at once, sorted by variable: a value that does not parse and
 * what does not fit together. Values are never echoed (they may be secrets).
 */
export function checkEnvironment(env: Record<string, string | undefined>): { config: Config | undefined; problems: string[] } {
  let parsed = envSchema.safeParse(env);
  const fieldProblems: string[] = [];
  const broken = new Set<string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      fieldProblems.push(`${issue.path.join(".")} ${issue.message}`);
      broken.add(String(issue.path[0]));
    }
    // The rest is still checked, without the broken values, so one run lists every problem.
    parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([name]) => !broken.has(name))));
    if (!parsed.success) return { config: undefined, problems: fieldProblems.sort() };
  }
  const result = combine(parsed.data);
  // A combination problem caused by a value already reported would only repeat it.
  const combined = result.problems.filter((problem) => ![...broken].some((name) => problem.includes(name)));
  const problems = [...fieldProblems, ...combined].sort();
  return problems.length ? { config: undefined, problems } : { config: result.config, problems: [] };
}

/** The parsed variables into a Config, and what does not fit together. */
function combine(e: z.infer<typeof envSchema>): { config: Config; problems: string[] } {
  const problems: string[] = [];

  let railway: RailwayConfig | undefined;
  if (e.RAILWAY_API_TOKEN && e.RAILWAY_TOKEN) {
    problems.push(
      "RAILWAY_API_TOKEN and RAILWAY_TOKEN are both set: set one (RAILWAY_API_TOKEN for an account or workspace token, RAILWAY_TOKEN for a project token)",
    );
  } else if (e.RAILWAY_API_TOKEN || e.RAILWAY_TOKEN) {
    const tokenKind = e.RAILWAY_API_TOKEN ? "account" : "project";
    if (tokenKind === "account" && !e.RAILWAY_PROJECT_ID) {
      problems.push(
        "RAILWAY_PROJECT_ID is missing: an account or workspace token (RAILWAY_API_TOKEN) needs the project id (Project Settings > General, or the id in the dashboard URL)",
      );
    }
    railway = {
      apiUrl: e.RAILWAY_API_URL ?? DEFAULT_RAILWAY_API_URL,
      token: (e.RAILWAY_API_TOKEN ?? e.RAILWAY_TOKEN) as string,
      tokenKind,
      projectId: e.RAILWAY_PROJECT_ID,
      timeoutMs: e.RAILWAY_TIMEOUT_MS ?? 10_000,
    };
  } else if (e.RAILWAY_PROJECT_ID) {
    problems.push("RAILWAY_PROJECT_ID is set but no token is: set RAILWAY_API_TOKEN (account or workspace token) or RAILWAY_TOKEN (project token)");
  }

  let slack: SlackConfig | undefined;
  if (e.SLACK_BOT_TOKEN) {
    if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
      problems.push("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode, xapp-...) is");
    }
    slack = {
      mode: e.SLACK_APP_TOKEN ? "socket" : "http",
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      warnChannel: e.SLACK_WARN_CHANNEL,
    };
  } else if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    problems.push(
      "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions",
    );
  }

  let discord: DiscordConfig | undefined;
  if (e.DISCORD_TOKEN) {
    if (!e.DISCORD_APPLICATION_ID) {
      problems.push("DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: copy the Application ID from the Developer Portal's General Information page");
    }
    discord = {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID ?? "",
      guildId: e.DISCORD_GUILD_ID,
      messageContent: e.DISCORD_MESSAGE_CONTENT,
      apiUrl: e.DISCORD_API_URL,
      warnChannel: e.DISCORD_WARN_CHANNEL,
    };
  } else if (e.DISCORD_APPLICATION_ID) {
    problems.push("DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not: copy the bot token from the Developer Portal's Bot page");
  }

  if (e.RAILCACHE_POLICY !== undefined && e.RAILCACHE_CONFIG !== undefined) {
    problems.push(
      "RAILCACHE_POLICY and RAILCACHE_CONFIG are both set: set one (RAILCACHE_POLICY holds the policy's TOML text, RAILCACHE_CONFIG the path of a railcache.toml)",
    );
  }

  const config: Config = {
    railway,
    slack,
    discord,
    policyPath: e.RAILCACHE_CONFIG ?? "railcache.toml",
    policyPathExplicit: e.RAILCACHE_CONFIG !== undefined,
    policyText: e.RAILCACHE_POLICY,
    sqlitePath: e.RAILCACHE_DB ?? ".railcache/railcache.db",
    instanceId: e.RAILCACHE_INSTANCE_ID,
    databaseUrl: e.DATABASE_URL,
    kbDir: e.RAILCACHE_KB_DIR,
    unansweredDays: e.RAILCACHE_UNANSWERED_DAYS ?? DEFAULT_UNANSWERED_DAYS,
    webhookSecret: e.RAILCACHE_WEBHOOK_SECRET,
    webhookSigningSecret: e.RAILCACHE_WEBHOOK_SIGNING_SECRET,
    publicUrl: e.RAILCACHE_PUBLIC_URL?.replace(/\/+$/, ""),
    port: e.PORT ?? 3000,
    host: e.HOST ?? "0.0.0.0",
    logLevel: e.LOG_LEVEL ?? "info",
  };
  return { config, problems };
}
