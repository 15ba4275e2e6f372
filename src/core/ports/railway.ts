/**
 * The typed surface of Railway that railcache uses. `RailwayClient` implements it over
 * GraphQL; core depends only on this interface.
 */
import { KnownFailure } from "../errors.js";

export const deploymentStatuses = [
  "QUEUED",
  "WAITING",
  "INITIALIZING",
  "BUILDING",
  "DEPLOYING",
  "NEEDS_APPROVAL",
  "SUCCESS",
  "FAILED",
  "CRASHED",
  "SKIPPED",
  "REMOVING",
  "REMOVED",
  "SLEEPING",
] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

/** Terminal for a rollout (see shared/railway/API.md). */
export const terminalStatuses: ReadonlySet<DeploymentStatus> = new Set(["SUCCESS", "FAILED", "CRASHED", "SKIPPED", "REMOVED"]);

export interface Deployment {
  id: string;
  status: DeploymentStatus;
  createdAt: string; // ISO 8601
  projectId: string;
  serviceId: string;
  environmentId: string;
  /** From deployment.meta, when the source is a git commit. */
  commitHash?: string;
  commitMessage?: string;
  commitAuthor?: string;
  /** An image-sourced service has no commit; it can only be redeployed by id. */
  image?: string;
  /** Railway's own diagnosis of a failure, shortened to one line (Deployment.diagnosis), when it has one. */
  diagnosis?: string;
  /** What the deployment was built and started with, when Railway's meta carries it (meta.serviceManifest). */
  manifest?: DeploymentManifest;
}

/** The settings a deployment actually ran with (from a config file or the service settings). */
export interface DeploymentManifest {
  startCommand: string | null;
  preDeployCommand: string[] | null;
  builder: string | null;
}

export interface ServiceInstanceStatus {
  serviceId: string;
  serviceName: string;
  environmentId: string;
  environmentName: string;
  latestDeployment: Deployment | null;
  /** Path of a railway.toml / railway.json the service is configured from, if any. */
  railwayConfigFile: string | null;
  /** The instance's own start settings (the migration checks read them). */
  settings?: { builder: string; startCommand: string | null; preDeployCommand: string[] | null };
}

export interface ProjectStatus {
  projectId: string;
  projectName: string;
  environments: { id: string; name: string }[];
  instances: ServiceInstanceStatus[];
}

/** A service instance's own settings (what applies without a config file). */
export interface ServiceSettings {
  serviceId: string;
  serviceName: string;
  environmentId: string;
  environmentName: string;
  builder: string;
  startCommand: string | null;
  /** Railway stores it as a JSON list of commands; more than one element fails the deploy. */
  preDeployCommand: string[] | null;
  railwayConfigFile: string | null;
  rootDirectory: string | null;
  source: { image: string | null; repo: string | null };
  latestDeployment: Deployment | null;
  /** Variable names set on the service, with when each was last changed (ISO); never values. */
  variables: { name: string; updatedAt: string }[];
}

/** A database the project uses, named without any credential. */
export interface DatabaseRef {
  kind: "postgresql" | "mysql" | "redis" | "mongodb";
  /** Where railcache saw it: a plugin, a service's image, or a variable holding a URL. */
  via: "plugin" | "image" | "variable";
  /** The plugin's or service's name, or `service.VARIABLE`. */
  name: string;
  /** Host (and port) only, for a URL; never user or password. */
  host?: string;
  /** The service (and environment) the variable belongs to, for `via: "variable"`. */
  serviceName?: string;
  environmentName?: string;
}

export interface ProjectSetup {
  projectId: string;
  projectName: string;
  environments: { id: string; name: string }[];
  services: ServiceSettings[];
  databases: DatabaseRef[];
}

/** Railway's rate budget as `apiTokenRateLimit` reports it. */
export interface RateLimitReading {
  remaining: number;
  resetAt: number | null;
}

/** A notification rule, with its webhook channels' URLs (never their secrets). */
export interface NotificationRule {
  id: string;
  projectId: string | null;
  eventTypes: string[];
  webhookUrls: string[];
}

export interface LogLine {
  message: string;
  timestamp: string;
  severity: string | null;
}

export interface VariableTarget {
  projectId: string;
  environmentId: string;
  serviceId: string;
}

export type TokenKind = "account" | "project";

export interface TokenInfo {
  kind: TokenKind;
  /** Account tokens: the user's name or email; project tokens: null. */
  who: string | null;
  /** Project tokens are scoped to one project and environment. */
  projectId?: string;
  environmentId?: string;
}

