/**
 * The simulator's state: projects, environments, services and their instances, deployments
 * with logs, and variables, moved forward by an explicit clock (`advance`). Pure data and
 * rules: no HTTP, no GraphQL. The GraphQL layer (resolvers.ts) reads and changes it.
 */
import { randomUUID } from "node:crypto";
import type { DeploymentStatus } from "../../core/ports/railway.js";
import { buildLogLines, deployLogLines, failureLogLines, type Failure } from "./logs.js";

export interface SimCommit {
  hash: string;
  message: string;
  author: string;
  branch: string;
}

export interface SimProject {
  id: string;
  name: string;
  createdAt: number;
  /** Legacy database plugins (Railway's PluginType names). */
  plugins: { id: string; name: "postgresql" | "mysql" | "redis" | "mongodb"; friendlyName: string }[];
}

/** A notification rule with a webhook channel (notificationRuleCreate). */
export interface SimNotificationRule {
  id: string;
  workspaceId: string;
  projectId: string | null;
  eventTypes: string[];
  severities: string[];
  channels: { id: string; type: string; webhookUrl: string; webhookSecret: string | null }[];
  createdAt: number;
  updatedAt: number;
}

export interface SimEnvironment {
  id: string;
  projectId: string;
  name: string;
  createdAt: number;
}

export interface SimService {
  id: string;
  projectId: string;
  name: string;
  createdAt: number;
  /** `owner/name` for git-sourced services. */
  repo: string | null;
  /** Docker image for image-sourced services (no build, no commits). */
  image: string | null;
  /** Repository history, oldest first; the last one is the branch head. */
  commits: SimCommit[];
}

export interface SimInstance {
  id: string;
  serviceId: string;
  environmentId: string;
  railwayConfigFile: string | null;
  startCommand: string | null;
  /** Railway stores the pre-deploy command as JSON (a list of commands). */
  preDeployCommand: string[] | null;
  builder: "NIXPACKS" | "RAILPACK";
  /** New deployments wait in NEEDS_APPROVAL until deploymentApprove. */
  requiresApproval: boolean;
  /** Scenario: cached builds produce a broken image until an uncached build refreshes the cache. */
  staleCache: { status: "FAILED" | "CRASHED" } | null;
  /** What the service's railway.toml sets, applied to each deployment while `railwayConfigFile` is set. */
  configFileValues?: { startCommand?: string; preDeployCommand?: string[] } | null;
  /** Scenario: every build of the current code fails, cache or not, until a new commit. */
  plainFailure: { status: "FAILED" | "CRASHED"; kind: "syntax" | "missing_package" } | null;
}

export interface SimLog {
  message: string;
  timestamp: number;
  severity: "info" | "error" | "warn";
}

export interface SimHttpLog {
  timestamp: number;
  method: string;
  path: string;
  httpStatus: number;
  totalDuration: number;
  requestId: string;
}

interface Phase {
  status: DeploymentStatus;
  durationMs: number;
}

export interface SimDeployment {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  status: DeploymentStatus;
  createdAt: number;
  statusUpdatedAt: number;
  /** Railway's deployment.meta JSON: commitHash, commitMessage, commitAuthor, branch, repo, image... */
  meta: Record<string, unknown>;
  /** Whether a build ran at all (false when the image was reused or pulled). */
  built: boolean;
  /** Whether the build used the layer cache; null when nothing was built. */
  usedCache: boolean | null;
  /** The image this deployment runs; a broken image crashes on every deploy of it. */
  image: { id: string; failure: Failure | null };
  buildLogs: SimLog[];
  deployLogs: SimLog[];
  httpLogs: SimHttpLog[];
  /** Railway's own diagnosis (Deployment.diagnosis): null, or whatever shape the world's setting gives it. */
  diagnosis: unknown;
  /** Remaining lifecycle, consumed by `advance`. */
  plan: Phase[];
  phaseEndsAt: number | null;
}

export interface DeployRequest {
  commit?: SimCommit | null;
  /** Reuse this deployment's image: no build at all. */
  reuseImageOf?: SimDeployment;
  reason?: string;
}

/**
 * Railway behaviour nobody documents, one setting each, so tests can run under every plausible
 * answer. The defaults are the pessimistic guess.
 */
