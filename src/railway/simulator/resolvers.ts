/**
 * Resolvers for the simulator, as a graphql-js rootValue. graphql-js's default field resolver
 * calls a function-valued property with (args, context), so each view object carries functions
 * for its fields that take arguments or reach other objects. Validation against Railway's real
 * schema happens before any of this runs.
 */
import { GraphQLError } from "graphql";
import { randomUUID } from "node:crypto";
import { deliverWebhook } from "./notifications.js";
import type { SimDeployment, SimEnvironment, SimInstance, SimLog, SimNotificationRule, SimProject, SimService, World } from "./world.js";

export type TokenGrant =
  | { kind: "account"; token: string; name: string; email: string; /** Visible projects; all when absent. */ projectIds?: string[] }
  | { kind: "project"; token: string; projectId: string; environmentId: string; name?: string };

export interface ResolverContext {
  world: World;
  grant: TokenGrant;
  /** This token's rate budget after the current request (apiTokenRateLimit). */
  rate?: { remaining: number; resetsAt: number };
}

export const SIM_WORKSPACE_ID = "ws-simulated";

function rateLimitView(ctx: ResolverContext) {
  if (!ctx.world.settings.rateLimitQueryable || !ctx.rate) return null;
  return { remainingPoints: ctx.rate.remaining, resetsAt: iso(ctx.rate.resetsAt) };
}

function ruleView(rule: SimNotificationRule) {
  return {
    id: rule.id,
    workspaceId: rule.workspaceId,
    projectId: rule.projectId,
    environmentId: null,
    serviceId: null,
    ephemeralEnvironments: false,
    eventTypes: rule.eventTypes,
    severities: rule.severities,
    createdAt: iso(rule.createdAt),
    updatedAt: iso(rule.updatedAt),
    // Railway's config scalar: the secret is not echoed back (the pessimistic guess).
    channels: rule.channels.map((c) => ({
      id: c.id,
      workspaceId: rule.workspaceId,
      createdAt: iso(rule.createdAt),
      updatedAt: iso(rule.updatedAt),
      config: { type: c.type, webhookUrl: c.webhookUrl },
    })),
  };
}

