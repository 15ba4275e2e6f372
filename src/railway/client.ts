/**
 * RailwayClient: the RailwayApi over Railway's public GraphQL API, built on graphql-request.
 * Every response is validated with zod; every failure becomes a RailwayError with a message a
 * chat user understands. This is the ONE place railcache retries a Railway request: queries and
 * repeatable mutations (operations.ts) retry on transient failures with jittered backoff on the
 * injected clock, honouring Retry-After; other mutations are repeated only when Railway surely did
 * not act on them, else the error says the outcome is unknown (`outcomeUnknown`) and the caller
 * (the workflow engine) moves to a state that checks Railway before anything is sent again.
 */
import { ClientError, GraphQLClient } from "graphql-request";
import pRetry from "p-retry";
import type { z } from "zod";
import type { Clock } from "../core/ports/clock.js";
import { systemClock } from "../core/ports/clock.js";
import type { Logger } from "../log.js";
import { silentLogger } from "../log.js";
import { describeNetworkError, displayUrl } from "../system-errors.js";
import { databaseImageKind, databaseUrlHost, pluginKind } from "./databases.js";
import { mutationNames, operations, repeatableMutations, variablesBatchDocument, type OperationName } from "./operations.js";
import { batchVariablesSchema, responseSchemas, toDeployment, toLogLines, toNotificationRule, toProjectStatus, toServiceSettings } from "./schemas.js";
import {
  RailwayError,
  type DatabaseRef,
  type Deployment,
  type LogLine,
  type NotificationRule,
  type ProjectSetup,
  type RateLimitReading,
  type ProjectStatus,
  type RailwayApi,
  type RailwayErrorKind,
  type RateBudget,
  type ServiceVariables,
  type TokenInfo,
  type TokenKind,
  type VariableTarget,
} from "../core/ports/railway.js";

export const defaultRailwayEndpoint = "https://backboard.railway.com/graphql/v2";

export interface RailwayClientOptions {
  /** GraphQL endpoint; Railway's public API when absent (RAILWAY_API_URL points it elsewhere). */
  endpoint?: string;
  token: string;
  /** Account/workspace tokens go in `Authorization: Bearer`, project tokens in `Project-Access-Token`. */
  tokenKind: TokenKind;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /**
   * The longest one call may take, retries and backoff included (RAILWAY_TIMEOUT_MS); none by
   * default. Only a Retry-After that Railway asks for (up to maxRetryWaitMs) is waited out beyond it.
   */
  deadlineMs?: number;
  /** Told, in words, when a call is slow or is being retried (the CLI shows it on a terminal). */
  onProgress?: (message: string) => void;
  /** Extra attempts after the first for queries and repeatable mutations (default 4). Others are never retried blindly. */
  retries?: number;
  /** Longest Retry-After the client waits out by itself; longer ones are reported (default 30 s). */
  maxRetryWaitMs?: number;
  /** Used for backoff waits, so tests and the simulator can move time. */
  clock?: Clock;
  log?: Logger;
  /** Backoff jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
  /**
   * Called after every HTTP attempt (each retry counts) with the operation name and `ok`, or the
   * failure kind (`rate_limited`, `unavailable`, `unauthorized`, `bad_response`, ...). For metrics.
   */
  onRequest?: (operation: OperationName, status: "ok" | RailwayErrorKind) => void;
}

/** What a failed attempt was, before it becomes a RailwayError. */
interface Failure {
  kind: RailwayError["kind"];
  retryable: boolean;
  /** Whether Railway may have acted on the request (only matters for mutations). */
  mayHaveRun: boolean;
  retryAfterMs?: number;
  status?: number;
  messages: string[];
  /** A connection that failed before any answer: "connection refused, ECONNREFUSED", DNS, TLS. */
  network?: string;
}

class AttemptError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.messages.join("; ") || failure.kind);
  }
}

type Vars = Record<string, unknown>;

