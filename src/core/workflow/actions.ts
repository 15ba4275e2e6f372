/**
 * The action of each running state (states.ts): one look at or one change in Railway, then a
 * move along the table. An action never loops or retries by itself: the Railway client retries
 * what is safe to repeat, and an action that must try again returns its workflow unchanged with
 * how long to wait, so the driver renews the lease, sleeps and runs the same action again. After
 * a crash, recovery runs the action of the persisted state, which is written to be re-run.
 */
import type { Logger } from "../../log.js";
import { RailwayError, terminalStatuses, type Deployment, type RailwayApi, type VariableTarget } from "../ports/railway.js";
import type { Store } from "../ports/store.js";
import type { Policy } from "../policy/policy.js";
import type { Clock } from "../ports/clock.js";
import type { Workflow, WorkflowData } from "./data.js";
import { restoreAlertReply, restoredAlertReply } from "./messages.js";
import { hasNoCache, removeNoCache, setNoCache } from "./no-cache.js";
import type { WorkflowRecorder } from "./recorder.js";
import { failurePhrase as describeError } from "../errors.js";
import type { WorkflowState } from "./states.js";

export interface WorkflowTimeouts {
  /** The first wait between two looks at the new deployment; later waits grow (see pollDelay). */
  pollMs: number;
  /** The longest wait between two looks. Must stay below leaseMs: the lease is renewed before each wait. */
  maxPollMs: number;
  /** From the rebuild request until the build must be past BUILDING; then NO_CACHE is removed anyway. */
  buildMs: number;
  /** After the build, how long to follow the deployment to SUCCESS or failure. */
  deployMs: number;
  /** A workflow being driven holds a lease this long (renewed before every wait), so one replica drives it. */
  leaseMs: number;
  /** Rebuild requests whose answer was lost, sent again only after looking for their deployment. */
  rebuildAttempts: number;
  /** Removing NO_CACHE: first and longest wait between tries. It never gives up while railcache runs. */
  restoreBaseDelayMs: number;
  restoreMaxDelayMs: number;
  /** After this long failing to remove NO_CACHE, the channel is alerted (once). */
  restoreAlertAfterMs: number;
  /** After this many failed tries to remove NO_CACHE without a deploy, variableDelete is used (it may deploy). */
  restoreTriesBeforeDelete: number;
  /** Looks that only make the report more precise (a later deployment) are given up after this many failures. */
  optionalLookTries: number;
}

export const defaultTimeouts: WorkflowTimeouts = {
  pollMs: 5_000,
  maxPollMs: 60_000,
  buildMs: 45 * 60_000,
  deployMs: 30 * 60_000,
  leaseMs: 90_000,
  rebuildAttempts: 3,
  restoreBaseDelayMs: 2_000,
  restoreMaxDelayMs: 60_000,
  restoreAlertAfterMs: 3 * 60_000,
  restoreTriesBeforeDelete: 3,
  optionalLookTries: 3,
};

export interface ActionContext {
  rec: WorkflowRecorder;
  railway: RailwayApi;
  store: Store;
  policy: Policy;
  clock: Clock;
  log: Logger;
  t: WorkflowTimeouts;
}

/** The workflow after the action (moved on, or unchanged with a wait before running it again); null: stop driving. */
export type ActionResult = { wf: Workflow; waitMs?: number } | null;

type Action = (ctx: ActionContext, wf: Workflow) => Promise<ActionResult>;

const preBuild = new Set(["QUEUED", "WAITING", "INITIALIZING", "BUILDING", "NEEDS_APPROVAL"]);
/** Allowance for clock skew between railcache and Railway when recognising our own deployment. */
const SKEW_MS = 5 * 60_000;

const moved = (wf: Workflow | null, waitMs?: number): ActionResult => (wf ? { wf, ...(waitMs !== undefined ? { waitMs } : {}) } : null);

