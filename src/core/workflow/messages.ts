/**
 * The words of the workflow: the confirmation prompt and the one status message that every step
 * edits. Platform-neutral Replies; adapters render them.
 */
import { dashboardUrl, type LogLine } from "../ports/railway.js";
import type { Reply } from "../reply.js";
import type { Person, Workflow } from "./data.js";
import { clockTime, formatSpan } from "../text/time.js";

export const who = (p: Person) => p.displayName ?? p.userId;
const shortSha = (sha: string | null) => (sha ? sha.slice(0, 7) : "unknown");
const firstLine = (text: string | null) => ((text ?? "").split("\n")[0] ?? "").slice(0, 80);
const verb = (wf: Workflow) => (wf.data.kind === "clear" ? "Clear the build cache of" : "Redeploy");
const name = (wf: Workflow) => `\`${wf.data.serviceName}\` (${wf.data.environmentName})`;

function links(wf: Workflow): string {
  const ids = { projectId: wf.data.projectId, serviceId: wf.data.serviceId, environmentId: wf.data.environmentId };
  const deployment = wf.data.liveDeploymentId ?? wf.data.laterDeploymentId ?? wf.data.newDeploymentId ?? wf.data.base.deploymentId;
  return `[Open in Railway](${dashboardUrl({ ...ids, deploymentId: deployment })})`;
}

function baseDescription(wf: Workflow, now: number): string {
  const b = wf.data.base;
  const source = b.commitHash ? `commit \`${shortSha(b.commitHash)}\` “${firstLine(b.commitMessage)}”` : `image \`${b.image ?? "unknown"}\``;
  return `${source} (running now: deployment \`${b.deploymentId.slice(0, 8)}\`, deployed ${formatSpan(now - Date.parse(b.createdAt))} ago, ${b.status})`;
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
          // A blank line ends the list: otherwise Markdown reads the note as part of step 3.
          "",
          "The build runs without the layer cache, so it is slower than usual (often several minutes).",
        ]
      : [`Rebuild from source ${baseDescription(wf, now)}, with the build cache: the same code, nothing new ships.`];
  if (!d.base.commitHash) steps.push("This service deploys an image, not a git commit: there may be no build to run; railcache will report what Railway did.");
  const expires = wf.expiresAt ?? now;
  const approval =
    d.approval === "requester"
      ? `Waiting for ${who(d.requester)} to confirm.`
      : `Waiting for a second person to confirm (never ${who(d.requester)})${d.approvers && d.approvers.users.length + d.approvers.groups.length ? ": one of the approvers in the policy" : ""}.`;
  return {
    title: `${verb(wf)} ${d.serviceName} in ${d.environmentName}?`,
    body: [...steps, "", `Asked by ${who(d.requester)}. ${approval} Expires in ${formatSpan(expires - now)} (${clockTime(expires)}).`].join("\n"),
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
    confirmed: "Confirmed. Setting `NO_CACHE=1` (without a deploy).",
    no_cache_set: "`NO_CACHE=1` is set (no deploy). Asking Railway for the rebuild.",
    rebuild_requested: "`NO_CACHE=1` is set. Asking Railway for the rebuild.",
    rebuild_triggered: "Rebuild started. Waiting for the build to begin.",
    building: "Building without the layer cache. This takes longer than usual.",
    restoring: "Build finished. Removing `NO_CACHE` again.",
    aborting: "Stopping: removing `NO_CACHE` again.",
    no_cache_removed: "Build finished and `NO_CACHE` removed again. Waiting for the deployment to finish.",
  },
  redeploy: {
    confirmed: "Confirmed. Asking Railway for the rebuild.",
    rebuild_requested: "Asking Railway for the rebuild.",
    rebuild_triggered: "Rebuild started. Waiting for the build to begin.",
    building: "Building.",
    restoring: "Build finished. Waiting for the deployment to finish.",
    aborting: "Stopping.",
    no_cache_removed: "Build finished. Waiting for the deployment to finish.",
  },
};

const short = (id: string | null) => `\`${(id ?? "").slice(0, 8)}\``;