/** The named operations plus the one built per call (variablesBatchDocument). */
const sentSchemas = { ...responseSchemas, SetupVariables: batchVariablesSchema };
type SentName = keyof typeof sentSchemas;

export class RailwayClient implements RailwayApi {
  private readonly endpoint: string;
  private readonly token: string;
  private readonly tokenKind: TokenKind;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number | undefined;
  private readonly onProgress: ((message: string) => void) | undefined;
  private readonly retries: number;
  private readonly maxRetryWaitMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly onRequest: (operation: OperationName, status: "ok" | RailwayErrorKind) => void;
  private budget: RateBudget = { limit: null, remaining: null, resetAt: null };

  constructor(options: RailwayClientOptions) {
    if (!options.token) throw new Error("RailwayClient needs a token");
    this.endpoint = options.endpoint ?? defaultRailwayEndpoint;
    this.token = options.token;
    this.tokenKind = options.tokenKind;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.deadlineMs = options.deadlineMs;
    this.onProgress = options.onProgress;
    this.retries = options.retries ?? 4;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger();
    this.random = options.random ?? Math.random;
    this.onRequest = options.onRequest ?? (() => {});
  }

  rateBudget(): RateBudget {
    return { ...this.budget };
  }

  async tokenInfo(): Promise<TokenInfo> {
    if (this.tokenKind === "project") {
      const data = await this.send("ProjectTokenInfo", {}, "this project token");
      return { kind: "project", who: null, projectId: data.projectToken.projectId, environmentId: data.projectToken.environmentId };
    }
    const data = await this.send("Me", {}, "this account");
    return { kind: "account", who: data.me.name ?? data.me.email };
  }

  async projectStatus(projectId: string): Promise<ProjectStatus> {
    return toProjectStatus(await this.send("ProjectStatus", { projectId }, `project ${projectId}`));
  }

  async projectSetup(projectId: string, options: { environmentName?: string; databaseHosts?: boolean } = {}): Promise<ProjectSetup> {
    const data = await this.send("ProjectSetup", { projectId }, `project ${projectId}`);
    const services = toServiceSettings(data);
    const databases: DatabaseRef[] = [];
    for (const { node } of data.project.plugins.edges) {
      const kind = pluginKind(node.name);
      if (kind) databases.push({ kind, via: "plugin", name: node.friendlyName || node.name });
    }
    const seenImages = new Set<string>();
    for (const service of services) {
      const kind = databaseImageKind(service.source.image);
      if (kind && !seenImages.has(service.serviceId)) {
        seenImages.add(service.serviceId);
        databases.push({ kind, via: "image", name: service.serviceName });
      }
    }
    // Hosts of database URLs: ONE batched request for the app services (database services hold their own URL).
    const readers = services.filter(
      (s) =>
        options.databaseHosts !== false &&
        !seenImages.has(s.serviceId) &&
        (!options.environmentName || s.environmentName.toLowerCase() === options.environmentName.toLowerCase()),
    );
    const byEnvironment = new Map<string, typeof readers>();
    for (const s of readers) byEnvironment.set(s.environmentId, [...(byEnvironment.get(s.environmentId) ?? []), s]);
    for (const [environmentId, group] of byEnvironment) {
      if (group.length === 0) continue;
      const variables: Vars = { projectId, environmentId };
      group.forEach((s, i) => (variables[`s${i}`] = s.serviceId));
      const values = await this.send("SetupVariables", variables, `project ${projectId}`, variablesBatchDocument(group.length));
      group.forEach((s, i) => {
        for (const [name, value] of Object.entries(values[`s${i}`] ?? {})) {
          const found = typeof value === "string" ? databaseUrlHost(value) : null;
          if (found)
            databases.push({
              kind: found.kind,
              via: "variable",
              name: `${s.serviceName}.${name}`,
              host: found.host,
              serviceName: s.serviceName,
              environmentName: s.environmentName,
            });
        }
      });
    }
    return {
      projectId: data.project.id,
      projectName: data.project.name,
      environments: data.project.environments.edges.map((e) => ({ id: e.node.id, name: e.node.name })),
      services,
      databases,
    };
  }