export const actions: Partial<Record<WorkflowState, Action>> = {
  confirmed: (ctx, wf) => (wf.data.kind === "clear" ? setNoCacheAction(ctx, wf) : requestRebuild(ctx, wf)),
  no_cache_set: rebuildUnlessStarted,
  rebuild_requested: lookForRebuild,
  rebuild_triggered: watchBuild,
  building: watchBuild,
  restoring: putNoCacheBack,
  aborting: putNoCacheBack,
  no_cache_removed: followDeployment,
  deployed: finish,
  failed: finish,
  image_reused: finish,
};

/** Moves to `aborting` (NO_CACHE goes back, then `failed`) with the reason. */
async function abort(ctx: ActionContext, wf: Workflow, failure: string): Promise<ActionResult> {
  ctx.log.warn({ event: "workflow.failing", workflowId: wf.id, state: wf.state, failure }, "workflow failing; restoring NO_CACHE");
  return moved(await ctx.rec.move(wf, "abort", { data: { failure }, details: { failure } }));
}

function target(wf: Workflow): VariableTarget {
  return { projectId: wf.data.projectId, environmentId: wf.data.environmentId, serviceId: wf.data.serviceId };
}

/**
 * Waits grow with the time since the rebuild was asked for (three quarters of it, between pollMs
 * and maxPollMs): quick looks while a build starts, few looks at a long one. A whole clear of a
 * 5-minute build costs about 23 Railway requests (bench/RESULTS.md).
 */
function pollDelay(ctx: ActionContext, wf: Workflow): number {
  const since = wf.data.rebuildRequestedAt ?? ctx.clock.now();
  const elapsed = Math.max(0, ctx.clock.now() - since);
  return Math.round(Math.min(ctx.t.maxPollMs, Math.max(ctx.t.pollMs, elapsed * 0.75)));
}

/** A deployment just created is queued: the first look waits one poll. */
const afterTrigger = (ctx: ActionContext, wf: Workflow | null): ActionResult => moved(wf, ctx.t.pollMs);

// ---- confirmed (clear): NO_CACHE=1 without a deploy ----

async function setNoCacheAction(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  let current = wf;
  try {
    if (current.data.noCachePreexisting === null) {
      // Recorded before the upsert: after a crash, a NO_CACHE we find is known to be ours.
      const preexisting = await hasNoCache(ctx.railway, target(wf));
      const recorded = await ctx.rec.patch(current, { noCachePreexisting: preexisting });
      if (!recorded) return null;
      current = recorded;
    }
    if (!current.data.noCachePreexisting) await setNoCache(ctx.railway, target(wf));
  } catch (error) {
    return abort(ctx, current, `could not set NO_CACHE: ${describeError(error)}`);
  }
  const data: Partial<WorkflowData> = current.data.noCachePreexisting ? {} : { noCacheSetAt: ctx.clock.now() };
  return moved(await ctx.rec.move(current, "set_no_cache", { data, details: { preexisting: current.data.noCachePreexisting } }));
}

// ---- no_cache_set / confirmed (redeploy) / rebuild_requested: the one rebuild ----

/**
 * Setting NO_CACHE was asked not to deploy; if Railway deployed anyway, that deployment already
 * builds without the cache: adopt it instead of starting a second uncached build.
 */
async function rebuildUnlessStarted(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  if (wf.data.noCacheSetAt === null) return requestRebuild(ctx, wf);
  let started: string | null;
  try {
    started = await findOurDeployment(ctx, wf, wf.data.noCacheSetAt);
  } catch (error) {
    ctx.log.warn({ event: "workflow.poll_failed", workflowId: wf.id, err: error }, "could not check for a deployment");
    // Only a Railway that ignores skipDeploys deploys here; do not wait on that guess for long.
    const failures = wf.data.lookFailures + 1;
    if (failures >= ctx.t.optionalLookTries) return requestRebuild(ctx, wf);
    return moved(await ctx.rec.patch(wf, { lookFailures: failures }), ctx.t.pollMs);
  }
  if (!started) return requestRebuild(ctx, wf);
  const data = { newDeploymentId: started, rebuildRequestedAt: wf.data.noCacheSetAt };
  return afterTrigger(ctx, await ctx.rec.move(wf, "trigger", { data, details: { newDeploymentId: started, adopted: true, startedBy: "variable change" } }));
}

