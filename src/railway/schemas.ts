/** zod schemas for every Railway response railcache reads, and their mapping to types.ts. */
import { z } from "zod";
import {
  deploymentStatuses,
  type Deployment,
  type DeploymentManifest,
  type LogLine,
  type NotificationRule,
  type ProjectStatus,
  type ServiceSettings,
} from "../core/ports/railway.js";
import { truncate } from "../core/text/truncate.js";

const deployment = z.object({
  id: z.string(),
  status: z.enum(deploymentStatuses),
  createdAt: z.string(),
  projectId: z.string(),
  serviceId: z.string().nullable(),
  environmentId: z.string(),
  /** Railway's meta is free-form JSON; the keys railcache reads are checked in toDeployment. */
  meta: z.record(z.string(), z.unknown()).nullable(),
  /** A JSON scalar whose shape Railway does not document: read leniently by diagnosisText. */
  diagnosis: z.unknown().optional(),
});
type RawDeployment = z.infer<typeof deployment>;

const edges = <T extends z.ZodType>(node: T) => z.object({ edges: z.array(z.object({ node })) });

export const responseSchemas = {
  Me: z.object({ me: z.object({ name: z.string().nullable(), email: z.string() }) }),
  ProjectTokenInfo: z.object({ projectToken: z.object({ projectId: z.string(), environmentId: z.string() }) }),
  ProjectStatus: z.object({
    project: z.object({
      id: z.string(),
      name: z.string(),
      environments: edges(
        z.object({
          id: z.string(),
          name: z.string(),
          serviceInstances: edges(
            z.object({
              serviceId: z.string(),
              serviceName: z.string(),
              environmentId: z.string(),
              railwayConfigFile: z.string().nullable(),
              builder: z.string().optional(),
              startCommand: z.string().nullable().optional(),
              preDeployCommand: z.unknown().optional(),
              latestDeployment: deployment.nullable(),
            }),
          ),
        }),
      ),
    }),
  }),
  ProjectSetup: z.object({
    project: z.object({
      id: z.string(),
      name: z.string(),
      plugins: edges(z.object({ id: z.string(), name: z.string(), friendlyName: z.string() })),
      environments: edges(
        z.object({
          id: z.string(),
          name: z.string(),
          serviceInstances: edges(
            z.object({
              serviceId: z.string(),
              serviceName: z.string(),
              environmentId: z.string(),
              railwayConfigFile: z.string().nullable(),
              builder: z.string(),
              startCommand: z.string().nullable(),
              preDeployCommand: z.unknown(),
              rootDirectory: z.string().nullable(),
              source: z.object({ image: z.string().nullable(), repo: z.string().nullable() }).nullable(),
              latestDeployment: deployment.nullable(),
            }),
          ),
          variables: edges(z.object({ name: z.string(), serviceId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() })),
        }),
      ),
    }),
  }),
  RateLimit: z.object({ me: z.object({ apiTokenRateLimit: z.object({ remainingPoints: z.number(), resetsAt: z.string() }).nullable() }) }),
  ProjectRateLimit: z.object({
    project: z.object({ workspace: z.object({ apiTokenRateLimit: z.object({ remainingPoints: z.number(), resetsAt: z.string() }).nullable() }).nullable() }),
  }),
  ProjectWorkspace: z.object({ project: z.object({ id: z.string(), workspaceId: z.string().nullable() }) }),
  NotificationRules: z.object({ notificationRules: z.array(notificationRule()) }),
  NotificationRuleCreate: z.object({ notificationRuleCreate: notificationRule() }),
  NotificationRuleUpdate: z.object({ notificationRuleUpdate: notificationRule() }),
  WebhookTest: z.object({ webhookTest: z.number().int() }),
  Deployment: z.object({ deployment }),
  RecentDeployments: z.object({ deployments: edges(deployment) }),
  Variables: z.object({ variables: z.record(z.string(), z.string().nullable()) }),
  VariableUpsert: z.object({ variableUpsert: z.boolean() }),
  VariableDelete: z.object({ variableDelete: z.boolean() }),
  VariableCollectionUpsert: z.object({ variableCollectionUpsert: z.boolean() }),
  VariableMeta: z.object({
    environment: z.object({ variables: edges(z.object({ name: z.string(), serviceId: z.string().nullable(), isSealed: z.boolean() })) }),
  }),
  ServiceInstanceDeployV2: z.object({ serviceInstanceDeployV2: z.string().min(1) }),
  DeploymentRedeploy: z.object({ deploymentRedeploy: z.object({ id: z.string() }) }),
  BuildLogs: z.object({ buildLogs: z.array(z.object({ message: z.string(), timestamp: z.string(), severity: z.string().nullable() })) }),
  DeploymentLogs: z.object({ deploymentLogs: z.array(z.object({ message: z.string(), timestamp: z.string(), severity: z.string().nullable() })) }),
  HttpLogs: z.object({ httpLogs: z.array(z.object({ httpStatus: z.number().int(), path: z.string(), timestamp: z.string() })) }),
} as const;

function notificationRule() {
  return z.object({
    id: z.string(),
    projectId: z.string().nullable(),
    eventTypes: z.array(z.string()),
    severities: z.array(z.string()),
    channels: z.array(z.object({ id: z.string(), config: z.unknown() })),
  });
}

/** Variables of several services, keyed by alias (`s0`, `s1`, ...): see variablesBatchDocument. */
export const batchVariablesSchema = z.record(z.string(), z.record(z.string(), z.string().nullable()));

const optionalString = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