  async readRateLimit(projectId: string): Promise<RateLimitReading | null> {
    const reading =
      this.tokenKind === "project"
        ? (await this.send("ProjectRateLimit", { projectId }, `project ${projectId}`)).project.workspace?.apiTokenRateLimit
        : (await this.send("RateLimit", {}, "this account")).me.apiTokenRateLimit;
    if (!reading) return null;
    const parsed = Date.parse(reading.resetsAt);
    const resetAt = Number.isNaN(parsed)
      ? Number.isFinite(Number(reading.resetsAt))
        ? resetToEpochMs(Number(reading.resetsAt), this.clock.now())
        : null
      : parsed;
    // Headers seen since are newer: only an empty budget is filled in.
    if (this.budget.remaining === null) {
      this.budget.remaining = reading.remainingPoints;
      this.budget.resetAt = resetAt;
    }
    return { remaining: reading.remainingPoints, resetAt };
  }

  async projectWorkspace(projectId: string): Promise<string | null> {
    return (await this.send("ProjectWorkspace", { projectId }, `project ${projectId}`)).project.workspaceId;
  }

  async notificationRules(workspaceId: string, projectId: string): Promise<NotificationRule[]> {
    const data = await this.send("NotificationRules", { workspaceId, projectId }, `project ${projectId}`);
    return data.notificationRules.map(toNotificationRule);
  }

  /** Creates a webhook notification rule; the secret goes to Railway and nowhere else. */
  async createWebhookRule(input: { workspaceId: string; projectId: string; eventTypes: string[]; url: string; secret: string }): Promise<NotificationRule> {
    const data = await this.send(
      "NotificationRuleCreate",
      {
        input: {
          workspaceId: input.workspaceId,
          projectId: input.projectId,
          eventTypes: input.eventTypes,
          channelConfigs: [{ type: "WEBHOOK", webhookUrl: input.url, webhookSecret: input.secret }],
        },
      },
      `project ${input.projectId}`,
      undefined,
      [input.secret, input.url],
    );
    return toNotificationRule(data.notificationRuleCreate);
  }

  async updateWebhookRule(id: string, input: { eventTypes: string[]; url: string; secret: string }): Promise<NotificationRule> {
    const data = await this.send(
      "NotificationRuleUpdate",
      { id, input: { eventTypes: input.eventTypes, channelConfigs: [{ type: "WEBHOOK", webhookUrl: input.url, webhookSecret: input.secret }] } },
      `notification rule ${id}`,
      undefined,
      [input.secret, input.url],
    );
    return toNotificationRule(data.notificationRuleUpdate);
  }

  /** Asks Railway to send `payload` to `url`; the HTTP status Railway got back. */
  async webhookTest(url: string, payload: string): Promise<number> {
    return (await this.send("WebhookTest", { url, payload }, "the webhook URL", undefined, [url])).webhookTest;
  }

  async deployment(id: string): Promise<Deployment> {
    const data = await this.send("Deployment", { id }, `deployment ${id}`);
    return toDeployment(data.deployment);
  }

  /** The latest deployments of one service in one environment, newest first. */
  async recentDeployments(input: { projectId: string; serviceId: string; environmentId: string }, first = 5): Promise<Deployment[]> {
    const data = await this.send("RecentDeployments", { input, first }, `project ${input.projectId}`);
    return data.deployments.edges.map((e) => toDeployment(e.node));
  }

  async variableNames(target: VariableTarget): Promise<string[]> {
    return Object.keys(await this.variables(target)).sort();
  }

  async variableValue(target: VariableTarget, name: string): Promise<string | null> {
    return (await this.variables(target))[name] ?? null;
  }

  private async variables(target: VariableTarget): Promise<Record<string, string | null>> {
    const data = await this.send("Variables", { ...target }, `project ${target.projectId}`);
    return data.variables;
  }

