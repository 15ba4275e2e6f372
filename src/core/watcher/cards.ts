/**
 * The watcher's cards as platform-neutral Replies. Pure: everything they show is passed in.
 */
import { dashboardUrl, type Deployment, type DeploymentStatus } from "../ports/railway.js";
import type { Action, Field, Reply } from "../reply.js";
import { configFileState, cutoffAnnouncement, MOVE_ADVICE } from "../setup/cutoff.js";
import type { FiveXxBurst } from "./rules.js";
import type { NotCacheError } from "../kb/not-cache.js";
import type { SignatureMatch } from "../kb/types.js";
import { clockTime, formatSpan } from "../text/time.js";

/** Where a deployment runs, with names for people and ids for links and buttons. */
export interface InstanceRef {
  projectId: string;
  serviceId: string;
  serviceName: string;
  environmentId: string;
  environmentName: string;
}

/** Button value naming a service in an environment by name, for the clear workflow: `web@production`. */
export function clearActionValue(instance: Pick<InstanceRef, "serviceName" | "environmentName">): string {
  return `${instance.serviceName}@${instance.environmentName}`;
}

/** Button value naming a service in an environment by id, for mute and remove_no_cache. */
export function instanceActionValue(instance: Pick<InstanceRef, "serviceId" | "environmentId">): string {
  return `${instance.serviceId}@${instance.environmentId}`;
}

/** Splits a `service@environment` button value (the last `@` separates them). */
export function parseActionValue(value: string): { service: string; environment: string } | null {
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return null;
  return { service: value.slice(0, at), environment: value.slice(at + 1) };
}

function commitLine(deployment: Deployment): string {
  if (!deployment.commitHash) return deployment.image ? `image \`${deployment.image}\`` : "no commit";
  const subject = deployment.commitMessage?.split("\n")[0]?.trim();
  const by = deployment.commitAuthor ? ` by ${deployment.commitAuthor}` : "";
  return `commit \`${deployment.commitHash.slice(0, 7)}\`${subject ? ` (${subject}${by})` : by}`;
}

function baseFields(instance: InstanceRef, deployment: Deployment): Field[] {
  const fields: Field[] = [
    { name: "Service", value: instance.serviceName, inline: true },
    { name: "Environment", value: instance.environmentName, inline: true },
    { name: "Status", value: deployment.status, inline: true },
  ];
  if (deployment.commitHash) fields.push({ name: "Commit", value: `\`${deployment.commitHash.slice(0, 7)}\``, inline: true });
  return fields;
}

function logsAction(instance: InstanceRef, deploymentId: string): Action {
  return { kind: "link", label: "View logs", url: dashboardUrl({ ...instance, deploymentId }) };
}

function muteAction(instance: InstanceRef): Action {
  return { kind: "mute", label: "Mute 1 h", value: instanceActionValue(instance) };
}

const where = (i: InstanceRef) => `\`${i.serviceName}\` in **${i.environmentName}**`;
const context = (deployment: Deployment) => `railcache watcher · deployment ${deployment.id}`;

/** What ran from (or after) a warning card, for the card's final edit. Names are display names. */
export interface EndedWorkflow {
  kind: "clear" | "redeploy";
  outcome: "deployed" | "failed" | "image_reused";
  serviceId: string;
  serviceName: string;
  environmentId: string;
  environmentName: string;
  baseDeploymentId: string;
  requester: string;
  confirmedBy: string | null;
  liveDeploymentId: string | null;
  failure: string | null;
}

/** The card after a clear or redeploy it led to has ended: what ran, who asked; no buttons left to click twice. */
export function workflowEndedCard(instance: InstanceRef, ended: EndedWorkflow): Reply {
  const what = ended.kind === "clear" ? "a rebuild without the build cache" : "a rebuild";
  const people = `Asked by ${ended.requester}${ended.confirmedBy && ended.confirmedBy !== ended.requester ? `, confirmed by ${ended.confirmedBy}` : ""}.`;
  const live = ended.liveDeploymentId ? ` Live now: deployment \`${ended.liveDeploymentId.slice(0, 8)}\`.` : "";
  const link: Action = {
    kind: "link",
    label: "Open in Railway",
    url: dashboardUrl({ ...instance, ...(ended.liveDeploymentId ? { deploymentId: ended.liveDeploymentId } : {}) }),
  };
  if (ended.outcome === "deployed") {
    return {
      title: `Resolved: ${instance.serviceName} (${instance.environmentName}) rebuilt`,
      body: `railcache ran ${what} of ${where(instance)} and it deployed.${live} ${people}`,
      actions: [link],
      tone: "success",
    };
  }
  if (ended.outcome === "image_reused") {
    return {
      title: `Rebuild ran, cache not cleared: ${instance.serviceName} (${instance.environmentName})`,
      body: `railcache asked for ${what} of ${where(instance)}, but Railway reused the image: no build ran.${live} ${people}`,
      actions: [link],
      tone: "warning",
    };
  }
  const why = ended.failure ? `: ${ended.failure}` : "";
  return {
    title: `Rebuild failed: ${instance.serviceName} (${instance.environmentName})`,
    body: `railcache ran ${what} of ${where(instance)} and it failed${why}.${live} ${people} Ask again with \`/railcache ${ended.kind} ${instance.serviceName} ${instance.environmentName}\`.`,
    actions: [link],
    tone: "error",
  };
}

