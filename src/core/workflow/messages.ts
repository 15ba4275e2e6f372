/**
 * The words of the workflow: the confirmation prompt and the one status message that every step
 * edits. Platform-neutral Replies; adapters render them.
 */
import { dashboardUrl, type LogLine } from "../../railway/types.js";
import type { Reply } from "../reply.js";
import { escapeMentions } from "../text/mentions.js";
import type { Person, Workflow } from "./data.js";

export const who = (p: Person) => escapeMentions(p.displayName ?? p.userId);
const shortSha = (sha: string | null) => (sha ? sha.slice(0, 7) : "unknown");
const firstLine = (text: string | null) => escapeMentions((text ?? "").split("\n")[0] ?? "").slice(0, 80);
const verb = (wf: Workflow) => (wf.data.kind === "clear" ? "Clear the build cache of" : "Redeploy");
const name = (wf: Workflow) => `\`${wf.data.serviceName}\` (${wf.data.environmentName})`;

/** "3 min ago", "2 h ago": how old a deployment is. */
export function age(iso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms < 90_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 48 * 3_600_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} days ago`;
}

function duration(ms: number): string {
  return ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

function links(wf: Workflow): string {
  const ids = { projectId: wf.data.projectId, serviceId: wf.data.serviceId, environmentId: wf.data.environmentId };
  const deployment = wf.data.newDeploymentId ?? wf.data.base.deploymentId;
  return `[Open in Railway](${dashboardUrl({ ...ids, deploymentId: deployment })})`;
}

function baseDescription(wf: Workflow, now: number): string {
  const b = wf.data.base;
  const source = b.commitHash ? `commit \`${shortSha(b.commitHash)}\` “${firstLine(b.commitMessage)}”` : `image \`${escapeMentions(b.image ?? "unknown")}\``;
  return `${source} (running now: deployment \`${b.deploymentId.slice(0, 8)}\`, deployed ${age(b.createdAt, now)}, ${b.status})`;
}

/** The confirmation prompt: exactly what will happen, for whom, until when. */
export function promptReply(wf: Workflow, now: number): Reply {
  const d = wf.data;
  const steps =
    d.kind === "clear"
      ? [
          `1. Set \`NO_CACHE=1\` on ${name(wf)} without deploying (unless it is already set: then it is left alone).`,
          `2. Rebuild from source ${baseDescription(wf, now)}: the same code, nothing new ships.`,
          "3. Remove `NO_CACHE` again as soon as the build is past BUILDING, also if anything fails.",
          "The build runs without the layer cache, so it is slower than usual (often several minutes).",
        ]
      : [
          `Rebuild from source ${baseDescription(wf, now)}, with the build cache: the same code, nothing new ships.`,
        ];
  if (!d.base.commitHash) steps.push("This service deploys an image, not a git commit: there may be no build to run; railcache will report what Railway did.");
  const expires = wf.expiresAt ?? now;
  const approval =
    d.approval === "requester"
      ? `Waiting for ${who(d.requester)} to confirm.`
      : `Waiting for a second person to confirm (never ${who(d.requester)})${d.approvers && d.approvers.users.length + d.approvers.groups.length ? ": one of the approvers in the policy" : ""}.`;
  return {
    title: `${verb(wf)} ${d.serviceName} in ${d.environmentName}?`,
    body: [...steps, "", `Asked by ${who(d.requester)}. ${approval} Expires in ${duration(expires - now)} (${new Date(expires).toISOString().slice(11, 16)} UTC).`].join("\n"),
    fields: [
      { name: "Service", value: d.serviceName, inline: true },
      { name: "Environment", value: d.environmentName, inline: true },
      { name: "Rebuilds", value: d.base.commitHash ? `commit ${shortSha(d.base.commitHash)}` : "image", inline: true },
    ],
    actions: [
      { kind: "confirm", label: d.kind === "clear" ? "Clear cache and rebuild" : "Redeploy", value: wf.id, style: "danger" },
      { kind: "cancel", label: "Cancel", value: wf.id },
    ],
    context: links(wf),
    tone: "warning",
  };
}