/** Records the intent first (`rebuild_requested`), then asks Railway; a lost answer stays in that state. */
async function requestRebuild(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const requested = await ctx.rec.move(wf, "request_rebuild", {
    data: { rebuildRequestedAt: ctx.clock.now(), rebuildAttempts: wf.data.rebuildAttempts + 1, lookFailures: 0 },
  });
  if (!requested) return null;
  return sendRebuild(ctx, requested);
}

async function sendRebuild(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const { base } = wf.data;
  try {
    // A rebuild from source of the commit running now; redeploy by id only for image sources.
    const newId = base.commitHash
      ? await ctx.railway.deployFromSource({ serviceId: wf.data.serviceId, environmentId: wf.data.environmentId, commitSha: base.commitHash })
      : await ctx.railway.redeploy(base.deploymentId, { usePreviousImageTag: false });
    return afterTrigger(
      ctx,
      await ctx.rec.move(wf, "trigger", {
        data: { newDeploymentId: newId },
        details: { newDeploymentId: newId, commit: base.commitHash, attempt: wf.data.rebuildAttempts },
      }),
    );
  } catch (error) {
    if (error instanceof RailwayError && error.outcomeUnknown) {
      // It may have started: rebuild_requested looks for it before anything is sent again.
      ctx.log.warn({ event: "workflow.rebuild_unknown", workflowId: wf.id, err: error }, "rebuild request outcome unknown; will look for it");
      return { wf, waitMs: ctx.t.pollMs };
    }
    return abort(ctx, wf, `Railway did not start the rebuild: ${describeError(error)}`);
  }
}

/** A rebuild request whose answer was lost (or a crash right after sending it): adopt its deployment, or ask again. */
async function lookForRebuild(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  let found: string | null;
  try {
    found = await findOurDeployment(ctx, wf, wf.data.rebuildRequestedAt);
  } catch (error) {
    // Never send it again without knowing: keep looking until Railway answers, within the build deadline.
    if (ctx.clock.now() >= (wf.data.rebuildRequestedAt ?? 0) + ctx.t.buildMs)
      return abort(ctx, wf, `could not check whether Railway started the rebuild: ${describeError(error)}`);
    return { wf, waitMs: pollDelay(ctx, wf) };
  }
  if (found)
    return afterTrigger(ctx, await ctx.rec.move(wf, "trigger", { data: { newDeploymentId: found }, details: { newDeploymentId: found, adopted: true } }));
  if (wf.data.rebuildAttempts >= ctx.t.rebuildAttempts) {
    return abort(ctx, wf, `Railway did not confirm the rebuild after ${wf.data.rebuildAttempts} requests and shows no new deployment`);
  }
  const again = await ctx.rec.patch(wf, { rebuildAttempts: wf.data.rebuildAttempts + 1 });
  return again ? sendRebuild(ctx, again) : null;
}

/** The deployment our rebuild request created, if Railway made one: newer than the request, same commit. */
async function findOurDeployment(ctx: ActionContext, wf: Workflow, since: number | null): Promise<string | null> {
  if (since === null) return null;
  const recent = await ctx.railway.recentDeployments({ projectId: wf.data.projectId, serviceId: wf.data.serviceId, environmentId: wf.data.environmentId }, 5);
  const ours = recent.filter(
    (d) =>
      d.id !== wf.data.base.deploymentId &&
      Date.parse(d.createdAt) >= since - SKEW_MS &&
      Date.parse(d.createdAt) >= Date.parse(wf.data.base.createdAt) &&
      (!wf.data.base.commitHash || !d.commitHash || d.commitHash === wf.data.base.commitHash),
  );
  // Oldest first: a later one could be a deploy someone else started.
  return ours.at(-1)?.id ?? null;
}