/** Rate budget as Railway's X-RateLimit-* headers last reported it. */
export interface RateBudget {
  limit: number | null;
  remaining: number | null;
  resetAt: number | null; // epoch ms
}

export type RailwayErrorKind = "unauthorized" | "not_found" | "rate_limited" | "unavailable" | "timeout" | "bad_response" | "refused";

/** An error with a message fit for a chat user; details stay in `cause` for the logs. */
export class RailwayError extends KnownFailure {
  readonly kind: RailwayErrorKind;
  readonly retryAfterMs: number | undefined;
  /** A mutation whose outcome is unknown (timeout, 5xx): re-read state before trying again. */
  readonly outcomeUnknown: boolean;
  constructor(kind: RailwayErrorKind, userMessage: string, options: { retryAfterMs?: number; cause?: unknown; outcomeUnknown?: boolean } = {}) {
    // A refused token is a setting to fix; everything else is Railway failing or refusing this once.
    super(userMessage, { cause: options.cause, category: kind === "unauthorized" ? "configuration" : "failure", title: "Railway did not answer as expected" });
    this.name = "RailwayError";
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

export interface ServiceVariables {
  values: Record<string, string>;
  /** Set on the service but unreadable (sealed, or no value returned): a replace would lose them. */
  unreadable: string[];
}

export interface RailwayApi {
  /** Who the token is and what it covers. */
  tokenInfo(): Promise<TokenInfo>;
  /** Every service in every environment with its latest deployment: ONE request. */
  projectStatus(projectId: string): Promise<ProjectStatus>;
  deployment(id: string): Promise<Deployment>;
  /** Names of the variables set on a service (values never leave the client). */
  variableNames(target: VariableTarget): Promise<string[]>;
  variableValue(target: VariableTarget, name: string): Promise<string | null>;
  upsertVariable(target: VariableTarget, name: string, value: string, options: { skipDeploys: boolean }): Promise<void>;
  /** May start a deployment: Railway's variableDelete has no skipDeploys. */
  deleteVariable(target: VariableTarget, name: string): Promise<void>;
  /** A service's variables as stored (references unrendered) and the names whose values cannot be read (sealed). */
  serviceVariables(target: VariableTarget): Promise<ServiceVariables>;
  /** Replaces ALL of a service's variables with `variables` (variableCollectionUpsert, replace: true). */
  replaceVariables(target: VariableTarget, variables: Record<string, string>, options: { skipDeploys: boolean }): Promise<void>;
  /** The latest deployments of one service in one environment, newest first. */
  recentDeployments(input: { projectId: string; serviceId: string; environmentId: string }, first?: number): Promise<Deployment[]>;
  /** Rebuild `commitSha` from source (serviceInstanceDeployV2); returns the new deployment id. */
  deployFromSource(input: { serviceId: string; environmentId: string; commitSha: string }): Promise<string>;
  /** Redeploy an existing deployment (image sources); returns the new deployment id. */
  redeploy(deploymentId: string, options: { usePreviousImageTag: boolean }): Promise<string>;
  buildLogs(deploymentId: string, limit: number): Promise<LogLine[]>;
  deploymentLogs(deploymentId: string, limit: number): Promise<LogLine[]>;
  httpLogs(deploymentId: string, limit: number): Promise<{ status: number; path: string; timestamp: string }[]>;
  rateBudget(): RateBudget;
  /**
   * Every environment's service settings, variable names and database references in two
   * requests (ProjectSetup, then one batched variables query per environment for the database
   * hosts: only `environmentName`'s when given; none with `databaseHosts: false`).
   */
  projectSetup(projectId: string, options?: { environmentName?: string; databaseHosts?: boolean }): Promise<ProjectSetup>;
  /** Reads `apiTokenRateLimit` and takes it as the budget until response headers say otherwise. */
  readRateLimit(projectId: string): Promise<RateLimitReading | null>;
}

/** The dashboard link for a service, or for one deployment of it (shared/railway/API.md). */
export function dashboardUrl(ids: { projectId: string; serviceId: string; environmentId: string; deploymentId?: string }): string {
  const base = `https://railway.com/project/${encodeURIComponent(ids.projectId)}/service/${encodeURIComponent(ids.serviceId)}`;
  const query = new URLSearchParams({ environmentId: ids.environmentId });
  if (ids.deploymentId) query.set("id", ids.deploymentId);
  return `${base}?${query.toString()}`;
}