export interface WorldSettings {
  /** Whether a variable change without skipDeploys (variableDelete has none) starts a deployment. Default true. */
  variableChangesDeploy: boolean;
  /** Whether Railway honours skipDeploys: true. Default true; false models a deploy that starts anyway. */
  skipDeploysHonoured: boolean;
  /** How long a build takes, with and without the layer cache (ms). */
  cachedBuildMs: number;
  uncachedBuildMs: number;
  /**
   * Deployment.diagnosis on failed deployments: none (default), a plain string, or an object
   * with a `summary` (its shape is not documented).
   */
  diagnosis: "none" | "string" | "object";
  /** Whether deployment.meta carries `serviceManifest` (what the deploy ran with). Default false: undocumented. */
  manifestInMeta: boolean;
  /** Whether `apiTokenRateLimit` answers (null when false). Default true. */
  rateLimitQueryable: boolean;
  /** Whether webhookTest deliveries carry x-webhook-signature (signed with a rule's secret for that URL). Default false: nothing says so. */
  webhookTestSigned: boolean;
  /**
   * How many times faster than life deployments move through their phases (queue, build,
   * deploy). The demo uses 10 so a clear finishes in seconds while its clock stays real time.
   */
  buildSpeed: number;
}

const phaseDurations = {
  QUEUED: 2_000,
  INITIALIZING: 3_000,
  cachedBuild: 25_000,
  uncachedBuild: 95_000,
  DEPLOYING: 15_000,
} as const;

const terminal: ReadonlySet<DeploymentStatus> = new Set(["SUCCESS", "FAILED", "CRASHED", "SKIPPED", "REMOVED"]);

const instanceKey = (serviceId: string, environmentId: string) => `${environmentId}:${serviceId}`;

export class World {
  now: number;
  readonly projects = new Map<string, SimProject>();
  readonly environments = new Map<string, SimEnvironment>();
  readonly services = new Map<string, SimService>();
  readonly instances = new Map<string, SimInstance>();
  /** In creation order. */
  readonly deployments = new Map<string, SimDeployment>();
  readonly variables = new Map<string, Map<string, string>>();
  /** `${environmentId}:${serviceId}:${name}` of sealed variables: their values are never returned. */
  readonly sealed = new Set<string>();
  /** `${environmentId}:${serviceId}:${name}` -> when the variable was last set (ms). */
  readonly variableUpdatedAt = new Map<string, number>();
  readonly notificationRules: SimNotificationRule[] = [];
  readonly settings: WorldSettings;

  constructor(options: { now?: number; settings?: Partial<WorldSettings> } = {}) {
    this.now = options.now ?? Date.now();
    this.settings = {
      variableChangesDeploy: true,
      skipDeploysHonoured: true,
      cachedBuildMs: phaseDurations.cachedBuild,
      uncachedBuildMs: phaseDurations.uncachedBuild,
      diagnosis: "none",
      manifestInMeta: false,
      rateLimitQueryable: true,
      webhookTestSigned: false,
      buildSpeed: 1,
      ...options.settings,
    };
  }

  /** A phase's length at this world's build speed. */
  private phase(ms: number): number {
    return Math.round(ms / Math.max(1, this.settings.buildSpeed));
  }

  /** Seals a variable (it must exist): listed, never readable. */
  seal(serviceId: string, environmentId: string, name: string): void {
    if (!this.vars(serviceId, environmentId).has(name)) throw new Error(`simulator: no variable ${name} to seal`);
    this.sealed.add(`${instanceKey(serviceId, environmentId)}:${name}`);
  }

  isSealed(serviceId: string, environmentId: string, name: string): boolean {
    return this.sealed.has(`${instanceKey(serviceId, environmentId)}:${name}`);
  }

  addProject(name: string, options: { id?: string } = {}): SimProject {
    const project: SimProject = { id: options.id ?? randomUUID(), name, createdAt: this.now, plugins: [] };
    this.projects.set(project.id, project);
    return project;
  }

  addEnvironment(projectId: string, name: string, options: { id?: string } = {}): SimEnvironment {
    const environment = { id: options.id ?? randomUUID(), projectId, name, createdAt: this.now };
    this.environments.set(environment.id, environment);
    for (const service of this.services.values()) {
      if (service.projectId === projectId) this.createInstance(service, environment);
    }
    return environment;
  }

