/**
 * Deploy status for chat and the CLI: resolving the service a user named, and rendering one
 * project status (ONE Railway request) as a Reply or as JSON. Platform-free.
 */
import { configFileState } from "./setup/cutoff.js";
import { dashboardUrl, type DeploymentStatus, type ProjectStatus, type ServiceInstanceStatus } from "./ports/railway.js";
import type { Field, Reply, Tone } from "./reply.js";
import { closest } from "./text/closest.js";
import { truncate } from "./text/truncate.js";
import { formatAgo } from "./text/time.js";

export type ServiceResolution =
  | { kind: "found"; instance: ServiceInstanceStatus }
  /** No such service; `suggestions` are close names ("did you mean"). */
  | { kind: "unknown"; name: string; suggestions: string[] }
  /** No such environment. */
  | { kind: "unknown_environment"; name: string; suggestions: string[]; environments: string[] }
  /** The service exists, but not in the environment asked for. */
  | { kind: "not_in_environment"; serviceName: string; environment: string; environments: string[] }
  /** The service runs in several environments and none was chosen or configured. */
  | { kind: "ambiguous"; serviceName: string; environments: string[] };

const lower = (s: string) => s.trim().toLowerCase();

/**
 * Finds the one service instance a user means: names match case-insensitively; without `env`,
 * a service in several environments resolves to `defaultEnv` when it runs there, else is ambiguous.
 */
export function findServiceInstance(status: ProjectStatus, name: string, env?: string, defaultEnv?: string): ServiceResolution {
  const matches = status.instances.filter((i) => lower(i.serviceName) === lower(name));
  if (matches.length === 0) {
    return {
      kind: "unknown",
      name,
      suggestions: closest(
        name,
        status.instances.map((i) => i.serviceName),
      ),
    };
  }
  const serviceName = matches[0]!.serviceName;
  const environments = matches.map((i) => i.environmentName);
  if (env !== undefined && env.trim() !== "") {
    const environment = status.environments.find((e) => lower(e.name) === lower(env));
    if (!environment) {
      const all = status.environments.map((e) => e.name);
      return { kind: "unknown_environment", name: env, suggestions: closest(env, all), environments: all };
    }
    const instance = matches.find((i) => i.environmentId === environment.id);
    return instance ? { kind: "found", instance } : { kind: "not_in_environment", serviceName, environment: environment.name, environments };
  }
  if (matches.length === 1) return { kind: "found", instance: matches[0]! };
  const preferred = defaultEnv ? matches.find((i) => lower(i.environmentName) === lower(defaultEnv)) : undefined;
  return preferred ? { kind: "found", instance: preferred } : { kind: "ambiguous", serviceName, environments };
}

/** What the user asked to see: everything, one environment, or one service. */
export interface StatusFilter {
  service?: string;
  env?: string;
  /** The configured default environment, used when a service runs in several. */
  defaultEnv?: string;
}

type Selection = { ok: true; instances: ServiceInstanceStatus[]; scope: string } | { ok: false; problem: Exclude<ServiceResolution, { kind: "found" }> };

function select(status: ProjectStatus, filter: StatusFilter): Selection {
  if (filter.service && !filter.env?.trim()) {
    // Status is read-only: a service in several environments shows all of them (the crash may be in staging).
    const matches = status.instances.filter((i) => lower(i.serviceName) === lower(filter.service!));
    if (matches.length === 0)
      return {
        ok: false,
        problem: {
          kind: "unknown",
          name: filter.service,
          suggestions: closest(
            filter.service,
            status.instances.map((i) => i.serviceName),
          ),
        },
      };
    const scope = matches.length === 1 ? `${matches[0]!.serviceName} in ${matches[0]!.environmentName}` : matches[0]!.serviceName;
    return { ok: true, instances: matches, scope };
  }
  if (filter.service) {
    const resolved = findServiceInstance(status, filter.service, filter.env, filter.defaultEnv);
    if (resolved.kind !== "found") return { ok: false, problem: resolved };
    return { ok: true, instances: [resolved.instance], scope: `${resolved.instance.serviceName} in ${resolved.instance.environmentName}` };
  }
  if (filter.env) {
    const environment = status.environments.find((e) => lower(e.name) === lower(filter.env!));
    if (!environment) {
      const all = status.environments.map((e) => e.name);
      return { ok: false, problem: { kind: "unknown_environment", name: filter.env, suggestions: closest(filter.env, all), environments: all } };
    }
    return { ok: true, instances: status.instances.filter((i) => i.environmentId === environment.id), scope: environment.name };
  }
  return { ok: true, instances: status.instances, scope: "" };
}