/** The deployment serving the service now: the newest that succeeded (Railway removes the ones it replaces). */
async function liveDeployment(ctx: ActionContext, wf: Workflow): Promise<string | null> {
  const recent = await ctx.railway.recentDeployments({ projectId: wf.data.projectId, serviceId: wf.data.serviceId, environmentId: wf.data.environmentId }, 5);
  return recent.find((d) => d.status === "SUCCESS")?.id ?? null;
}

// ---- rebuild_triggered / building: until the build is over ----

async function watchBuild(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const deadline = (wf.data.rebuildRequestedAt ?? ctx.clock.now()) + ctx.t.buildMs;
  let deployment: Deployment | null = null;
  try {
    deployment = await ctx.railway.deployment(wf.data.newDeploymentId as string);
  } catch (error) {
    // One failed look is no reason to give up a build: look again later.
    ctx.log.warn({ event: "workflow.poll_failed", workflowId: wf.id, err: error }, "could not read the deployment; looking again later");
  }
  if (deployment && !preBuild.has(deployment.status)) {
    return moved(
      await ctx.rec.move(wf, "build_done", {
        data: { finalStatus: terminalStatuses.has(deployment.status) ? deployment.status : null },
        details: { status: deployment.status },
      }),
    );
  }
  if (ctx.clock.now() >= deadline) {
    const status = deployment?.status ?? "unknown";
    return abort(
      ctx,
      wf,
      `the build was still ${status} after ${Math.round(ctx.t.buildMs / 60_000)} min; railcache stopped waiting (the deployment may still finish in Railway)`,
    );
  }
  if (deployment?.status === "BUILDING" && wf.state === "rebuild_triggered") {
    return moved(await ctx.rec.move(wf, "build_started", { data: { sawBuilding: true } }), pollDelay(ctx, wf));
  }
  return { wf, waitMs: pollDelay(ctx, wf) };
}

// ---- restoring / aborting: NO_CACHE back as it was, never giving up ----

async function putNoCacheBack(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const event = wf.state === "restoring" ? "restore" : "fail";
  const owned = wf.data.kind === "clear" && wf.data.noCachePreexisting === false;
  if (!owned) {
    const live = event === "fail" ? await liveDeployment(ctx, wf).catch(() => null) : null;
    const data: Partial<WorkflowData> = event === "fail" ? { outcome: "failed", liveDeploymentId: live } : { buildDoneAt: ctx.clock.now() };
    return moved(await ctx.rec.move(wf, event, { data, details: { noCacheRemoved: false } }));
  }
  try {
    const removal = await removeNoCache(ctx.railway, target(wf), { fallBackToDelete: wf.data.restoreAttempts >= ctx.t.restoreTriesBeforeDelete });
    const now = ctx.clock.now();
    if (removal.removed && removal.changedMeanwhile.length) {
      ctx.log.warn(
        { event: "workflow.variables_changed_meanwhile", workflowId: wf.id, names: removal.changedMeanwhile },
        "variables changed while NO_CACHE was removed",
      );
    }
    if (wf.data.restoreAlertedAt !== null) await ctx.rec.alert(wf, restoredAlertReply(wf));
    // A failed run still says what is live now (one look; the message does without it if Railway does not answer).
    const live = event === "fail" ? await liveDeployment(ctx, wf).catch(() => null) : null;
    return moved(
      await ctx.rec.move(wf, event, {
        data: {
          restoreError: null,
          restoreFailingSince: null,
          ...(removal.removed ? { noCacheRemovedAt: now, noCacheRemovedBy: removal.by } : {}),
          ...(event === "fail" ? { outcome: "failed" as const, liveDeploymentId: live } : { buildDoneAt: now }),
        },
        details: {
          noCacheRemoved: removal.removed,
          ...(removal.removed ? { by: removal.by, changedMeanwhile: removal.changedMeanwhile } : {}),
          attempts: wf.data.restoreAttempts + 1,
        },
      }),
    );
  } catch (error) {
    return restoreFailed(ctx, wf, error);
  }
}