  /** Adds a service with an instance in every environment of its project. */
  addService(
    projectId: string,
    name: string,
    options: {
      id?: string;
      repo?: string;
      image?: string;
      commits?: SimCommit[];
      instance?: Partial<Omit<SimInstance, "id" | "serviceId" | "environmentId">>;
    } = {},
  ): SimService {
    const service: SimService = {
      id: options.id ?? randomUUID(),
      projectId,
      name,
      createdAt: this.now,
      repo: options.image ? null : (options.repo ?? `acme/${name}`),
      image: options.image ?? null,
      commits: [...(options.commits ?? [])],
    };
    this.services.set(service.id, service);
    for (const environment of this.environments.values()) {
      if (environment.projectId === projectId) this.createInstance(service, environment, options.instance);
    }
    return service;
  }

  private createInstance(service: SimService, environment: SimEnvironment, overrides: Partial<SimInstance> = {}): SimInstance {
    const instance: SimInstance = {
      id: randomUUID(),
      serviceId: service.id,
      environmentId: environment.id,
      railwayConfigFile: null,
      startCommand: null,
      preDeployCommand: null,
      builder: "RAILPACK",
      requiresApproval: false,
      staleCache: null,
      plainFailure: null,
      ...overrides,
    };
    this.instances.set(instanceKey(service.id, environment.id), instance);
    return instance;
  }

  instance(serviceId: string, environmentId: string): SimInstance | undefined {
    return this.instances.get(instanceKey(serviceId, environmentId));
  }

  /** Finds a service by name (case-insensitive), optionally within one project. */
  serviceByName(name: string, projectId?: string): SimService {
    const found = [...this.services.values()].find((s) => s.name.toLowerCase() === name.toLowerCase() && (!projectId || s.projectId === projectId));
    if (!found) throw new Error(`simulator: no service named ${name}`);
    return found;
  }