/** Posted in the channel when someone mutes a service's warnings: who, for how long, and a way back. */
export function mutedReply(instance: InstanceRef, by: string, until: number): Reply {
  return {
    title: `Warnings muted for ${instance.serviceName} (${instance.environmentName})`,
    body: `${by} muted new warnings for ${where(instance)} for 1 h, until ${clockTime(until)}.`,
    actions: [{ kind: "unmute", label: "Unmute", value: instanceActionValue(instance) }],
    tone: "info",
  };
}

export const whereText = where;

/** Railway's own diagnosis (Deployment.diagnosis, already one short line), quoted beside railcache's. */
function railwaySays(deployment: Deployment): string[] {
  return deployment.diagnosis ? [`**Railway's diagnosis:** ${deployment.diagnosis}`] : [];
}

/** FAILED/CRASHED with a stale-cache signature in the logs. */
export function staleCacheCard(instance: InstanceRef, deployment: Deployment, matches: SignatureMatch[]): Reply {
  const verb = deployment.status === "CRASHED" ? "crashed" : "failed";
  const lines = matches.flatMap((m) => m.lines).slice(0, 6);
  return {
    title: `${instance.serviceName} (${instance.environmentName}) ${verb}: looks like a stale build cache`,
    body: [
      `The deploy of ${where(instance)} ${verb} on ${commitLine(deployment)}.`,
      `**Why a stale cache:** ${matches.map((m) => m.label).join("; ")}. Django is complaining about code that exists in this commit, the guide's sign that the build reused cached layers from before the change.`,
      ...railwaySays(deployment),
      "**Clear cache and redeploy** rebuilds the same commit without the layer cache (`NO_CACHE=1`) and removes `NO_CACHE` again afterwards.",
    ].join("\n"),
    code: [{ lang: "text", text: lines.join("\n") }],
    fields: baseFields(instance, deployment),
    actions: [
      { kind: "clear", label: "Clear cache and redeploy", value: clearActionValue(instance), style: "primary" },
      logsAction(instance, deployment.id),
      muteAction(instance),
    ],
    context: context(deployment),
    tone: "error",
  };
}

/** FAILED/CRASHED without any stale-cache signature: what failed, nothing more. */
export function failureCard(instance: InstanceRef, deployment: Deployment, errorLines: string[], cause?: NotCacheError | null): Reply {
  const verb = deployment.status === "CRASHED" ? "crashed" : "failed";
  // What the logs say it is (a syntax error, a package missing from requirements.txt...), and the fix when it is that plain.
  const diagnosis = cause ? [`**Likely cause:** ${cause.label}.`, ...(cause.advice ? [cause.advice] : [])] : [];
  return {
    title: `${instance.serviceName} (${instance.environmentName}) ${verb}`,
    body: [
      `The deploy of ${where(instance)} ${verb} on ${commitLine(deployment)}. The last error lines are below; the full logs are one click away.`,
      ...diagnosis,
      ...railwaySays(deployment),
    ].join("\n"),
    ...(errorLines.length > 0 ? { code: [{ lang: "text", text: errorLines.join("\n") }] } : {}),
    fields: baseFields(instance, deployment),
    actions: [logsAction(instance, deployment.id), muteAction(instance)],
    context: context(deployment),
    tone: "error",
  };
}

/** SUCCESS, then a burst of 5xx: softer than a failure. */
export function fiveXxCard(instance: InstanceRef, deployment: Deployment, burst: FiveXxBurst): Reply {
  const paths = burst.paths.map((p) => `${p.count} × ${p.path}`).join("\n");
  return {
    title: `${instance.serviceName} (${instance.environmentName}): 500s after a successful deploy`,
    body: [
      `${where(instance)} deployed fine on ${commitLine(deployment)}, then answered ${burst.count} requests with HTTP 5xx.`,
      'If the same commit works locally, this is the guide\'s "mysterious 500s": often a stale build cache. Check the logs first; if Django complains about code that exists, clear the cache.',
    ].join("\n"),
    code: [{ lang: "text", text: paths }],
    fields: baseFields(instance, deployment),
    actions: [
      { kind: "clear", label: "Clear cache and redeploy", value: clearActionValue(instance) },
      logsAction(instance, deployment.id),
      muteAction(instance),
    ],
    context: context(deployment),
    tone: "warning",
  };
}

