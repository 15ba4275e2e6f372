/**
 * The composition root shared by the CLI and the long-running bot: config in, a wired
 * runtime out (Railway, knowledge base, store, policy, workflows, the BotCore).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config.js";
import { KnownFailure } from "./core/errors.js";
import { describeFileError } from "./system-errors.js";
import type { BotCore } from "./core/bot-core.js";
import { createBotCore } from "./core/bot-core.js";
import { Watcher, type WatcherRouting, type WatcherRulesInput } from "./core/watcher/index.js";
import type { AnswerEngine } from "./core/kb/types.js";
import { MessengerRegistry } from "./core/messengers.js";
import { isOpenPolicy, loadPolicy, PolicyError, type PolicySource } from "./core/policy/index.js";
import { adoptPolicy, type Policy, type WatcherPolicy } from "./core/policy/policy.js";
import { systemClock, type Clock } from "./core/ports/clock.js";
import { WorkflowEngine, type WorkflowTimeouts } from "./core/workflow/engine.js";
import { outcomeStates } from "./core/workflow/states.js";
import type { Workflow } from "./core/workflow/data.js";
import { openKnowledge } from "./core/kb/open-knowledge.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import { RailwayClient, type RailwayClientOptions } from "./railway/client.js";
import type { Simulator } from "./railway/simulator/index.js";
import { RailwayError, type RailwayApi } from "./core/ports/railway.js";
import { openSqliteStore } from "./store/index.js";
import type { Store } from "./core/ports/store.js";

/** No token and no --demo: the command cannot run, and the message says how to fix that. */
export class NoRailwayError extends KnownFailure {
  constructor() {
    super(
      "No Railway token is configured. Set RAILWAY_TOKEN to a project token (Project Settings > Tokens), " +
        "or RAILWAY_API_TOKEN to an account or workspace token together with RAILWAY_PROJECT_ID. " +
        "To try railcache without a token, add --demo to run against the simulated demo-shop project.",
      { category: "configuration", title: "Railway is not connected" },
    );
    this.name = "NoRailwayError";
  }
}

export interface RailwayConnection {
  api: RailwayClient;
  projectId: string;
  /** The in-process simulator serving the demo project, when running with --demo. */
  simulator?: Simulator;
  demo: boolean;
  close(): Promise<void>;
}