  async upsertVariable(target: VariableTarget, name: string, value: string, options: { skipDeploys: boolean }): Promise<void> {
    await this.send("VariableUpsert", { input: { ...target, name, value, skipDeploys: options.skipDeploys } }, `project ${target.projectId}`);
  }

  async deleteVariable(target: VariableTarget, name: string): Promise<void> {
    await this.send("VariableDelete", { input: { ...target, name } }, `project ${target.projectId}`);
  }

  async serviceVariables(target: VariableTarget): Promise<ServiceVariables> {
    const stored = await this.variables(target);
    const meta = await this.send("VariableMeta", { environmentId: target.environmentId }, `project ${target.projectId}`);
    const values: Record<string, string> = {};
    const unreadable = new Set<string>();
    for (const [name, value] of Object.entries(stored)) {
      if (typeof value === "string") values[name] = value;
      else unreadable.add(name);
    }
    for (const { node } of meta.environment.variables.edges) {
      if (node.serviceId !== target.serviceId) continue;
      if (node.isSealed || !(node.name in values)) unreadable.add(node.name);
    }
    for (const name of unreadable) delete values[name];
    return { values, unreadable: [...unreadable].sort() };
  }

  async replaceVariables(target: VariableTarget, variables: Record<string, string>, options: { skipDeploys: boolean }): Promise<void> {
    await this.send(
      "VariableCollectionUpsert",
      { input: { ...target, variables, replace: true, skipDeploys: options.skipDeploys } },
      `project ${target.projectId}`,
    );
  }

  async deployFromSource(input: { serviceId: string; environmentId: string; commitSha: string }): Promise<string> {
    const data = await this.send("ServiceInstanceDeployV2", { ...input }, `service ${input.serviceId}`);
    return data.serviceInstanceDeployV2;
  }

  async redeploy(deploymentId: string, options: { usePreviousImageTag: boolean }): Promise<string> {
    const data = await this.send("DeploymentRedeploy", { id: deploymentId, usePreviousImageTag: options.usePreviousImageTag }, `deployment ${deploymentId}`);
    return data.deploymentRedeploy.id;
  }

  async buildLogs(deploymentId: string, limit: number): Promise<LogLine[]> {
    return toLogLines((await this.send("BuildLogs", { deploymentId, limit }, `deployment ${deploymentId}`)).buildLogs);
  }

  async deploymentLogs(deploymentId: string, limit: number): Promise<LogLine[]> {
    return toLogLines((await this.send("DeploymentLogs", { deploymentId, limit }, `deployment ${deploymentId}`)).deploymentLogs);
  }

  async httpLogs(deploymentId: string, limit: number): Promise<{ status: number; path: string; timestamp: string }[]> {
    const data = await this.send("HttpLogs", { deploymentId, limit }, `deployment ${deploymentId}`);
    return data.httpLogs.map((h) => ({ status: h.httpStatus, path: h.path, timestamp: h.timestamp }));
  }