function channelsOf(input: unknown): SimNotificationRule["channels"] {
  if (!Array.isArray(input) || input.length === 0) throw new GraphQLError("channelConfigs must not be empty");
  return input.map((raw) => {
    const config = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>;
    if (config.type !== "WEBHOOK") throw new GraphQLError(`The simulator only models WEBHOOK channels, not ${String(config.type)}`);
    if (typeof config.webhookUrl !== "string" || !/^https?:\/\//.test(config.webhookUrl)) throw new GraphQLError("webhookUrl must be an http(s) URL");
    return {
      id: randomUUID(),
      type: "WEBHOOK",
      webhookUrl: config.webhookUrl,
      webhookSecret: typeof config.webhookSecret === "string" && config.webhookSecret ? config.webhookSecret : null,
    };
  });
}

type Args = Record<string, unknown>;

const notAuthorized = () => new GraphQLError("Not Authorized");
const iso = (ms: number) => new Date(ms).toISOString();

function canSeeProject(grant: TokenGrant, projectId: string): boolean {
  if (grant.kind === "project") return grant.projectId === projectId;
  return !grant.projectIds || grant.projectIds.includes(projectId);
}

function canSeeEnvironment(grant: TokenGrant, environment: SimEnvironment): boolean {
  if (!canSeeProject(grant, environment.projectId)) return false;
  return grant.kind === "account" || grant.environmentId === environment.id;
}

function connection<T extends { id: string }>(nodes: T[], args: Args = {}) {
  const first = typeof args.first === "number" ? args.first : undefined;
  const slice = first === undefined ? nodes : nodes.slice(0, first);
  return {
    edges: slice.map((node) => ({ node, cursor: node.id })),
    pageInfo: {
      hasNextPage: slice.length < nodes.length,
      hasPreviousPage: false,
      startCursor: slice[0]?.id ?? null,
      endCursor: slice[slice.length - 1]?.id ?? null,
    },
  };
}

function envOrDeny(ctx: ResolverContext, id: string): SimEnvironment {
  const environment = ctx.world.environments.get(id);
  if (!environment) throw new GraphQLError("Environment not found");
  if (!canSeeEnvironment(ctx.grant, environment)) throw notAuthorized();
  return environment;
}

function serviceOrDeny(ctx: ResolverContext, id: string): SimService {
  const service = ctx.world.services.get(id);
  if (!service) throw new GraphQLError("Service not found");
  if (!canSeeProject(ctx.grant, service.projectId)) throw notAuthorized();
  return service;
}

function deploymentOrDeny(ctx: ResolverContext, id: string): SimDeployment {
  const deployment = ctx.world.deployments.get(id);
  if (!deployment) throw new GraphQLError("Deployment not found");
  envOrDeny(ctx, deployment.environmentId);
  return deployment;
}

function visibleEnvironments(ctx: ResolverContext, projectId: string): SimEnvironment[] {
  return [...ctx.world.environments.values()].filter((e) => e.projectId === projectId && canSeeEnvironment(ctx.grant, e));
}

function projectView(ctx: ResolverContext, project: SimProject) {
  const environments = () => visibleEnvironments(ctx, project.id);
  const services = () => [...ctx.world.services.values()].filter((s) => s.projectId === project.id);
  return {
    id: project.id,
    name: project.name,
    description: null,
    createdAt: iso(project.createdAt),
    updatedAt: iso(project.createdAt),
    deletedAt: null,
    expiredAt: null,
    isPublic: false,
    isTempProject: false,
    prDeploys: false,
    botPrEnvironments: false,
    focusedPrEnvironments: false,
    baseEnvironmentId: environments()[0]?.id ?? null,
    primaryEnvironmentId: environments()[0]?.id ?? null,
    workspaceId: SIM_WORKSPACE_ID,
    workspace: () => ({
      id: SIM_WORKSPACE_ID,
      name: "Simulated workspace",
      hasAutomaticDiagnosis: ctx.world.settings.diagnosis !== "none",
      apiTokenRateLimit: () => rateLimitView(ctx),
    }),
    plugins: (args: Args) =>
      connection(
        project.plugins.map((p) => ({
          ...p,
          status: "RUNNING",
          logsEnabled: true,
          createdAt: iso(project.createdAt),
          deletedAt: null,
          deprecatedAt: null,
          migrationDatabaseServiceId: null,
        })),
        args,
      ),
    environments: (args: Args) =>
      connection(
        environments().map((e) => environmentView(ctx, e)),
        args,
      ),
    services: (args: Args) =>
      connection(
        services().map((s) => serviceView(ctx, s)),
        args,
      ),
  };
}

function environmentView(ctx: ResolverContext, environment: SimEnvironment) {
  const instances = () => [...ctx.world.instances.values()].filter((i) => i.environmentId === environment.id);
  return {
    id: environment.id,
    name: environment.name,
    projectId: environment.projectId,
    createdAt: iso(environment.createdAt),
    updatedAt: iso(environment.createdAt),
    deletedAt: null,
    isEphemeral: false,
    canAccess: true,
    unmergedChangesCount: 0,
    serviceInstances: (args: Args) =>
      connection(
        instances().map((i) => instanceView(ctx, i)),
        args,
      ),
    variables: (args: Args) =>
      connection(
        instances().flatMap((i) =>
          [...ctx.world.vars(i.serviceId, environment.id).keys()].map((name) => ({
            id: `${environment.id}:${i.serviceId}:${name}`,
            name,
            serviceId: i.serviceId,
            environmentId: environment.id,
            isSealed: ctx.world.isSealed(i.serviceId, environment.id, name),
            createdAt: iso(ctx.world.variableTime(i.serviceId, environment.id, name) ?? environment.createdAt),
            updatedAt: iso(ctx.world.variableTime(i.serviceId, environment.id, name) ?? environment.createdAt),
            pluginId: null,
            references: [],
          })),
        ),
        args,
      ),
    deployments: (args: Args) =>
      connection(
        [...ctx.world.deployments.values()]
          .filter((d) => d.environmentId === environment.id)
          .reverse()
          .map((d) => deploymentView(ctx, d)),
        args,
      ),
  };
}

function serviceView(ctx: ResolverContext, service: SimService) {
  return {
    id: service.id,
    name: service.name,
    projectId: service.projectId,
    createdAt: iso(service.createdAt),
    updatedAt: iso(service.createdAt),
    deletedAt: null,
    icon: null,
    groupId: null,
    templateId: null,
    templateServiceId: null,
    templateThreadSlug: null,
    isRestricted: false,
    hasHiddenRegistryCredentialsFromTemplate: false,
    featureFlags: [],
    project: () => projectView(ctx, ctx.world.projects.get(service.projectId)!),
    serviceInstances: (args: Args) =>
      connection(
        [...ctx.world.instances.values()]
          .filter((i) => i.serviceId === service.id && canSeeEnvironment(ctx.grant, ctx.world.environments.get(i.environmentId)!))
          .map((i) => instanceView(ctx, i)),
        args,
      ),
  };
}

function instanceView(ctx: ResolverContext, instance: SimInstance) {
  const service = ctx.world.services.get(instance.serviceId)!;
  return {
    id: instance.id,
    serviceId: instance.serviceId,
    serviceName: service.name,
    environmentId: instance.environmentId,
    railwayConfigFile: instance.railwayConfigFile,
    startCommand: instance.startCommand,
    preDeployCommand: instance.preDeployCommand,
    buildCommand: null,
    builder: instance.builder,
    createdAt: iso(service.createdAt),
    updatedAt: iso(service.createdAt),
    deletedAt: null,
    healthcheckPath: service.name.toLowerCase().includes("worker") ? null : "/healthz",
    healthcheckTimeout: 300,
    isUpdatable: true,
    numReplicas: 1,
    region: "us-west1",
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 10,
    rootDirectory: null,
    sleepApplication: false,
    watchPatterns: [],
    source: { repo: service.repo, image: service.image },
    service: () => serviceView(ctx, service),
    latestDeployment: () => {
      const latest = ctx.world.latestDeployment(instance.serviceId, instance.environmentId);
      return latest ? deploymentView(ctx, latest) : null;
    },
    activeDeployments: () =>
      ctx.world
        .deploymentsOf(instance.serviceId, instance.environmentId)
        .filter((d) => d.status === "SUCCESS")
        .map((d) => deploymentView(ctx, d)),
  };
}

function deploymentView(ctx: ResolverContext, deployment: SimDeployment) {
  return {
    id: deployment.id,
    status: deployment.status,
    createdAt: iso(deployment.createdAt),
    updatedAt: iso(deployment.statusUpdatedAt),
    statusUpdatedAt: iso(deployment.statusUpdatedAt),
    projectId: deployment.projectId,
    environmentId: deployment.environmentId,
    serviceId: deployment.serviceId,
    meta: deployment.meta,
    canRedeploy: true,
    canRollback: deployment.status === "SUCCESS" || deployment.status === "REMOVED",
    deploymentStopped: deployment.status === "REMOVED",
    staticUrl: null,
    url: null,
    snapshotId: null,
    suggestAddServiceDomain: false,
    diagnosis: deployment.diagnosis,
    creator: null,
    instances: [],
    sockets: [],
    environment: () => environmentView(ctx, ctx.world.environments.get(deployment.environmentId)!),
    service: () => serviceView(ctx, ctx.world.services.get(deployment.serviceId)!),
  };
}

function logView(log: SimLog) {
  return { message: log.message, severity: log.severity, timestamp: iso(log.timestamp), attributes: [], tags: null };
}

function limitLogs<T>(lines: T[], args: Args): T[] {
  const limit = typeof args.limit === "number" ? args.limit : 500;
  return lines.slice(Math.max(0, lines.length - limit));
}

function filterLogs(lines: SimLog[], args: Args): SimLog[] {
  const filter = typeof args.filter === "string" ? args.filter.trim().toLowerCase() : "";
  return filter ? lines.filter((l) => l.message.toLowerCase().includes(filter)) : lines;
}

/**
 * Runs the deploy Railway starts after a variable change, for the service's current commit.
 * `skipDeploys` is what the request asked for; the world's settings decide what Railway does.
 */
function deployAfterVariableChange(ctx: ResolverContext, serviceId: string, environmentId: string, skipDeploys: boolean): void {
  const { variableChangesDeploy, skipDeploysHonoured } = ctx.world.settings;
  if (!variableChangesDeploy || (skipDeploys && skipDeploysHonoured)) return;
  const latest = ctx.world.latestDeployment(serviceId, environmentId);
  const sha = latest?.meta.commitHash;
  const commit = typeof sha === "string" ? (ctx.world.findCommit(serviceId, sha) ?? null) : undefined;
  ctx.world.deploy(serviceId, environmentId, { commit, reason: "variable change" });
}

function variableTarget(ctx: ResolverContext, input: Args): { serviceId: string; environmentId: string } {
  const environment = envOrDeny(ctx, String(input.environmentId));
  if (environment.projectId !== input.projectId) throw new GraphQLError("Environment does not belong to project");
  if (typeof input.serviceId !== "string") throw new GraphQLError("The simulator only models service variables: pass serviceId");
  const service = serviceOrDeny(ctx, input.serviceId);
  if (service.projectId !== environment.projectId) throw notAuthorized();
  return { serviceId: service.id, environmentId: environment.id };
}

/** The rootValue: Query and Mutation fields (their names do not overlap in Railway's schema). */
export function rootValue() {
  return {
    // ---- queries ----
    me: (_args: Args, ctx: ResolverContext) => {
      const grant = ctx.grant;
      if (grant.kind !== "account") throw notAuthorized();
      const projects = [...ctx.world.projects.values()].filter((p) => canSeeProject(grant, p.id));
      return {
        id: `user-${grant.email}`,
        name: grant.name,
        email: grant.email,
        username: grant.email.split("@")[0],
        avatar: null,
        createdAt: iso(0),
        lastLogin: iso(ctx.world.now),
        isAdmin: false,
        isVerified: true,
        has2FA: false,
        hasPasskeys: false,
        agreedFairUse: true,
        isConductor: false,
        apiTokenRateLimit: () => rateLimitView(ctx),
        workspaces: [
          {
            id: "ws-simulated",
            name: `${grant.name}'s Projects`,
            createdAt: iso(0),
            updatedAt: iso(0),
            projects: (args: Args) =>
              connection(
                projects.map((p) => projectView(ctx, p)),
                args,
              ),
          },
        ],
      };
    },
    projectToken: (_args: Args, ctx: ResolverContext) => {
      const grant = ctx.grant;
      if (grant.kind !== "project") throw new GraphQLError("Project Token not found");
      return {
        id: `pt-${grant.projectId}`,
        name: grant.name ?? "railcache",
        displayToken: "****",
        projectId: grant.projectId,
        environmentId: grant.environmentId,
        createdAt: iso(0),
        project: () => projectView(ctx, ctx.world.projects.get(grant.projectId)!),
        environment: () => environmentView(ctx, ctx.world.environments.get(grant.environmentId)!),
      };
    },
    project: (args: Args, ctx: ResolverContext) => {
      const project = ctx.world.projects.get(String(args.id));
      if (!project) throw new GraphQLError("Project not found");
      if (!canSeeProject(ctx.grant, project.id)) throw notAuthorized();
      return projectView(ctx, project);
    },
    environment: (args: Args, ctx: ResolverContext) => environmentView(ctx, envOrDeny(ctx, String(args.id))),
    serviceInstance: (args: Args, ctx: ResolverContext) => {
      envOrDeny(ctx, String(args.environmentId));
      const instance = ctx.world.instance(String(args.serviceId), String(args.environmentId));
      if (!instance) throw new GraphQLError("ServiceInstance not found");
      return instanceView(ctx, instance);
    },
    deployment: (args: Args, ctx: ResolverContext) => deploymentView(ctx, deploymentOrDeny(ctx, String(args.id))),
    deployments: (args: Args, ctx: ResolverContext) => {
      const input = (args.input ?? {}) as { projectId?: string; environmentId?: string; serviceId?: string; status?: { in?: string[]; notIn?: string[] } };
      const list = [...ctx.world.deployments.values()]
        .filter((d) => canSeeEnvironment(ctx.grant, ctx.world.environments.get(d.environmentId)!))
        .filter((d) => (!input.projectId || d.projectId === input.projectId) && (!input.environmentId || d.environmentId === input.environmentId))
        .filter((d) => !input.serviceId || d.serviceId === input.serviceId)
        .filter((d) => (!input.status?.in || input.status.in.includes(d.status)) && !input.status?.notIn?.includes(d.status))
        .reverse();
      return connection(
        list.map((d) => deploymentView(ctx, d)),
        args,
      );
    },
    variables: (args: Args, ctx: ResolverContext) => {
      const target = variableTarget(ctx, args);
      // Sealed variables are not returned at all (the pessimistic guess: a reader cannot tell they exist).
      return Object.fromEntries(
        [...ctx.world.vars(target.serviceId, target.environmentId)].filter(([name]) => !ctx.world.isSealed(target.serviceId, target.environmentId, name)),
      );
    },
    buildLogs: (args: Args, ctx: ResolverContext) => limitLogs(filterLogs(deploymentOrDeny(ctx, String(args.deploymentId)).buildLogs, args), args).map(logView),
    deploymentLogs: (args: Args, ctx: ResolverContext) =>
      limitLogs(filterLogs(deploymentOrDeny(ctx, String(args.deploymentId)).deployLogs, args), args).map(logView),
    httpLogs: (args: Args, ctx: ResolverContext) => {
      const deployment = deploymentOrDeny(ctx, String(args.deploymentId));
      return limitLogs(deployment.httpLogs, args).map((h) => ({
        ...h,
        timestamp: iso(h.timestamp),
        deploymentId: deployment.id,
        deploymentInstanceId: `${deployment.id}-0`,
        clientUa: "Mozilla/5.0",
        downstreamProto: "HTTP/2.0",
        edgeRegion: "us-west2",
        host: "demo-shop.up.railway.app",
        responseDetails: h.httpStatus >= 500 ? "failed to forward request to upstream" : "",
        rxBytes: 512,
        txBytes: h.httpStatus >= 500 ? 0 : 18_204,
        srcIp: "203.0.113.7",
        upstreamAddress: "http://[fd12::1]:8080",
        upstreamErrors: h.httpStatus >= 500 ? "upstream returned 5xx" : "",
        upstreamProto: "HTTP/1.1",
        upstreamRqDuration: Math.max(0, h.totalDuration - 3),
      }));
    },

    notificationRules: (args: Args, ctx: ResolverContext) => {
      if (args.workspaceId !== SIM_WORKSPACE_ID) throw notAuthorized();
      if (typeof args.projectId === "string" && !canSeeProject(ctx.grant, args.projectId)) throw notAuthorized();
      return ctx.world.notificationRules.filter((r) => !args.projectId || r.projectId === args.projectId).map(ruleView);
    },

    // ---- mutations ----
    notificationRuleCreate: (args: Args, ctx: ResolverContext) => {
      const input = args.input as Args;
      if (input.workspaceId !== SIM_WORKSPACE_ID) throw notAuthorized();
      if (typeof input.projectId === "string" && !canSeeProject(ctx.grant, input.projectId)) throw notAuthorized();
      const eventTypes = input.eventTypes as string[];
      if (eventTypes.length === 0) throw new GraphQLError("eventTypes must not be empty");
      const rule: SimNotificationRule = {
        id: randomUUID(),
        workspaceId: SIM_WORKSPACE_ID,
        projectId: typeof input.projectId === "string" ? input.projectId : null,
        eventTypes,
        severities: (input.severities as string[] | undefined) ?? ["CRITICAL", "WARNING", "NOTICE", "INFO"],
        channels: channelsOf(input.channelConfigs),
        createdAt: ctx.world.now,
        updatedAt: ctx.world.now,
      };
      ctx.world.notificationRules.push(rule);
      return ruleView(rule);
    },
    notificationRuleUpdate: (args: Args, ctx: ResolverContext) => {
      const rule = ctx.world.notificationRules.find((r) => r.id === args.id);
      if (!rule) throw new GraphQLError("Notification rule not found");
      if (rule.projectId && !canSeeProject(ctx.grant, rule.projectId)) throw notAuthorized();
      const input = args.input as Args;
      if (Array.isArray(input.eventTypes)) rule.eventTypes = input.eventTypes as string[];
      if (Array.isArray(input.severities)) rule.severities = input.severities as string[];
      if (input.channelConfigs !== undefined) rule.channels = channelsOf(input.channelConfigs);
      rule.updatedAt = ctx.world.now;
      return ruleView(rule);
    },
    webhookTest: async (args: Args, ctx: ResolverContext) => {
      const url = String(args.url);
      const rule = ctx.world.notificationRules.find((r) => r.channels.some((c) => c.webhookUrl === url));
      const secret = ctx.world.settings.webhookTestSigned ? (rule?.channels.find((c) => c.webhookUrl === url)?.webhookSecret ?? null) : null;
      return deliverWebhook(url, String(args.payload), secret);
    },
    variableUpsert: (args: Args, ctx: ResolverContext) => {
      const input = args.input as Args;
      const target = variableTarget(ctx, input);
      ctx.world.setVar(target.serviceId, target.environmentId, String(input.name), String(input.value));
      deployAfterVariableChange(ctx, target.serviceId, target.environmentId, input.skipDeploys === true);
      return true;
    },
    /**
     * Railway's variableDelete has no skipDeploys. Whether it deploys is not documented: the
     * world's `variableChangesDeploy` setting decides (default: it does, like other variable changes).
     */
    variableDelete: (args: Args, ctx: ResolverContext) => {
      const input = args.input as Args;
      const target = variableTarget(ctx, input);
      const vars = ctx.world.vars(target.serviceId, target.environmentId);
      if (!vars.has(String(input.name))) throw new GraphQLError(`Variable ${String(input.name)} not found`);
      vars.delete(String(input.name));
      ctx.world.sealed.delete(`${target.environmentId}:${target.serviceId}:${String(input.name)}`);
      deployAfterVariableChange(ctx, target.serviceId, target.environmentId, false);
      return true;
    },
    variableCollectionUpsert: (args: Args, ctx: ResolverContext) => {
      const input = args.input as Args;
      const target = variableTarget(ctx, input);
      const vars = ctx.world.vars(target.serviceId, target.environmentId);
      if (input.replace === true) {
        // Sealed values go too: whoever replaces cannot have read them.
        for (const name of vars.keys()) ctx.world.sealed.delete(`${target.environmentId}:${target.serviceId}:${name}`);
        vars.clear();
      }
      for (const [name, value] of Object.entries((input.variables ?? {}) as Record<string, unknown>)) {
        if (vars.get(name) !== String(value)) ctx.world.setVar(target.serviceId, target.environmentId, name, String(value));
      }
      deployAfterVariableChange(ctx, target.serviceId, target.environmentId, input.skipDeploys === true);
      return true;
    },
    serviceInstanceDeployV2: (args: Args, ctx: ResolverContext) => deployFromSource(ctx, args).id,
    serviceInstanceDeploy: (args: Args, ctx: ResolverContext) => {
      deployFromSource(ctx, args);
      return true;
    },
    deploymentRedeploy: (args: Args, ctx: ResolverContext) => {
      const source = deploymentOrDeny(ctx, String(args.id));
      const sha = source.meta.commitHash;
      const commit = typeof sha === "string" ? (ctx.world.findCommit(source.serviceId, sha) ?? null) : null;
      // usePreviousImageTag reuses the image; otherwise the simulator rebuilds the same commit.
      const next = ctx.world.deploy(source.serviceId, source.environmentId, {
        commit,
        reason: "redeploy",
        ...(args.usePreviousImageTag === true ? { reuseImageOf: source } : {}),
      });
      return deploymentView(ctx, next);
    },
    deploymentRestart: (args: Args, ctx: ResolverContext) => {
      const deployment = deploymentOrDeny(ctx, String(args.id));
      if (!["SUCCESS", "CRASHED", "SLEEPING"].includes(deployment.status)) throw new GraphQLError("Deployment cannot be restarted");
      ctx.world.restart(deployment);
      return true;
    },
    deploymentCancel: (args: Args, ctx: ResolverContext) => {
      const deployment = deploymentOrDeny(ctx, String(args.id));
      if (ctx.world.isTerminal(deployment)) throw new GraphQLError("Deployment is not in progress");
      ctx.world.cancel(deployment);
      return true;
    },
    deploymentApprove: (args: Args, ctx: ResolverContext) => {
      const deployment = deploymentOrDeny(ctx, String(args.id));
      if (deployment.status !== "NEEDS_APPROVAL") throw new GraphQLError("Deployment does not need approval");
      ctx.world.approve(deployment);
      return true;
    },
  };
}

function deployFromSource(ctx: ResolverContext, args: Args): SimDeployment {
  envOrDeny(ctx, String(args.environmentId));
  const service = serviceOrDeny(ctx, String(args.serviceId));
  if (!ctx.world.instance(service.id, String(args.environmentId))) throw new GraphQLError("ServiceInstance not found");
  let commit = undefined;
  if (typeof args.commitSha === "string") {
    commit = ctx.world.findCommit(service.id, args.commitSha);
    if (!commit) throw new GraphQLError(`Failed to fetch specific commit: couldn't find remote ref "${args.commitSha}"`);
  } else if (args.latestCommit !== true) {
    // Without a commit, Railway redeploys the commit of the current deployment.
    const sha = ctx.world.latestDeployment(service.id, String(args.environmentId))?.meta.commitHash;
    if (typeof sha === "string") commit = ctx.world.findCommit(service.id, sha);
  }
  return ctx.world.deploy(service.id, String(args.environmentId), { commit, reason: "deploy" });
}