/** A message in the channel when removing NO_CACHE keeps failing: people may need to act. */
export function restoreAlertReply(wf: Workflow, now: number): Reply {
  const d = wf.data;
  const minutes = Math.max(1, Math.round((now - (d.restoreFailingSince ?? now)) / 60_000));
  return {
    title: `NO_CACHE is still set on ${d.serviceName} (${d.environmentName})`,
    body:
      `railcache has been trying to remove \`NO_CACHE\` for ${minutes} min and Railway keeps refusing${d.restoreError ? ` (${d.restoreError})` : ""}. ` +
      "It keeps trying. Until it is removed, every build of this service runs without the layer cache (slow). " +
      "You can also remove `NO_CACHE` yourself in Railway (service > Variables); railcache will notice.",
    context: links(wf),
    tone: "error",
  };
}

/** The follow-up to `restoreAlertReply` once NO_CACHE is gone. */
export function restoredAlertReply(wf: Workflow): Reply {
  return {
    title: `NO_CACHE is removed from ${wf.data.serviceName} (${wf.data.environmentName})`,
    body: "Railway accepted the removal: builds use the layer cache again.",
    context: links(wf),
    tone: "success",
  };
}

/** The status message for a workflow's current state. `logTail` is shown on failure. */
export function workflowStatusReply(wf: Workflow, now: number, logTail: LogLine[] = []): Reply {
  const d = wf.data;
  const title = `${d.kind === "clear" ? "Cache clear" : "Redeploy"}: ${d.serviceName} (${d.environmentName})`;
  const people = `Asked by ${who(d.requester)}${d.confirmedBy ? `, confirmed by ${who(d.confirmedBy)}` : ""}.`;
  const noCacheNote = d.kind === "clear" && d.noCachePreexisting ? "\n`NO_CACHE` was already set on this service before railcache; it was left as it was." : "";
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
      return workflowStatusReply({ ...wf, state: d.outcome ?? "failed" }, now, logTail);
    case "deployed":
      return {
        ...base,
        body: `${deployedText(wf)} ${people}${noCacheNote}`,
        tone: d.liveDeploymentId && d.liveDeploymentId !== d.newDeploymentId ? "warning" : "success",
      };
    case "failed":
    case "image_reused":
      return finishedReply(wf, base, people, noCacheNote, logTail);
    default: {
      const restoring =
        d.restoreError && (wf.state === "restoring" || wf.state === "aborting")
          ? `\nRailway refused to remove \`NO_CACHE\` so far (${d.restoreError}). railcache is still trying and will not stop while it runs.`
          : "";
      const failing = wf.state === "aborting" && d.failure ? `\nWhy: ${d.failure}.` : "";
      return {
        ...base,
        body: `${progress[d.kind][wf.state] ?? wf.state} ${people}${noCacheNote}${failing}${restoring}`,
        tone: d.restoreError ? "warning" : "info",
      };
    }
  }
}

/** What is live at the end, in words that are true for how it got there. */
function deployedText(wf: Workflow): string {
  const d = wf.data;
  const rebuilt =
    d.kind === "clear"
      ? `${name(wf)} was rebuilt without the build cache (deployment ${short(d.newDeploymentId)})`
      : `${name(wf)} was rebuilt (deployment ${short(d.newDeploymentId)})`;
  if (!d.liveDeploymentId || d.liveDeploymentId === d.newDeploymentId) return `Done: ${rebuilt} and it is live.`;
  const cause = d.noCacheRemovedBy === "delete" ? "Removing `NO_CACHE` made Railway start another deployment" : "Railway started another deployment after it";
  return `Done: ${rebuilt}. ${cause}, ${short(d.liveDeploymentId)} (a normal build, with the layer cache), which replaced it and is live now.`;
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
  const cleared =
    d.kind !== "clear" || d.noCachePreexisting !== false
      ? ""
      : d.noCacheRemovedAt !== null
        ? " `NO_CACHE` was removed again."
        : d.noCacheSetAt !== null
          ? ""
          : " `NO_CACHE` was not set, so nothing needed undoing.";
  const nothingBuilt = d.newDeploymentId === null && d.kind === "clear" ? " Nothing was rebuilt." : "";
  const live = d.liveDeploymentId ? ` Live now: deployment ${short(d.liveDeploymentId)}.` : "";
  return {
    ...base,
    body: `Failed: ${reason}.${nothingBuilt}${cleared}${live} ${people}${noCacheNote}`,
    code: logTail.length ? [{ lang: "text", text: logTail.map((l) => l.message).join("\n") }] : undefined,
    tone: "error",
  };
}