  /**
   * Sends one operation, retrying queries on transient failures. `subject` names what the
   * request is about ("project X") for the user-facing message.
   */
  private async send<N extends SentName>(
    name: N,
    variables: Vars,
    subject: string,
    document?: string,
    /** Values of this request that must never reach a message or a log (a webhook secret, a URL holding one). */
    secrets: string[] = [],
  ): Promise<z.infer<(typeof sentSchemas)[N]>> {
    const isMutation = name !== "SetupVariables" && mutationNames.has(name as OperationName);
    const repeatable = !isMutation || repeatableMutations.has(name as OperationName);
    const scrub = (text: string) => secrets.filter(Boolean).reduce((t, secret) => t.split(secret).join("[redacted]"), this.scrub(text));
    // Real time, like the attempt timeouts: the whole call gives up at this instant.
    const deadline = this.deadlineMs === undefined ? Infinity : Date.now() + this.deadlineMs;
    try {
      return await pRetry(async (attempt) => this.attempt(name, variables, attempt, document, scrub, deadline), {
        retries: this.retries,
        // All waiting happens in onFailedAttempt on the injected clock, not in p-retry's timers.
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        shouldRetry: (error) => shouldRetry(error, repeatable, this.maxRetryWaitMs),
        onFailedAttempt: async (error) => {
          if (!shouldRetry(error, repeatable, this.maxRetryWaitMs) || error.retriesLeft <= 0) return;
          const wait = this.backoffMs(error, error.attemptNumber);
          const failure = failureOf(error);
          // A backoff that would pass the deadline is not waited: the person hears now, not later.
          if (failure?.retryAfterMs === undefined && Date.now() + wait >= deadline) throw error;
          this.onProgress?.(
            `${this.describeFailure(failure)}; trying again in ${formatSeconds(Math.max(wait, 100))} (attempt ${error.attemptNumber + 1} of ${this.retries + 1})`,
          );
          this.log.warn({ event: "railway.retry", operation: name, attempt: error.attemptNumber, waitMs: wait, reason: failureOf(error)?.kind });
          await this.clock.sleep(wait);
        },
      });
    } catch (error) {
      if (error instanceof AttemptError) {
        const failure = { ...error.failure, messages: error.failure.messages.map(scrub) };
        throw this.toRailwayError(failure, { isMutation, subject: scrub(subject), operation: name });
      }
      if (error instanceof RailwayError) throw error;
      throw new RailwayError("bad_response", "Railway sent a reply railcache could not read.", { cause: scrub(String(error)) });
    }
  }

  private backoffMs(error: Error, attemptNumber: number): number {
    const failure = failureOf(error);
    if (failure?.retryAfterMs !== undefined) return failure.retryAfterMs;
    // Full jitter on an exponential base: 0.5 s, 1 s, 2 s ... capped at 10 s.
    const base = Math.min(10_000, 500 * 2 ** (attemptNumber - 1));
    return Math.round(base / 2 + (base / 2) * this.random());
  }