const icons: Record<DeploymentStatus, string> = {
  SUCCESS: "✅",
  FAILED: "❌",
  CRASHED: "💥",
  QUEUED: "⏳",
  WAITING: "⏳",
  INITIALIZING: "⏳",
  BUILDING: "🔨",
  DEPLOYING: "🚀",
  NEEDS_APPROVAL: "✋",
  SKIPPED: "⏭️",
  REMOVING: "⚪",
  REMOVED: "⚪",
  SLEEPING: "💤",
};

/** The Reply for `/railcache status`: one field per service per environment. */
export function projectStatusReply(status: ProjectStatus, filter: StatusFilter, now: number): Reply {
  const selection = select(status, filter);
  if (!selection.ok) return problemReply(selection.problem);
  const instances = sortInstances(selection.instances);
  const title = selection.scope ? `${status.projectName}: ${selection.scope}` : `${status.projectName}: deploy status`;
  if (instances.length === 0) {
    return { title, body: "No services here yet.", tone: "info" };
  }
  const fields: Field[] = instances.map((instance) => ({
    name: `${instance.serviceName} · ${instance.environmentName}`,
    value: instanceLine(status, instance, now),
    inline: false,
  }));
  const failing = instances.filter((i) => i.latestDeployment && (i.latestDeployment.status === "FAILED" || i.latestDeployment.status === "CRASHED"));
  const inProgress = instances.filter(
    (i) => i.latestDeployment && ["QUEUED", "WAITING", "INITIALIZING", "BUILDING", "DEPLOYING", "NEEDS_APPROVAL"].includes(i.latestDeployment.status),
  );
  const tone: Tone = failing.length > 0 ? "error" : inProgress.length > 0 ? "warning" : "success";
  const serviceCount = new Set(instances.map((i) => i.serviceId)).size;
  const environmentNames = [...new Set(instances.map((i) => i.environmentName))];
  const where = environmentNames.length === 1 ? `in ${environmentNames[0]}` : `in ${environmentNames.length} environments`;
  const summary = [
    `${serviceCount} service${serviceCount === 1 ? "" : "s"} ${where}`,
    failing.length ? `${failing.length} failing (${failing.map((i) => `${i.serviceName}/${i.environmentName}`).join(", ")})` : "",
    inProgress.length ? `${inProgress.length} deploying` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const configFiles = instances.filter((i) => i.railwayConfigFile);
  const notes = configFiles.map(
    (i) =>
      `⚠️ ${i.serviceName} (${i.environmentName}) ${configFileState(i.railwayConfigFile)} (config as code, deprecated; \`/railcache setup ${i.serviceName} ${i.environmentName}\` says what to move).`,
  );
  return {
    title,
    body: [`${summary}.`, ...notes].join("\n"),
    fields,
    tone,
    context: `Project ${status.projectName} · as of ${new Date(now).toISOString().slice(0, 16).replace("T", " ")} UTC`,
  };
}

/** Machine-readable status for `railcache status --json`. */
export type StatusJson =
  | {
      ok: true;
      project: { id: string; name: string };
      services: {
        service: string;
        serviceId: string;
        environment: string;
        environmentId: string;
        status: DeploymentStatus | null;
        deploymentId: string | null;
        createdAt: string | null;
        age: string | null;
        commitHash: string | null;
        commitMessage: string | null;
        commitAuthor: string | null;
        railwayConfigFile: string | null;
        url: string;
      }[];
    }
  | { ok: false; error: Exclude<ServiceResolution, { kind: "found" }>["kind"]; message: string; suggestions: string[] };

export function statusJson(status: ProjectStatus, filter: StatusFilter, now: number): StatusJson {
  const selection = select(status, filter);
  if (!selection.ok) {
    const reply = problemReply(selection.problem);
    const suggestions = "suggestions" in selection.problem ? selection.problem.suggestions : selection.problem.environments;
    return { ok: false, error: selection.problem.kind, message: reply.body, suggestions };
  }
  return {
    ok: true,
    project: { id: status.projectId, name: status.projectName },
    services: sortInstances(selection.instances).map((i) => {
      const d = i.latestDeployment;
      return {
        service: i.serviceName,
        serviceId: i.serviceId,
        environment: i.environmentName,
        environmentId: i.environmentId,
        status: d?.status ?? null,
        deploymentId: d?.id ?? null,
        createdAt: d?.createdAt ?? null,
        age: d ? formatAgo(now - Date.parse(d.createdAt)) : null,
        commitHash: d?.commitHash ?? null,
        commitMessage: d?.commitMessage ?? null,
        commitAuthor: d?.commitAuthor ?? null,
        railwayConfigFile: i.railwayConfigFile,
        url: linkFor(status, i),
      };
    }),
  };
}

/** First line of a commit message, at most `max` characters. */
export function commitTitle(message: string, max = 72): string {
  const first = message.split(/\r?\n/, 1)[0]!.trim();
  return truncate(first, max);
}

function instanceLine(status: ProjectStatus, instance: ServiceInstanceStatus, now: number): string {
  const d = instance.latestDeployment;
  const link = `[Open in Railway](${linkFor(status, instance)})`;
  if (!d) return `No deployments yet · ${link}`;
  const parts = [`${icons[d.status]} ${d.status} · ${formatAgo(now - Date.parse(d.createdAt))}`];
  if (d.commitMessage) {
    const by = d.commitAuthor ? ` by ${d.commitAuthor}` : "";
    const sha = d.commitHash ? ` (\`${d.commitHash.slice(0, 7)}\`)` : "";
    parts.push(`“${commitTitle(d.commitMessage)}”${by}${sha}`);
  } else if (d.image) {
    parts.push(`image \`${d.image}\``);
  }
  parts.push(link);
  return parts.join("\n");
}

function linkFor(status: ProjectStatus, instance: ServiceInstanceStatus): string {
  return dashboardUrl({
    projectId: status.projectId,
    serviceId: instance.serviceId,
    environmentId: instance.environmentId,
    ...(instance.latestDeployment ? { deploymentId: instance.latestDeployment.id } : {}),
  });
}

function sortInstances(instances: ServiceInstanceStatus[]): ServiceInstanceStatus[] {
  return [...instances].sort((a, b) => a.serviceName.localeCompare(b.serviceName) || a.environmentName.localeCompare(b.environmentName));
}

const list = (names: string[]) => names.map((n) => `\`${n}\``).join(", ");

function problemReply(problem: Exclude<ServiceResolution, { kind: "found" }>): Reply {
  switch (problem.kind) {
    case "unknown":
      return {
        title: "Unknown service",
        body: `There is no service called \`${problem.name}\`.${problem.suggestions.length ? ` Did you mean ${list(problem.suggestions)}?` : ""}`,
        tone: "warning",
        private: true,
      };
    case "unknown_environment":
      return {
        title: "Unknown environment",
        body: `There is no environment called \`${problem.name}\`.${
          problem.suggestions.length ? ` Did you mean ${list(problem.suggestions)}?` : ` Environments: ${list(problem.environments)}.`
        }`,
        tone: "warning",
        private: true,
      };
    case "not_in_environment":
      return {
        title: "Not in that environment",
        body: `\`${problem.serviceName}\` does not run in \`${problem.environment}\`; it runs in ${list(problem.environments)}.`,
        tone: "warning",
        private: true,
      };
    case "ambiguous":
      return {
        title: "Which environment?",
        body: `\`${problem.serviceName}\` runs in ${list(problem.environments)}. Say which one, e.g. \`/railcache status ${problem.serviceName} ${problem.environments[0]}\`, or set a default environment.`,
        tone: "info",
        private: true,
      };
  }
}