  environmentByName(projectId: string, name: string): SimEnvironment {
    const found = [...this.environments.values()].find((e) => e.projectId === projectId && e.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new Error(`simulator: no environment named ${name}`);
    return found;
  }

  /** The instance for a service and environment given by name. */
  instanceByName(serviceName: string, environmentName: string): SimInstance {
    const service = this.serviceByName(serviceName);
    const environment = this.environmentByName(service.projectId, environmentName);
    const instance = this.instance(service.id, environment.id);
    if (!instance) throw new Error(`simulator: ${serviceName} has no instance in ${environmentName}`);
    return instance;
  }

  /** Sets a variable and remembers when (Variable.updatedAt). */
  setVar(serviceId: string, environmentId: string, name: string, value: string): void {
    this.vars(serviceId, environmentId).set(name, value);
    this.variableUpdatedAt.set(`${instanceKey(serviceId, environmentId)}:${name}`, this.now);
  }

  variableTime(serviceId: string, environmentId: string, name: string): number | undefined {
    return this.variableUpdatedAt.get(`${instanceKey(serviceId, environmentId)}:${name}`);
  }

  vars(serviceId: string, environmentId: string): Map<string, string> {
    const key = instanceKey(serviceId, environmentId);
    let map = this.variables.get(key);
    if (!map) {
      map = new Map();
      this.variables.set(key, map);
    }
    return map;
  }

  deploymentsOf(serviceId: string, environmentId: string): SimDeployment[] {
    return [...this.deployments.values()].filter((d) => d.serviceId === serviceId && d.environmentId === environmentId);
  }

  latestDeployment(serviceId: string, environmentId: string): SimDeployment | null {
    const all = this.deploymentsOf(serviceId, environmentId);
    return all[all.length - 1] ?? null;
  }

  /** Commits a new head to the service's repository (as a git push would). */
  addCommit(serviceId: string, commit: Partial<SimCommit> & { message: string }): SimCommit {
    const service = this.mustService(serviceId);
    const full: SimCommit = {
      hash: commit.hash ?? fakeSha(),
      message: commit.message,
      author: commit.author ?? "Dana Whitfield",
      branch: commit.branch ?? "main",
    };
    service.commits.push(full);
    // New code: a plain code failure only lasts until the next commit.
    for (const instance of this.instances.values()) if (instance.serviceId === serviceId) instance.plainFailure = null;
    return full;
  }

  findCommit(serviceId: string, sha: string): SimCommit | undefined {
    const service = this.mustService(serviceId);
    return service.commits.find((c) => c.hash === sha || (sha.length >= 7 && c.hash.startsWith(sha)));
  }

  /**
   * Starts a deployment of `commit` (or of the image) on an instance. Whether the build uses the
   * cache is decided now, from the instance's variables: NO_CACHE=1 disables it.
   */
  deploy(serviceId: string, environmentId: string, request: DeployRequest = {}): SimDeployment {
    const service = this.mustService(serviceId);
    const instance = this.instance(serviceId, environmentId);
    if (!instance) throw new Error(`simulator: service ${serviceId} has no instance in ${environmentId}`);
    const commit = request.commit === undefined ? (service.commits[service.commits.length - 1] ?? null) : request.commit;
    const variables = this.vars(serviceId, environmentId);
    const noCache = variables.get("NO_CACHE") === "1" || variables.get("NO_CACHE")?.toLowerCase() === "true";

    const meta: Record<string, unknown> = service.image
      ? { image: service.image, reason: request.reason ?? "deploy" }
      : {
          repo: service.repo,
          branch: commit?.branch ?? "main",
          commitHash: commit?.hash,
          commitMessage: commit?.message,
          commitAuthor: commit?.author,
          reason: request.reason ?? "deploy",
        };
    if (this.settings.manifestInMeta) {
      const fromFile = instance.railwayConfigFile ? (instance.configFileValues ?? {}) : {};
      meta.serviceManifest = {
        build: { builder: instance.builder },
        deploy: { startCommand: fromFile.startCommand ?? instance.startCommand, preDeployCommand: fromFile.preDeployCommand ?? instance.preDeployCommand },
      };
    }

    const deployment: SimDeployment = {
      id: randomUUID(),
      projectId: service.projectId,
      environmentId,
      serviceId,
      status: "QUEUED",
      createdAt: this.now,
      statusUpdatedAt: this.now,
      meta,
      built: false,
      usedCache: null,
      image: { id: fakeSha().slice(0, 12), failure: null },
      buildLogs: [],
      deployLogs: [],
      httpLogs: [],
      diagnosis: null,
      plan: [],
      phaseEndsAt: null,
    };

    const plan: Phase[] = [];
    const deployOutcome = (failure: Failure | null): Phase[] => [
      { status: "DEPLOYING", durationMs: this.phase(phaseDurations.DEPLOYING) },
      { status: failure ? failure.status : "SUCCESS", durationMs: 0 },
    ];

    if (request.reuseImageOf) {
      // Same image, no build: goes straight from the queue to DEPLOYING.
      deployment.image = request.reuseImageOf.image;
      plan.push(...deployOutcome(deployment.image.failure));
    } else if (service.image) {
      deployment.image = { id: service.image, failure: null };
      plan.push({ status: "INITIALIZING", durationMs: this.phase(phaseDurations.INITIALIZING) }, ...deployOutcome(null));
    } else {
      deployment.built = true;
      deployment.usedCache = !noCache;
      let failure: Failure | null = null;
      if (instance.plainFailure) failure = { kind: instance.plainFailure.kind, status: instance.plainFailure.status };
      else if (instance.staleCache && !noCache) failure = { kind: "stale_cache", status: instance.staleCache.status };
      // An uncached build refreshes the layer cache: later cached builds are healthy again.
      if (noCache) instance.staleCache = null;
      deployment.image.failure = failure;
      plan.push(
        { status: "INITIALIZING", durationMs: this.phase(phaseDurations.INITIALIZING) },
        { status: "BUILDING", durationMs: this.phase(noCache ? this.settings.uncachedBuildMs : this.settings.cachedBuildMs) },
        ...deployOutcome(failure),
      );
    }

    if (instance.requiresApproval) {
      deployment.status = "NEEDS_APPROVAL";
      deployment.plan = [{ status: "QUEUED", durationMs: this.phase(phaseDurations.QUEUED) }, ...plan];
      deployment.phaseEndsAt = null;
    } else {
      deployment.plan = plan;
      deployment.phaseEndsAt = this.now + this.phase(phaseDurations.QUEUED);
    }
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** Restarts a deployment's containers: same image, back through DEPLOYING. */
  restart(deployment: SimDeployment): void {
    deployment.plan = [{ status: deployment.image.failure ? deployment.image.failure.status : "SUCCESS", durationMs: 0 }];
    this.enter(deployment, "DEPLOYING", this.phase(phaseDurations.DEPLOYING));
  }

  approve(deployment: SimDeployment): void {
    const next = deployment.plan.shift();
    if (!next) return;
    this.enter(deployment, next.status, next.durationMs);
  }

  cancel(deployment: SimDeployment): void {
    deployment.plan = [];
    deployment.phaseEndsAt = null;
    deployment.status = "REMOVED";
    deployment.statusUpdatedAt = this.now;
    deployment.buildLogs.push({ message: "Deployment cancelled", timestamp: this.now, severity: "info" });
  }

  isTerminal(deployment: SimDeployment): boolean {
    return terminal.has(deployment.status);
  }

  /** Moves the clock forward, stepping every deployment through its lifecycle in time order. */
  advance(ms: number): void {
    const target = this.now + Math.max(0, ms);
    for (;;) {
      let next: SimDeployment | null = null;
      for (const d of this.deployments.values()) {
        if (d.phaseEndsAt !== null && d.phaseEndsAt <= target && (!next || d.phaseEndsAt < (next.phaseEndsAt ?? Infinity))) next = d;
      }
      if (!next || next.phaseEndsAt === null) break;
      this.now = Math.max(this.now, next.phaseEndsAt);
      const phase = next.plan.shift();
      if (!phase) {
        next.phaseEndsAt = null;
        continue;
      }
      this.enter(next, phase.status, phase.durationMs);
    }
    this.now = target;
  }

  private enter(deployment: SimDeployment, status: DeploymentStatus, durationMs: number): void {
    deployment.status = status;
    deployment.statusUpdatedAt = this.now;
    const service = this.mustService(deployment.serviceId);
    const instance = this.instance(deployment.serviceId, deployment.environmentId);
    const at = (offset: number) => this.now + offset;
    if (status === "BUILDING") {
      deployment.buildLogs.push(...buildLogLines({ service, usedCache: deployment.usedCache === true, at, builder: instance?.builder ?? "RAILPACK" }));
    } else if (status === "DEPLOYING") {
      deployment.deployLogs.push(...deployLogLines({ service, instance: instance ?? null, at }));
    } else if (status === "FAILED" || status === "CRASHED") {
      if (deployment.image.failure) deployment.deployLogs.push(...failureLogLines(deployment.image.failure, service, at));
      deployment.diagnosis = railwayDiagnosis(this.settings.diagnosis, deployment.image.failure);
    } else if (status === "SUCCESS") {
      deployment.deployLogs.push({ message: "Healthcheck succeeded!", timestamp: this.now, severity: "info" });
      // The previous live deployment of this instance is taken down.
      for (const other of this.deploymentsOf(deployment.serviceId, deployment.environmentId)) {
        if (other !== deployment && other.status === "SUCCESS") {
          other.status = "REMOVED";
          other.statusUpdatedAt = this.now;
        }
      }
    }
    deployment.phaseEndsAt = terminal.has(status) ? null : this.now + durationMs;
    if (terminal.has(status)) deployment.plan = [];
  }

  private mustService(serviceId: string): SimService {
    const service = this.services.get(serviceId);
    if (!service) throw new Error(`simulator: no service ${serviceId}`);
    return service;
  }
}

/** What Railway's own diagnosis might say about a failure, in the shape the setting asks for. */
function railwayDiagnosis(shape: WorldSettings["diagnosis"], failure: Failure | null): unknown {
  if (shape === "none" || !failure) return null;
  const summary =
    failure.kind === "stale_cache"
      ? "The application crashed at startup with a Django FieldError after a cached build."
      : failure.kind === "missing_package"
        ? "The build could not import a module that is not in requirements.txt."
        : "The application failed to start because of a Python SyntaxError.";
  return shape === "string" ? summary : { summary, category: "application_error", confidence: 0.8 };
}

/** A 40-hex-digit commit-like id. */
export function fakeSha(): string {
  return (randomUUID() + randomUUID()).replace(/-/g, "").slice(0, 40);
}