  /** One HTTP exchange. Throws AttemptError describing what went wrong. */
  private async attempt<N extends SentName>(
    name: N,
    variables: Vars,
    attempt: number,
    document: string | undefined,
    scrub: (text: string) => string,
    deadline: number,
  ): Promise<z.infer<(typeof sentSchemas)[N]>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(1, Math.min(this.timeoutMs, deadline - Date.now())));
    // A wait a person would notice is said once, on the first attempt only.
    const slow =
      this.onProgress && attempt === 1
        ? setTimeout(
            () => this.onProgress?.(`waiting for Railway at ${displayUrl(this.endpoint)} (gives up after ${formatSeconds(this.waitLimitMs())})`),
            2_000,
          )
        : undefined;
    let answered = false;
    const started = Date.now();
    const client = new GraphQLClient(this.endpoint, {
      headers: this.authHeaders(),
      signal: controller.signal,
      fetch: async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, { ...init, signal: controller.signal });
        answered = true;
        this.readBudget(response.headers);
        return response;
      },
    });
    try {
      const result = await client.rawRequest<unknown>(document ?? operations[name as OperationName], variables);
      this.log.debug({ event: "railway.request", operation: name, attempt, status: result.status, ms: Date.now() - started });
      const parsed = sentSchemas[name].safeParse(result.data);
      this.onRequest(name as OperationName, parsed.success ? "ok" : "bad_response");
      if (!parsed.success) {
        // A garbled answer is usually a proxy or a partial body: worth asking again when that is safe.
        throw new AttemptError({
          kind: "bad_response",
          retryable: true,
          mayHaveRun: true,
          messages: [`response did not match: ${parsed.error.issues[0]?.message ?? "?"}`],
        });
      }
      return parsed.data as z.infer<(typeof sentSchemas)[N]>;
    } catch (error) {
      if (error instanceof AttemptError) throw error;
      const raw = this.classify(error, answered, controller.signal.aborted);
      const failure = { ...raw, messages: raw.messages.map(scrub) };
      this.log.warn({ event: "railway.request_failed", operation: name, attempt, kind: failure.kind, status: failure.status, ms: Date.now() - started });
      this.onRequest(name as OperationName, failure.kind);
      throw new AttemptError(failure);
    } finally {
      clearTimeout(timer);
      clearTimeout(slow);
    }
  }

  /** How long a call may wait in all: the deadline when there is one, else one attempt. */
  private waitLimitMs(): number {
    return this.deadlineMs ?? this.timeoutMs;
  }

  /** One failed attempt in words, for progress lines. */
  private describeFailure(failure: Failure | undefined): string {
    const where = `Railway at ${displayUrl(this.endpoint)}`;
    if (!failure) return `${where} failed`;
    if (failure.network) return `${where}: ${failure.network}`;
    if (failure.kind === "timeout") return `${where} did not answer`;
    if (failure.kind === "rate_limited") return `${where}: rate limit used up`;
    return `${where}: ${failure.status ? `HTTP ${failure.status}` : failure.kind.replace("_", " ")}`;
  }

  private classify(error: unknown, answered: boolean, timedOut: boolean): Failure {
    if (error instanceof ClientError) {
      const status = error.response.status;
      const messages = (error.response.errors ?? []).map((e) => this.scrub(e.message));
      const headers = error.response.headers as Headers | undefined;
      if (status === 429) {
        return {
          kind: "rate_limited",
          retryable: true,
          mayHaveRun: false,
          retryAfterMs: retryAfterMs(headers?.get("retry-after") ?? null, this.clock.now()),
          status,
          messages,
        };
      }
      if (status >= 500) return { kind: "unavailable", retryable: true, mayHaveRun: true, status, messages };
      if (status === 401 || status === 403) return { kind: "unauthorized", retryable: false, mayHaveRun: false, status, messages };
      const all = messages.join(" ");
      if (/not authori[sz]ed|unauthori[sz]ed|forbidden/i.test(all)) return { kind: "unauthorized", retryable: false, mayHaveRun: false, status, messages };
      if (/not found/i.test(all)) return { kind: "not_found", retryable: false, mayHaveRun: false, status, messages };
      const codes = (error.response.errors ?? []).map((e) => (e.extensions as { code?: unknown } | undefined)?.code);
      if (codes.includes("GRAPHQL_VALIDATION_FAILED") || codes.includes("GRAPHQL_PARSE_FAILED")) {
        return { kind: "bad_response", retryable: false, mayHaveRun: false, status, messages };
      }
      // Railway's own failure behind a 200 ("Problem processing request"): transient, and it may have acted.
      if (codes.includes("INTERNAL_SERVER_ERROR")) return { kind: "unavailable", retryable: true, mayHaveRun: true, status, messages };
      if (messages.length === 0) return { kind: "bad_response", retryable: false, mayHaveRun: true, status, messages: [`HTTP ${status}`] };
      return { kind: "refused", retryable: false, mayHaveRun: false, status, messages };
    }
    if (timedOut) return { kind: "timeout", retryable: true, mayHaveRun: true, messages: [] };
    if (!answered) {
      const network = describeNetworkError(error);
      return {
        kind: "unavailable",
        retryable: true,
        mayHaveRun: false,
        messages: [this.scrub((error as Error)?.message ?? "network error")],
        ...(network ? { network } : {}),
      };
    }
    // Railway answered 2xx but the body was not JSON we can read: transient (a cut-off body), and it may have acted.
    return { kind: "bad_response", retryable: true, mayHaveRun: true, messages: [this.scrub((error as Error)?.message ?? "unreadable body")] };
  }

  private toRailwayError(failure: Failure, context: { isMutation: boolean; subject: string; operation: string }): RailwayError {
    const outcomeUnknown = context.isMutation && failure.mayHaveRun && failure.kind !== "unauthorized";
    const unknownNote = outcomeUnknown ? " The change may or may not have been made: railcache will check Railway's state before trying again." : "";
    const railwaySays = failure.messages.join("; ");
    let userMessage: string;
    switch (failure.kind) {
      case "unauthorized":
        if (context.operation === "Me" || context.operation === "ProjectTokenInfo") {
          const other = this.tokenKind === "project" ? "an account or workspace token" : "a project token";
          userMessage = `Railway refused: ${railwaySays || "Not Authorized"}. The token is not a valid ${this.tokenKind} token (if it is ${other}, configure it as one).`;
          break;
        }
        userMessage = `Railway refused: ${railwaySays || "Not Authorized"}. The token may not cover ${context.subject}${
          this.tokenKind === "project" ? " (it is a project token: it only sees its own project and environment)" : ""
        }.`;
        break;
      case "rate_limited": {
        const seconds = Math.max(1, Math.ceil((failure.retryAfterMs ?? 60_000) / 1000));
        userMessage = `Railway's rate limit is used up; retry in ${seconds} s.`;
        break;
      }
      case "unavailable":
        userMessage = failure.network
          ? `Cannot reach Railway at ${displayUrl(this.endpoint)}: ${failure.network}.${unknownNote}`
          : `Railway is not answering properly right now (${failure.status ? `HTTP ${failure.status} from ` : ""}${displayUrl(this.endpoint)}); try again in a minute.${unknownNote}`;
        break;
      case "timeout":
        userMessage = `Railway at ${displayUrl(this.endpoint)} did not answer within ${formatSeconds(this.waitLimitMs())}.${unknownNote}`;
        break;
      case "not_found":
        userMessage = `Railway says: ${railwaySays || "not found"} (${context.subject}).`;
        break;
      case "bad_response":
        userMessage =
          failure.status === 200 && failure.messages.length > 0 && !failure.mayHaveRun
            ? `Railway rejected railcache's ${context.operation} request (${railwaySays}). This is a railcache bug: please report it.`
            : `Railway sent a reply railcache could not read.${unknownNote}`;
        break;
      default:
        userMessage = `Railway refused: ${railwaySays || "the request failed"}.`;
    }
    return new RailwayError(failure.kind, this.scrub(userMessage), {
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      outcomeUnknown,
      cause: { operation: context.operation, status: failure.status, messages: failure.messages },
    });
  }

  private authHeaders(): Record<string, string> {
    return this.tokenKind === "project" ? { "Project-Access-Token": this.token } : { Authorization: `Bearer ${this.token}` };
  }

  private readBudget(headers: Headers): void {
    const limit = toNumber(headers.get("x-ratelimit-limit"));
    const remaining = toNumber(headers.get("x-ratelimit-remaining"));
    const reset = toNumber(headers.get("x-ratelimit-reset"));
    if (limit !== null) this.budget.limit = limit;
    if (remaining !== null) this.budget.remaining = remaining;
    if (reset !== null) this.budget.resetAt = resetToEpochMs(reset, this.clock.now());
  }

  /** Belt and braces: a token must never reach a message, even if a server echoes it. */
  private scrub(text: string): string {
    return text.split(this.token).join("[redacted]");
  }
}

function failureOf(error: unknown): Failure | undefined {
  return error instanceof AttemptError ? error.failure : undefined;
}

function shouldRetry(error: Error, repeatable: boolean, maxWaitMs: number): boolean {
  const failure = failureOf(error);
  if (!failure?.retryable) return false;
  if (failure.kind === "rate_limited") return (failure.retryAfterMs ?? Infinity) <= maxWaitMs;
  // Anything else is sent again only when that is harmless or Railway surely did not act on it.
  return repeatable || !failure.mayHaveRun;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 && ms % 1000 !== 0 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function toNumber(value: string | null): number | null {
  if (value === null || value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** X-RateLimit-Reset as epoch ms, whether sent as epoch seconds, epoch ms or seconds from now. */
function resetToEpochMs(value: number, now: number): number {
  if (value > 1e12) return value;
  if (value > 1e9) return value * 1000;
  return now + value * 1000;
}

/** Retry-After in ms: either delta-seconds or an HTTP date. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
