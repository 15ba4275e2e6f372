/** `/railcache setup [service] [env]`: the team's real setup, from Railway's API, as a Reply. */
import { dashboardUrl, type DatabaseRef, type ProjectSetup, type ServiceSettings } from "../ports/railway.js";
import type { Field, Reply } from "../reply.js";
import { migrationChecks } from "./checks.js";
import { configFileState, cutoffAnnouncement, MOVE_ADVICE } from "./cutoff.js";
import { formatSpan } from "../text/time.js";

export interface SetupQuery {
  service?: string;
  env?: string;
  /** The environment shown when none is named (the policy's default), if the project has it. */
  defaultEnv: string;
}

const kindNames: Record<DatabaseRef["kind"], string> = { postgresql: "PostgreSQL", mysql: "MySQL", redis: "Redis", mongodb: "MongoDB" };
const builderNames: Record<string, string> = { RAILPACK: "Railpack", NIXPACKS: "Nixpacks", HEROKU: "Heroku buildpacks", PAKETO: "Paketo buildpacks" };

/** The services the query selects; an unknown name is an error reply listing what exists. */
export function selectServices(setup: ProjectSetup, query: SetupQuery): ServiceSettings[] | Reply {
  const lower = (s: string) => s.toLowerCase();
  const envNames = setup.environments.map((e) => e.name);
  if (query.env && !envNames.some((n) => lower(n) === lower(query.env!))) {
    return {
      title: "No such environment",
      body: `\`${query.env}\` is not an environment of ${setup.projectName}. Environments: ${envNames.map((n) => `\`${n}\``).join(", ")}.`,
      tone: "warning",
      private: true,
    };
  }
  const names = [...new Set(setup.services.map((s) => s.serviceName))];
  if (query.service && !names.some((n) => lower(n) === lower(query.service!))) {
    return {
      title: "No such service",
      body: `\`${query.service}\` is not a service of ${setup.projectName}. Services: ${names.map((n) => `\`${n}\``).join(", ") || "none"}.`,
      tone: "warning",
      private: true,
    };
  }
  const env = query.env ?? (envNames.some((n) => lower(n) === lower(query.defaultEnv)) ? query.defaultEnv : undefined);
  return setup.services.filter((s) => (!query.service || lower(s.serviceName) === lower(query.service)) && (!env || lower(s.environmentName) === lower(env)));
}

export function setupReply(setup: ProjectSetup, services: ServiceSettings[], now: number): Reply {
  const fields: Field[] = services.slice(0, 10).map((s) => ({ name: `${s.serviceName} · ${s.environmentName}`, value: serviceLines(s, now).join("\n") }));
  const readers = services.filter((s) => s.railwayConfigFile);
  const problems = services.reduce((n, s) => n + migrationChecks(s).length, 0);
  const body = [
    `Project \`${setup.projectName}\`, as Railway's API reports it now.`,
    `Databases: ${databasesLine(setup.databases, services)}`,
    ...(readers.length ? [`Config as Code: ${cutoffAnnouncement(now)} ${MOVE_ADVICE}`] : []),
    ...(services.length > 10 ? [`Showing 10 of ${services.length}: name a service or an environment to narrow it.`] : []),
  ].join("\n");
  return {
    title: services.length === 1 ? `Setup of ${services[0]!.serviceName} (${services[0]!.environmentName})` : `Setup of ${setup.projectName}`,
    body,
    fields,
    tone: problems ? "warning" : "info",
    context: `railcache setup · live from Railway · ${new Date(now).toISOString().slice(0, 16).replace("T", " ")} UTC`,
  };
}

/** The lines about one service instance. */
export function serviceLines(s: ServiceSettings, now: number): string[] {
  const builder = builderNames[s.builder] ?? s.builder;
  const source = s.source.image ? `image \`${s.source.image}\`` : s.source.repo ? `repo \`${s.source.repo}\`` : "no source";
  const noCache = s.variables.find((v) => v.name === "NO_CACHE");
  const latest = s.latestDeployment;
  const manifest = s.railwayConfigFile ? latest?.manifest : undefined;
  const settingsNote = s.railwayConfigFile ? " (service settings; the file's values apply while it is read)" : "";
  const lines = [
    `Builder: ${builder} · ${source}${s.rootDirectory ? ` · root \`${s.rootDirectory}\`` : ""}`,
    `Start${settingsNote}: ${s.startCommand ? `\`${s.startCommand}\`` : "the builder's default"}`,
    `Pre-deploy: ${s.preDeployCommand ? s.preDeployCommand.map((c) => `\`${c}\``).join(", ") : "none"}`,
    ...(manifest
      ? [
          `Last deploy ran with: start ${manifest.startCommand ? `\`${manifest.startCommand}\`` : "the builder's default"}, pre-deploy ${manifest.preDeployCommand ? manifest.preDeployCommand.map((c) => `\`${c}\``).join(", ") : "none"}`,
        ]
      : []),
    `Config file: ${configFileState(s.railwayConfigFile)}`,
    `NO_CACHE: ${noCache ? `set since ${stamp(noCache.updatedAt)} (${formatSpan(now - Date.parse(noCache.updatedAt))}): every build skips the layer cache` : "not set"}`,
    latest
      ? `Latest deployment: ${latest.status} ${formatSpan(now - Date.parse(latest.createdAt))} ago${latest.commitHash ? ` · \`${latest.commitHash.slice(0, 7)}\`` : ""} · [open](${dashboardUrl({ projectId: latest.projectId, serviceId: s.serviceId, environmentId: s.environmentId, deploymentId: latest.id })})${latest.diagnosis ? `\nRailway's diagnosis: ${latest.diagnosis}` : ""}`
      : "Latest deployment: none yet",
  ];
  for (const check of migrationChecks(s)) lines.push(`⚠️ ${check.message} ${check.fix}`);
  return lines;
}

function databasesLine(databases: DatabaseRef[], services: ServiceSettings[]): string {
  if (databases.length === 0) return "none found (no database plugin, no database image, no variable holding a database URL).";
  const shownEnvs = new Set(services.map((s) => s.environmentName));
  const relevant = databases.filter((d) => d.via !== "variable" || !d.environmentName || shownEnvs.has(d.environmentName));
  const parts = new Map<string, string[]>();
  for (const d of relevant) {
    const key = d.host
      ? `${kindNames[d.kind]} at \`${d.host}\`${isPrivateHost(d.host) ? " (Railway private network: not reachable at build time)" : ""}`
      : `${kindNames[d.kind]} (${d.via === "plugin" ? "plugin" : "service"} \`${d.name}\`)`;
    const list = parts.get(key) ?? [];
    if (d.via === "variable") list.push(`\`${d.name}\``);
    parts.set(key, list);
  }
  return [...parts].map(([key, via]) => (via.length ? `${key}, from ${[...new Set(via)].join(", ")}` : key)).join("; ") + ".";
}

/** Private-network hosts resolve only inside Railway (not at build time, not from a laptop). */
function isPrivateHost(host: string): boolean {
  return /\.railway\.internal(:\d+)?$/i.test(host);
}

function stamp(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