/** Connects to Railway (or, with `demo`, to the simulated demo-shop project). */
export async function connectRailway(
  config: Config,
  options: { demo: boolean; log: Logger; clock?: Clock; onRequest?: RailwayClientOptions["onRequest"]; onProgress?: RailwayClientOptions["onProgress"] },
): Promise<RailwayConnection> {
  const onRequest = { ...(options.onRequest ? { onRequest: options.onRequest } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  if (options.demo) {
    // Builds and deploys ten times faster than life, so a demo cache clear finishes in seconds;
    // the clock itself is real time, so a confirmation lasts its 5 minutes and times read right.
    // Loaded only for the demo: a deployed bot never pays for the simulator's code.
    const { DEMO_ACCOUNT_TOKEN, DEMO_PROJECT_ID, startSimulator } = await import("./railway/simulator/index.js");
    const simulator = await startSimulator({ autoAdvance: true, speed: 1, settings: { buildSpeed: 10 } });
    const api = new RailwayClient({
      endpoint: simulator.url,
      token: DEMO_ACCOUNT_TOKEN,
      tokenKind: "account",
      log: options.log,
      clock: simulator.clock,
      ...onRequest,
    });
    return { api, projectId: DEMO_PROJECT_ID, simulator, demo: true, close: () => simulator.close() };
  }
  if (!config.railway) throw new NoRailwayError();
  const { token, tokenKind, apiUrl, timeoutMs } = config.railway;
  // Where a person waits at a terminal (the CLI passes onProgress), RAILWAY_TIMEOUT_MS bounds the
  // whole call, retries included. The bot's own work (a confirmed cache clear, the watcher) keeps
  // retrying transient failures, each attempt bounded by it: giving up there strands a workflow.
  const deadline = options.onProgress ? { deadlineMs: timeoutMs } : {};
  const api = new RailwayClient({
    endpoint: apiUrl,
    token,
    tokenKind,
    timeoutMs,
    ...deadline,
    log: options.log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...onRequest,
  });
  let projectId = config.railway.projectId;
  if (!projectId) {
    // A project token knows its project; an account token without RAILWAY_PROJECT_ID is refused by config.
    const info = await api.tokenInfo();
    projectId = info.projectId;
    if (!projectId) throw new RailwayError("refused", "This token is not scoped to a project: set RAILWAY_PROJECT_ID.");
  }
  return { api, projectId, demo: false, close: async () => {} };
}

/** Seeds the client's rate budget from `apiTokenRateLimit`; a refusal only costs the head start. */
async function readRateBudget(railway: RailwayConnection, log: Logger): Promise<void> {
  try {
    const reading = await railway.api.readRateLimit(railway.projectId);
    log.info(
      { event: "railway.rate_budget", remaining: reading?.remaining ?? null, resetAt: reading?.resetAt ? new Date(reading.resetAt).toISOString() : null },
      "rate budget read",
    );
  } catch (error) {
    log.warn(
      { event: "railway.rate_budget_unread", err: error instanceof RailwayError ? error.userMessage : String(error) },
      "could not read the rate budget; pacing waits for response headers",
    );
  }
}

/** Where the policy comes from: RAILCACHE_POLICY's text when set, else the file. */
export function policySource(config: Config): PolicySource {
  return { text: config.policyText, textLabel: "RAILCACHE_POLICY", path: config.policyPath, required: config.policyPathExplicit };
}

/** What a policy reload did. */
export type PolicyReload =
  | { outcome: "reloaded"; source: string; rules: number; watcherChanged: boolean }
  | { outcome: "rejected"; source: string; problems: string[] }
  | { outcome: "fixed"; source: string };

/** PostgreSQL when DATABASE_URL is set (replicas share it), else the embedded SQLite file. */
export async function openStore(config: Config, options: { demo: boolean; log?: Logger }): Promise<Store> {
  if (config.databaseUrl && !options.demo) {
    // node-postgres is loaded only when it is used (about 5 MB resident otherwise wasted).
    const { openPostgresStore } = await import("./store/postgres/index.js");
    return openPostgresStore({ connectionString: config.databaseUrl, ...(options.log ? { log: options.log } : {}) });
  }
  // The demo keeps its own file so trying it never mixes with a real project's audit log.
  const file = options.demo ? demoStorePath(config) : config.sqlitePath;
  try {
    return openSqliteStore({ path: file });
  } catch (error) {
    throw sqliteFailure(error, file);
  }
}

function demoStorePath(config: Config): string {
  return path.join(path.dirname(config.sqlitePath), "demo.db");
}

/**
 * The demo chat starts from a fresh store, as its simulated project starts afresh: cooldowns and
 * card keys from the last run would meet a project that no longer has them ("Too soon", no card).
 * (`--demo` CLI commands share the file, so `audit --demo` tells the story of `clear --demo`.)
 */
export function forgetDemoStore(config: Config): void {
  const file = demoStorePath(config);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

/** An SQLite file that cannot be opened, in one sentence: which file, why, and what to set instead. */
function sqliteFailure(error: unknown, file: string): KnownFailure {
  return new KnownFailure(
    `Cannot open the SQLite database ${path.resolve(file)}: ${describeFileError(error)}. Set RAILCACHE_DB to a writable file, or DATABASE_URL for PostgreSQL.`,
    {
      category: "configuration",
      cause: error,
      title: "The database cannot be opened",
    },
  );
}

export interface Runtime {
  config: Config;
  answers: AnswerEngine;
  railway: RailwayConnection | undefined;
  store: Store;
  policy: Policy;
  workflows: WorkflowEngine | undefined;
  watcher: Watcher | undefined;
  messengers: MessengerRegistry;
  bot: BotCore;
  log: Logger;
  /**
   * Reads the policy file again and, when it is valid, puts it in force for every new request
   * (SIGHUP). An invalid file is refused and the policy in force stays. A policy given in
   * RAILCACHE_POLICY cannot change while the process runs.
   */
  reloadPolicy(): Promise<PolicyReload>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  log: Logger;
  /** Use the simulated demo-shop project instead of a real Railway token. */
  demo: boolean;
  /** Without Railway the bot still answers questions (console chat with a broken token, say). */
  requireRailway: boolean;
  clock?: Clock;
  timeouts?: Partial<WorkflowTimeouts>;
  /** Watch deploys and post warnings (the long-running bot; not the CLI). The policy's [watcher] section fills in the rest. */
  watch?: WatchSettings;
  instanceId?: string;
  /** Prometheus counters, for the long-running bot. */
  metrics?: Metrics;
  /** Slow or retried Railway calls, in words (the CLI prints them on a terminal). */
  onRailwayProgress?: (message: string) => void;
}

export interface WatchSettings {
  routing: WatcherRouting;
  pollIntervalMs?: number;
  rules?: WatcherRulesInput;
  services?: string[];
  environments?: string[];
}

/**
 * The caller's watch settings (the default channel from the environment) merged with the
 * policy's [watcher] section: its routes come after the caller's, and what the caller sets wins.
 */
export function mergeWatchSettings(watch: WatchSettings, fromPolicy: WatcherPolicy | undefined): WatchSettings {
  if (!fromPolicy) return watch;
  const rules: Record<string, unknown> = { ...fromPolicy.rules };
  for (const [rule, value] of Object.entries(watch.rules ?? {})) {
    const base = rules[rule];
    rules[rule] = typeof value === "object" && typeof base === "object" ? { ...base, ...value } : value;
  }
  const pollIntervalMs = watch.pollIntervalMs ?? fromPolicy.pollIntervalMs;
  const services = watch.services ?? fromPolicy.services;
  const environments = watch.environments ?? fromPolicy.environments;
  return {
    routing: { default: watch.routing.default, routes: [...(watch.routing.routes ?? []), ...fromPolicy.routes] },
    rules: rules as WatcherRulesInput,
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(services ? { services } : {}),
    ...(environments ? { environments } : {}),
  };
}

/** Wires everything; the caller owns `close()`. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, log, metrics } = options;
  const policy = await loadPolicy(policySource(config));
  const answers = openKnowledge(config.kbDir, log);
  let railway: RailwayConnection | undefined;
  try {
    railway = await connectRailway(config, {
      demo: options.demo,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.onRailwayProgress ? { onProgress: options.onRailwayProgress } : {}),
      ...(metrics ? { onRequest: (operation: string, status: string) => metrics.railwayRequests.inc({ operation, status }) } : {}),
    });
  } catch (error) {
    if (options.requireRailway || !(error instanceof NoRailwayError)) throw error;
  }
  // The watcher paces its polls by the rate budget: read it now rather than guess until the first response headers.
  if (railway && options.watch) await readRateBudget(railway, log);
  // The demo's world keeps its own clock (real time; only its builds run faster): timestamps it
  // hands out and the times core compares them with must come from one clock.
  const clock = options.clock ?? railway?.simulator?.clock ?? systemClock;
  const store = await openStore(config, { demo: options.demo, log });
  const messengers = new MessengerRegistry(metrics ? { onError: (platform) => metrics.chatApiErrors.inc({ platform }) } : {});
  const workflows = railway
    ? new WorkflowEngine({
        store,
        railway: railway.api as RailwayApi,
        policy,
        clock,
        log,
        projectId: railway.projectId,
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        ...(options.instanceId ? { instanceId: options.instanceId } : {}),
        outbox: messengers,
        onStep: async (update) => {
          if (outcomeStates.has(update.state)) options.metrics?.workflows.inc({ outcome: update.state });
          if (update.state === "deployed" || update.state === "failed" || update.state === "image_reused") await resolveWarningCard(update.workflow);
        },
      })
    : undefined;
  /** The warning card about the deployment a clear rebuilt says how the clear ended. */
  async function resolveWarningCard(wf: Workflow): Promise<void> {
    if (!watcher) return;
    const d = wf.data;
    const name = (p: { displayName?: string | undefined; userId: string }) => p.displayName ?? p.userId;
    try {
      await watcher.workflowEnded({
        kind: d.kind,
        outcome: d.outcome ?? "failed",
        serviceId: d.serviceId,
        serviceName: d.serviceName,
        environmentId: d.environmentId,
        environmentName: d.environmentName,
        baseDeploymentId: d.base.deploymentId,
        requester: name(d.requester),
        confirmedBy: d.confirmedBy ? name(d.confirmedBy) : null,
        liveDeploymentId: d.liveDeploymentId,
        failure: d.failure,
      });
    } catch (error) {
      log.warn({ event: "watcher.card_resolve_failed", workflowId: wf.id, err: error }, "could not update the warning card");
    }
  }
  const watch = options.watch ? mergeWatchSettings(options.watch, policy.watcher) : undefined;
  const watcher =
    railway && watch
      ? new Watcher({
          railway: railway.api,
          store,
          projectId: railway.projectId,
          outbox: messengers,
          routing: watch.routing,
          clock,
          log,
          ...(watch.pollIntervalMs ? { pollIntervalMs: watch.pollIntervalMs } : {}),
          ...(watch.rules ? { rules: watch.rules } : {}),
          ...(watch.services ? { services: watch.services } : {}),
          ...(watch.environments ? { environments: watch.environments } : {}),
          ...(metrics ? { onWarning: (rule: string) => metrics.warningsPosted.inc({ rule }) } : {}),
        })
      : undefined;
  const bot = createBotCore({
    answers,
    ...(railway ? { railway: { api: railway.api, projectId: railway.projectId } } : {}),
    ...(workflows ? { workflows } : {}),
    outbox: messengers,
    ...(watcher ? { warnings: watcher } : {}),
    store,
    policy,
    clock,
    log,
    ...(options.metrics ? { onAnswer: (matched: boolean) => options.metrics?.questions.inc({ matched: String(matched) }) } : {}),
    unansweredDays: config.unansweredDays,
  });
  return {
    config,
    answers,
    railway,
    store,
    policy,
    workflows,
    watcher,
    messengers,
    bot,
    log,
    async reloadPolicy() {
      if (config.policyText !== undefined) return { outcome: "fixed", source: "RAILCACHE_POLICY" };
      let next: Policy;
      try {
        next = await loadPolicy(policySource(config));
      } catch (error) {
        if (error instanceof PolicyError) return { outcome: "rejected", source: config.policyPath, problems: error.problems };
        throw error;
      }
      // A file that vanished would open everything up: keep the policy in force instead.
      if (isOpenPolicy(next) && !isOpenPolicy(policy)) {
        return {
          outcome: "rejected",
          source: config.policyPath,
          problems: [`${config.policyPath} is gone; railcache keeps the policy it has rather than opening up to everyone`],
        };
      }
      // The watcher was built from the [watcher] section at start-up; a change there needs a restart.
      const watcherChanged = JSON.stringify(next.watcher ?? null) !== JSON.stringify(policy.watcher ?? null);
      adoptPolicy(policy, next);
      return { outcome: "reloaded", source: next.source, rules: next.allow.length, watcherChanged };
    },
    async close() {
      // Running workflows pause at their next wait and resume on the next start (state is persisted).
      await workflows?.stop();
      await watcher?.idle();
      await railway?.close();
      await store.close();
    },
  };
}