const progress: Record<"clear" | "redeploy", Partial<Record<Workflow["state"], string>>> = {
  clear: {
    confirmed: "Confirmed. Starting.",
    no_cache_set: "`NO_CACHE=1` is set (no deploy). Triggering the rebuild.",
    rebuild_triggered: "Rebuild triggered. Waiting for the build to start.",
    building: "Building without the layer cache. This takes longer than usual.",
    no_cache_removed: "Build done and `NO_CACHE` removed again. Waiting for the deployment to finish.",
  },
  redeploy: {
    confirmed: "Confirmed. Triggering the rebuild.",
    rebuild_triggered: "Rebuild triggered. Waiting for the build to start.",
    building: "Building.",
    no_cache_removed: "Build done. Waiting for the deployment to finish.",
  },
};

/** The status message for a workflow's current state. `logTail` is shown on failure. */
export function statusReply(wf: Workflow, now: number, logTail: LogLine[] = []): Reply {
  const d = wf.data;
  const title = `${d.kind === "clear" ? "Cache clear" : "Redeploy"}: ${d.serviceName} (${d.environmentName})`;
  const people = `Asked by ${who(d.requester)}${d.confirmedBy ? `, confirmed by ${who(d.confirmedBy)}` : ""}.`;
  const noCacheNote =
    d.kind === "clear" && d.noCachePreexisting ? "\n`NO_CACHE` was already set on this service before railcache; it was left as it was." : "";
  const base = { title, context: links(wf) };
  switch (wf.state) {
    case "requested":
    case "awaiting_confirmation":
      return promptReply(wf, now);
    case "cancelled":
      return { ...base, body: `Cancelled${d.reason ? `: ${d.reason}` : ""}. Nothing was changed.`, tone: "info" };
    case "denied":
      return { ...base, body: `Declined${d.reason ? `: ${d.reason}` : ""}. Nothing was changed.`, tone: "info" };
    case "expired":
      return { ...base, body: `${d.reason ?? "The confirmation expired."} Nothing was changed.`, tone: "info" };
    case "done":
      return statusReply({ ...wf, state: d.outcome ?? "failed" }, now, logTail);
    case "deployed":
      return {
        ...base,
        body:
          d.kind === "clear"
            ? `Done: ${name(wf)} was rebuilt without the build cache and is live (deployment \`${(d.newDeploymentId ?? "").slice(0, 8)}\`). ${people}${noCacheNote}`
            : `Done: ${name(wf)} was rebuilt and is live (deployment \`${(d.newDeploymentId ?? "").slice(0, 8)}\`). ${people}`,
        tone: "success",
      };
    case "failed":
    case "image_reused":
      return finishedReply(wf, base, people, noCacheNote, logTail);
    default: {
      const restoring = d.restoreError ? `\nCould not remove \`NO_CACHE\` yet (${d.restoreError}); railcache keeps retrying and finishes it on its next start.` : "";
      return { ...base, body: `${progress[d.kind][wf.state] ?? wf.state} ${people}${noCacheNote}${restoring}`, tone: d.restoreError ? "warning" : "info" };
    }
  }
}

function finishedReply(wf: Workflow, base: { title: string; context: string }, people: string, noCacheNote: string, logTail: LogLine[]): Reply {
  const d = wf.data;
  if (wf.state === "image_reused") {
    return {
      ...base,
      body: `Railway reused the existing image: no build ran (the deployment never went through BUILDING and has no build logs), so the build cache was *not* cleared. The service was redeployed and is live. ${people}${noCacheNote}`,
      tone: "warning",
    };
  }
  const reason = d.failure ?? `the deployment ended ${d.finalStatus ?? "unsuccessfully"}`;
  const cleared = d.kind === "clear" && !d.noCachePreexisting ? " `NO_CACHE` was removed again." : "";
  return {
    ...base,
    body: `Failed: ${escapeMentions(reason)}.${cleared} ${people}${noCacheNote}`,
    code: logTail.length ? [{ lang: "text", text: escapeMentions(logTail.map((l) => l.message).join("\n")) }] : undefined,
    tone: "error",
  };
}