async function restoreFailed(ctx: ActionContext, wf: Workflow, error: unknown): Promise<ActionResult> {
  const now = ctx.clock.now();
  const restoreError = describeError(error);
  const attempts = wf.data.restoreAttempts + 1;
  const first = wf.data.restoreFailingSince === null;
  ctx.log.error({ event: "workflow.restore_failed", workflowId: wf.id, attempt: attempts, err: error }, "could not remove NO_CACHE; trying again");
  let current = await ctx.rec.patch(wf, { restoreError, restoreAttempts: attempts, restoreFailingSince: wf.data.restoreFailingSince ?? now });
  if (!current) return null;
  if (first) {
    await ctx.rec.audit(current, "workflow.restore_failing", "railcache", { error: restoreError });
    // The status text changes from "removing" to "still trying": one edit, not one per attempt.
    await ctx.rec.notify(current);
  }
  if (current.data.restoreAlertedAt === null && now - (current.data.restoreFailingSince ?? now) >= ctx.t.restoreAlertAfterMs) {
    if (await ctx.rec.alert(current, restoreAlertReply(current, now))) {
      current = (await ctx.rec.patch(current, { restoreAlertedAt: now })) ?? current;
      await ctx.rec.audit(current, "workflow.restore_alert", "railcache", {
        error: restoreError,
        failingForMs: now - (current.data.restoreFailingSince ?? now),
      });
    }
  }
  const waitMs = Math.min(ctx.t.restoreMaxDelayMs, ctx.t.restoreBaseDelayMs * 2 ** Math.min(attempts - 1, 20));
  return { wf: current, waitMs };
}

// ---- no_cache_removed: follow the deployment to its end, and whatever replaced it ----

async function followDeployment(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const ourId = wf.data.newDeploymentId;
  if (!ourId) return moved(await ctx.rec.move(wf, "fail", { data: { outcome: "failed", failure: wf.data.failure ?? "no deployment to follow" } }));
  const deadline = (wf.data.buildDoneAt ?? wf.data.rebuildRequestedAt ?? ctx.clock.now()) + ctx.t.deployMs;
  const timedOut = () => ctx.clock.now() >= deadline;
  let ours: Deployment;
  let later: Deployment | null = null;
  try {
    ours = await ctx.railway.deployment(ourId);
    if (wf.data.laterDeploymentId) later = await ctx.railway.deployment(wf.data.laterDeploymentId);
  } catch (error) {
    ctx.log.warn({ event: "workflow.poll_failed", workflowId: wf.id, err: error }, "could not read the deployment; looking again later");
    if (timedOut())
      return moved(await ctx.rec.move(wf, "fail", { data: { outcome: "failed", failure: `lost track of the deployment: ${describeError(error)}` } }));
    return { wf, waitMs: pollDelay(ctx, wf) };
  }
  const pending = !terminalStatuses.has(ours.status) || (later !== null && !terminalStatuses.has(later.status));
  if (pending) {
    if (!timedOut()) return { wf, waitMs: pollDelay(ctx, wf) };
    const status = later && !terminalStatuses.has(later.status) ? later.status : ours.status;
    return moved(
      await ctx.rec.move(wf, "fail", {
        data: {
          outcome: "failed",
          failure: `the deployment was still ${status} after ${Math.round(ctx.t.deployMs / 60_000)} min; railcache stopped watching (see Railway)`,
        },
      }),
    );
  }
  if (!wf.data.laterDeploymentId) {
    // A deployment that started after ours (Railway deploying on the variable change, or a push) may have replaced it.
    let newer: Deployment | undefined;
    try {
      const recent = await ctx.railway.recentDeployments(
        { projectId: wf.data.projectId, serviceId: wf.data.serviceId, environmentId: wf.data.environmentId },
        5,
      );
      newer = recent.find((d) => d.id !== ours.id && Date.parse(d.createdAt) > Date.parse(ours.createdAt));
    } catch (error) {
      ctx.log.warn({ event: "workflow.poll_failed", workflowId: wf.id, err: error }, "could not check for a later deployment");
      const failures = wf.data.lookFailures + 1;
      if (failures < ctx.t.optionalLookTries && !timedOut()) return moved(await ctx.rec.patch(wf, { lookFailures: failures }), pollDelay(ctx, wf));
    }
    if (newer) {
      const next = await ctx.rec.patch(wf, { laterDeploymentId: newer.id });
      if (!next) return null;
      await ctx.rec.audit(next, "workflow.later_deployment", "railcache", { laterDeploymentId: newer.id, status: newer.status });
      return terminalStatuses.has(newer.status) ? followDeployment(ctx, next) : { wf: next, waitMs: ctx.t.pollMs };
    }
  }
  return conclude(ctx, wf, ours, later);
}