export function toDeployment(raw: RawDeployment): Deployment {
  const meta = raw.meta ?? {};
  const result: Deployment = {
    id: raw.id,
    status: raw.status,
    createdAt: raw.createdAt,
    projectId: raw.projectId,
    serviceId: raw.serviceId ?? "",
    environmentId: raw.environmentId,
  };
  const commitHash = optionalString(meta.commitHash);
  const commitMessage = optionalString(meta.commitMessage);
  const commitAuthor = optionalString(meta.commitAuthor);
  const image = optionalString(meta.image);
  if (commitHash) result.commitHash = commitHash;
  if (commitMessage) result.commitMessage = commitMessage;
  if (commitAuthor) result.commitAuthor = commitAuthor;
  if (image) result.image = image;
  const diagnosis = diagnosisText(raw.diagnosis);
  if (diagnosis) result.diagnosis = diagnosis;
  const manifest = manifestOf(meta.serviceManifest);
  if (manifest) result.manifest = manifest;
  return result;
}

const DIAGNOSIS_KEYS = ["summary", "title", "message", "explanation", "diagnosis", "text", "reason", "description"];

/**
 * Railway's diagnosis as one short line. Its shape is not documented: a string, or an object
 * with a summary-like field (possibly nested one level). Anything else is no diagnosis.
 */
export function diagnosisText(raw: unknown, max = 240): string | undefined {
  let text: string | undefined;
  if (typeof raw === "string") text = raw;
  else if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const record = raw as Record<string, unknown>;
    for (const key of DIAGNOSIS_KEYS) {
      const value = record[key];
      if (typeof value === "string" && value.trim()) {
        text = value;
        break;
      }
      if (value && typeof value === "object") {
        const inner = diagnosisText(value, max);
        if (inner) {
          text = inner;
          break;
        }
      }
    }
  }
  const line = text?.replace(/\s+/g, " ").trim();
  if (!line) return undefined;
  return truncate(line, max);
}

/** A pre-deploy command as Railway stores it (a JSON list, sometimes a bare string). */
export function commandList(raw: unknown): string[] | null {
  if (typeof raw === "string") return raw.trim() ? [raw] : null;
  if (Array.isArray(raw)) {
    const list = raw.filter((c): c is string => typeof c === "string");
    return list.length ? list : null;
  }
  return null;
}

/** meta.serviceManifest, when Railway includes it: what the deployment really ran with. */
function manifestOf(raw: unknown): DeploymentManifest | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const m = raw as { deploy?: Record<string, unknown>; build?: Record<string, unknown> };
  const deploy = m.deploy ?? {};
  const build = m.build ?? {};
  return {
    startCommand: typeof deploy.startCommand === "string" && deploy.startCommand.trim() ? deploy.startCommand : null,
    preDeployCommand: commandList(deploy.preDeployCommand),
    builder: typeof build.builder === "string" ? build.builder : null,
  };
}

export function toNotificationRule(raw: z.infer<ReturnType<typeof notificationRule>>): NotificationRule {
  const urls = raw.channels.flatMap((c) => {
    const config = typeof c.config === "string" ? safeJson(c.config) : c.config;
    const url = config && typeof config === "object" ? ((config as Record<string, unknown>).webhookUrl ?? (config as Record<string, unknown>).url) : undefined;
    return typeof url === "string" ? [url] : [];
  });
  return { id: raw.id, projectId: raw.projectId, eventTypes: raw.eventTypes, webhookUrls: urls };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function toServiceSettings(data: z.infer<(typeof responseSchemas)["ProjectSetup"]>): ServiceSettings[] {
  return data.project.environments.edges.flatMap(({ node: environment }) => {
    const variables = environment.variables.edges.map((e) => e.node);
    return environment.serviceInstances.edges.map(({ node }) => ({
      serviceId: node.serviceId,
      serviceName: node.serviceName,
      environmentId: environment.id,
      environmentName: environment.name,
      builder: node.builder,
      startCommand: node.startCommand?.trim() ? node.startCommand : null,
      preDeployCommand: commandList(node.preDeployCommand),
      railwayConfigFile: node.railwayConfigFile?.trim() ? node.railwayConfigFile : null,
      rootDirectory: node.rootDirectory,
      source: { image: node.source?.image ?? null, repo: node.source?.repo ?? null },
      latestDeployment: node.latestDeployment ? toDeployment(node.latestDeployment) : null,
      variables: variables.filter((v) => v.serviceId === node.serviceId).map((v) => ({ name: v.name, updatedAt: v.updatedAt })),
    }));
  });
}

export function toProjectStatus(data: z.infer<(typeof responseSchemas)["ProjectStatus"]>): ProjectStatus {
  const environments = data.project.environments.edges.map((e) => e.node);
  return {
    projectId: data.project.id,
    projectName: data.project.name,
    environments: environments.map((e) => ({ id: e.id, name: e.name })),
    instances: environments.flatMap((environment) =>
      environment.serviceInstances.edges.map(({ node }) => ({
        serviceId: node.serviceId,
        serviceName: node.serviceName,
        environmentId: environment.id,
        environmentName: environment.name,
        latestDeployment: node.latestDeployment ? toDeployment(node.latestDeployment) : null,
        railwayConfigFile: node.railwayConfigFile,
        ...(node.builder
          ? {
              settings: {
                builder: node.builder,
                startCommand: node.startCommand?.trim() ? node.startCommand : null,
                preDeployCommand: commandList(node.preDeployCommand),
              },
            }
          : {}),
      })),
    ),
  };
}

export function toLogLines(lines: { message: string; timestamp: string; severity: string | null }[]): LogLine[] {
  return lines.map((l) => ({ message: l.message, timestamp: l.timestamp, severity: l.severity }));
}
