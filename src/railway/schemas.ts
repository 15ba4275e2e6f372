/** zod schemas for every Railway response railcache reads, and their mapping to types.ts. */
import { z } from "zod";
import { deploymentStatuses, type Deployment, type LogLine, type ProjectStatus } from "../core/ports/railway.js";

const deployment = z.object({
  id: z.string(),
  status: z.enum(deploymentStatuses),
  createdAt: z.string(),
  projectId: z.string(),
  serviceId: z.string().nullable(),
  environmentId: z.string(),
  /** Railway's meta is free-form JSON; the keys railcache reads are checked in toDeployment. */
  meta: z.record(z.string(), z.unknown()).nullable(),
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
              latestDeployment: deployment.nullable(),
            }),
          ),
        }),
      ),
    }),
  }),
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
  DeploymentRestart: z.object({ deploymentRestart: z.boolean() }),
  DeploymentCancel: z.object({ deploymentCancel: z.boolean() }),
  BuildLogs: z.object({ buildLogs: z.array(z.object({ message: z.string(), timestamp: z.string(), severity: z.string().nullable() })) }),
  DeploymentLogs: z.object({ deploymentLogs: z.array(z.object({ message: z.string(), timestamp: z.string(), severity: z.string().nullable() })) }),
  HttpLogs: z.object({ httpLogs: z.array(z.object({ httpStatus: z.number().int(), path: z.string(), timestamp: z.string() })) }),
} as const;

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
  return result;
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
      })),
    ),
  };
}

export function toLogLines(lines: { message: string; timestamp: string; severity: string | null }[]): LogLine[] {
  return lines.map((l) => ({ message: l.message, timestamp: l.timestamp, severity: l.severity }));
}