async function conclude(ctx: ActionContext, wf: Workflow, ours: Deployment, later: Deployment | null): Promise<ActionResult> {
  // Build logs are the evidence that a build ran; seeing BUILDING only counts when they cannot be read.
  const logs = await ctx.railway.buildLogs(ours.id, 5).catch(() => null);
  const built = logs ? logs.length > 0 : wf.data.sawBuilding;
  const live = later?.status === "SUCCESS" ? later : ours.status === "SUCCESS" ? ours : null;
  const ourBuildWorked = ours.status === "SUCCESS" || (ours.status === "REMOVED" && later !== null);
  const details = {
    newDeploymentId: ours.id,
    status: ours.status,
    built,
    laterDeploymentId: later?.id ?? null,
    laterStatus: later?.status ?? null,
    liveDeploymentId: live?.id ?? null,
  };
  const data: Partial<WorkflowData> = { finalStatus: ours.status, liveDeploymentId: live?.id ?? null };
  if (ourBuildWorked && live) {
    return built
      ? moved(await ctx.rec.move(wf, "succeed", { data: { ...data, outcome: "deployed" }, details }))
      : moved(await ctx.rec.move(wf, "reuse", { data: { ...data, outcome: "image_reused" }, details }));
  }
  const replacedBy = later && ours.status === "REMOVED" ? later : null;
  const failed = replacedBy ?? ours;
  const failure = replacedBy
    ? `deployment \`${replacedBy.id.slice(0, 8)}\`, which Railway started after the rebuild and which replaced it, ended ${replacedBy.status}`
    : `the deployment ended ${ours.status}${built ? "" : " (and no build ran: Railway reused the image, so the cache was not cleared)"}`;
  const logTail = await logTailOf(ctx, failed.id, failed.status);
  return moved(await ctx.rec.move(wf, "fail", { data: { ...data, outcome: "failed", failure }, details, logTail }));
}

async function logTailOf(ctx: ActionContext, id: string, status: string) {
  const build = () => ctx.railway.buildLogs(id, 15);
  const deploy = () => ctx.railway.deploymentLogs(id, 15);
  const [first, second] = status === "CRASHED" ? [deploy, build] : [build, deploy];
  try {
    const lines = await first();
    return lines.length ? lines : await second();
  } catch {
    return [];
  }
}

// ---- deployed / failed / image_reused: cooldown, then done ----

async function finish(ctx: ActionContext, wf: Workflow): Promise<ActionResult> {
  const key = `${wf.data.projectId}:${wf.data.environmentId}:${wf.data.serviceId}`;
  if (wf.data.newDeploymentId) await ctx.store.setCooldown(key, ctx.clock.now() + ctx.policy.cooldownMs);
  return moved(
    await ctx.rec.move(wf, "finish", {
      notify: false,
      details: { outcome: wf.data.outcome, newDeploymentId: wf.data.newDeploymentId, liveDeploymentId: wf.data.liveDeploymentId },
    }),
  );
}