/** A deployment in BUILDING for longer than the threshold. */
export function buildingCard(instance: InstanceRef, deployment: Deployment, forMs: number): Reply {
  return {
    title: `${instance.serviceName} (${instance.environmentName}) has been building for ${formatSpan(forMs)}`,
    body: `The build of ${where(instance)} on ${commitLine(deployment)} is still running. A build without the layer cache (\`NO_CACHE\`) is slower; a build this long may be stuck.`,
    fields: baseFields(instance, deployment),
    actions: [logsAction(instance, deployment.id), muteAction(instance)],
    context: context(deployment),
    tone: "warning",
  };
}

/** A deployment waiting in NEEDS_APPROVAL. */
export function approvalCard(instance: InstanceRef, deployment: Deployment, forMs: number): Reply {
  return {
    title: `${instance.serviceName} (${instance.environmentName}) is waiting for approval`,
    body: `The deploy of ${where(instance)} on ${commitLine(deployment)} has been waiting for approval for ${formatSpan(forMs)}. Someone with access has to approve it in the Railway dashboard.`,
    fields: baseFields(instance, deployment),
    actions: [{ kind: "link", label: "Open in Railway", url: dashboardUrl({ ...instance, deploymentId: deployment.id }) }, muteAction(instance)],
    context: context(deployment),
    tone: "info",
  };
}

const settled: Partial<Record<DeploymentStatus, string>> = {
  SUCCESS: "is live",
  REMOVED: "was removed",
  SKIPPED: "was skipped",
  SLEEPING: "is sleeping",
};

/** The card of a deployment whose status moved on from what the card said. */
export function statusUpdateCard(instance: InstanceRef, deployment: Deployment, previousTitle: string): Reply {
  const done = settled[deployment.status];
  return {
    title: done
      ? `${instance.serviceName} (${instance.environmentName}) ${done}`
      : `${instance.serviceName} (${instance.environmentName}): ${deployment.status}`,
    body: `Earlier: ${previousTitle}.\nNow the deploy of ${where(instance)} on ${commitLine(deployment)} is **${deployment.status}**.`,
    fields: baseFields(instance, deployment),
    actions: [logsAction(instance, deployment.id)],
    context: context(deployment),
    tone: deployment.status === "SUCCESS" ? "success" : "info",
  };
}

/** NO_CACHE has been set on a service for a long time. */
export function noCacheCard(instance: InstanceRef, forMs: number): Reply {
  return {
    title: `NO_CACHE is still set on ${instance.serviceName} (${instance.environmentName})`,
    body: [
      `\`NO_CACHE\` has been set on ${where(instance)} for at least ${formatSpan(forMs)}. Every build of it skips the layer cache, so builds stay slow: the guide's "don't keep --no-cache-dir permanently", as a variable.`,
      "Removing it changes a variable, so Railway deploys the service again.",
    ].join("\n"),
    actions: [
      { kind: "remove_no_cache", label: "Remove NO_CACHE", value: instanceActionValue(instance), style: "primary" },
      { kind: "link", label: "Open in Railway", url: dashboardUrl(instance) },
      muteAction(instance),
    ],
    context: "railcache watcher · NO_CACHE reminder",
    tone: "warning",
  };
}

/** The reminder after NO_CACHE was removed (edited into the same card). */
export function noCacheRemovedCard(instance: InstanceRef, by: string | null): Reply {
  return {
    title: `NO_CACHE removed from ${instance.serviceName} (${instance.environmentName})`,
    body: `\`NO_CACHE\` is gone from ${where(instance)}${by ? ` (removed by ${by})` : ""}; later builds use the layer cache again.`,
    actions: [{ kind: "link", label: "Open in Railway", url: dashboardUrl(instance) }],
    context: "railcache watcher · NO_CACHE reminder",
    tone: "success",
  };
}

/** A service still configured from railway.toml / railway.json: posted once. */
export function configFileCard(instance: InstanceRef, file: string, now: number): Reply {
  return {
    title: `${instance.serviceName} still reads ${file}`,
    body: [
      `${where(instance)} ${configFileState(file)} (config as code, deprecated): its \`railwayConfigFile\` setting is set. ${cutoffAnnouncement(now)}`,
      "Whatever is set only in the file is lost when the service no longer reads it: auto migrations in the start or pre-deploy command, a custom install command, `--no-cache-dir`.",
      MOVE_ADVICE,
      "Migrations: the pre-deploy command `python manage.py migrate` in the service settings (or the start command `python manage.py migrate && gunicorn …`).",
    ].join("\n"),
    actions: [{ kind: "link", label: "Open service settings", url: dashboardUrl(instance) }],
    context: "railcache watcher · config as code",
    tone: "warning",
  };
}
