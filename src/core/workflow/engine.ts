/**
 * The guarded cache-clear / redeploy workflow. Each step is one Railway action followed by one
 * compare-and-set transition in the store (table in states.ts), so concurrent clicks, retried
 * deliveries and several replicas cannot run a step twice, and a crash leaves a row that
 * `recover()` finishes. NO_CACHE is only ever removed if railcache set it.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../log.js";
import { RailwayError, terminalStatuses, type Deployment, type LogLine, type RailwayApi, type VariableTarget } from "../../railway/types.js";
import type { JsonObject, Store } from "../../store/store.js";
import { auditActor, BOT_ACTOR, recordAudit } from "../audit.js";
import { decide, mayConfirm, resolveService, type Policy } from "../policy/policy.js";
import type { Actor, Clock, MessageRef } from "../ports.js";
import type { Reply } from "../reply.js";
import { escapeMentions } from "../text/mentions.js";
import { parseWorkflow, type Person, type Workflow, type WorkflowData } from "./data.js";
import { statusReply, who } from "./messages.js";
import { defaultRetry, describeError, isRailwayHiccup, isTransient, withRetry, type RetryOptions } from "./retry.js";
import { finalStates, nextState, type WorkflowEvent, type WorkflowState } from "./states.js";

export type WorkflowKind = "clear" | "redeploy";

export interface WorkflowTimeouts {
  /** Between two looks at the new deployment. */
  pollMs: number;
  /** From the rebuild request until the build must be past BUILDING; then NO_CACHE is removed anyway. */
  buildMs: number;
  /** After the build, how long to follow the deployment to SUCCESS or failure. */
  deployMs: number;
  /** A workflow being driven holds a lease this long (renewed every poll), so one replica drives it. */
  leaseMs: number;
  /** Ordinary Railway calls. */
  retry: RetryOptions;
  /** Removing NO_CACHE: more patient; if it still fails, the workflow stays unfinished for recovery. */
  restoreRetry: RetryOptions;
}

export const defaultTimeouts: WorkflowTimeouts = {
  pollMs: 5_000,
  buildMs: 45 * 60_000,
  deployMs: 30 * 60_000,
  leaseMs: 60_000,
  retry: defaultRetry,
  restoreRetry: { attempts: 8, baseDelayMs: 2_000, maxDelayMs: 60_000 },
};

/** One change of a workflow's status message. `ref` is where it was posted (null before attachMessage). */
export interface WorkflowUpdate {
  workflowId: string;
  state: WorkflowState;
  reply: Reply;
  ref: MessageRef | null;
}

export interface WorkflowEngineOptions {
  store: Store;
  railway: RailwayApi;
  policy: Policy;
  clock: Clock;
  log: Logger;
  projectId: string;
  /** Called after every step with the new status message; adapters edit `ref` in place. */
  notify?: (update: WorkflowUpdate) => Promise<void>;
  timeouts?: Partial<WorkflowTimeouts>;
  /** Lease holder name; stable per process slot so a restarted bot takes its own workflows back at once. */
  instanceId?: string;
}

export type RequestResult = { ok: true; workflowId: string; reply: Reply } | { ok: false; reply: Reply };
/** `workflowId` on a refusal is a fresh request made in its place (the deployment changed meanwhile). */
export type ConfirmResult = { ok: true; workflowId: string; reply: Reply } | { ok: false; reply: Reply; workflowId?: string };
export type CancelSelector = { workflowId: string } | { service?: string; environment?: string };

const NO_CACHE = "NO_CACHE";
const preBuild = new Set(["QUEUED", "WAITING", "INITIALIZING", "BUILDING", "NEEDS_APPROVAL"]);
/** Allowance for clock skew between railcache and Railway when recognising our own deployment. */
const SKEW_MS = 5 * 60_000;

const personOf = (actor: Actor): Person => ({
  platform: actor.platform,
  userId: actor.userId,
  groups: actor.groups,
  ...(actor.displayName ? { displayName: actor.displayName } : {}),
});
const actorOf = (p: Person): Actor => ({ platform: p.platform, userId: p.userId, groups: p.groups, ...(p.displayName ? { displayName: p.displayName } : {}) });
const errorReply = (title: string, body: string, tone: Reply["tone"] = "error"): Reply => ({ title, body, tone, private: true });

/** Drive outcome of one step: moved on, or stopped (waiting for people, finished, or stuck until recovery). */
type Step = Workflow | null;

export class WorkflowEngine {
  private readonly store: Store;
  private readonly railway: RailwayApi;
  private readonly policy: Policy;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly projectId: string;
  private readonly notifyHook: WorkflowEngineOptions["notify"];
  private readonly t: WorkflowTimeouts;
  private readonly instanceId: string;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(options: WorkflowEngineOptions) {
    this.store = options.store;
    this.railway = options.railway;
    this.policy = options.policy;
    this.clock = options.clock;
    this.log = options.log;
    this.projectId = options.projectId;
    this.notifyHook = options.notify;
    this.t = { ...defaultTimeouts, ...options.timeouts };
    this.instanceId = options.instanceId ?? "local";
  }

  /** Ask for a clear or redeploy: checks policy, Railway, cooldown and the one-per-service lock, then returns the confirmation prompt. */
  async request(input: { actor: Actor; kind: WorkflowKind; service: string; environment?: string }): Promise<RequestResult> {
    const { actor, kind } = input;
    const serviceName = resolveService(this.policy, input.service);
    const environmentName = input.environment ?? this.policy.defaultEnvironment;
    const decision = decide(this.policy, actor, kind, serviceName, environmentName);
    if (!decision.allowed) {
      await this.audit({ event: "workflow.refused", actor: auditActor(actor), service: serviceName, environment: environmentName, details: { kind, reason: decision.reason } });
      return { ok: false, reply: errorReply("Not allowed", decision.reason) };
    }

    let status;
    try {
      status = await withRetry(this.clock, this.t.retry, () => this.railway.projectStatus(this.projectId));
    } catch (error) {
      this.log.warn({ event: "workflow.request_failed", err: error, service: serviceName }, "could not read the project from Railway");
      return { ok: false, reply: errorReply("Railway did not answer", `Could not look up \`${escapeMentions(serviceName)}\`: ${describeError(error)}`) };
    }
    const instance = status.instances.find(
      (i) => i.serviceName.toLowerCase() === serviceName.toLowerCase() && i.environmentName.toLowerCase() === environmentName.toLowerCase(),
    );
    if (!instance) {
      const services = [...new Set(status.instances.map((i) => i.serviceName))].sort();
      const envs = status.environments.map((e) => e.name).sort();
      return {
        ok: false,
        reply: errorReply(
          "No such service",
          `There is no service \`${escapeMentions(serviceName)}\` in environment \`${escapeMentions(environmentName)}\` of ${escapeMentions(status.projectName)}. Services: ${services.join(", ") || "none"}. Environments: ${envs.join(", ") || "none"}.`,
        ),
      };
    }
    const latest = instance.latestDeployment;
    if (!latest) {
      return { ok: false, reply: errorReply("Nothing to rebuild", `\`${instance.serviceName}\` has never been deployed in ${instance.environmentName}: deploy it once first.`) };
    }

    const lockKey = `${this.projectId}:${instance.environmentId}:${instance.serviceId}`;
    const cooldown = await this.store.cooldownUntil(lockKey);
    if (cooldown !== null) {
      const seconds = Math.ceil((cooldown - this.clock.now()) / 1000);
      return { ok: false, reply: errorReply("Too soon", `\`${instance.serviceName}\` (${instance.environmentName}) was rebuilt a moment ago. Try again in ${seconds} s.`, "warning") };
    }

    const data: WorkflowData = {
      kind,
      projectId: this.projectId,
      serviceId: instance.serviceId,
      serviceName: instance.serviceName,
      environmentId: instance.environmentId,
      environmentName: instance.environmentName,
      requester: personOf(actor),
      approval: decision.approval,
      approvers: decision.approvers ?? null,
      base: {
        deploymentId: latest.id,
        createdAt: latest.createdAt,
        status: latest.status,
        commitHash: latest.commitHash ?? null,
        commitMessage: latest.commitMessage ?? null,
        image: latest.image ?? null,
      },
      confirmedBy: null,
      confirmedAt: null,
      noCachePreexisting: null,
      rebuildRequestedAt: null,
      newDeploymentId: null,
      sawBuilding: false,
      failure: null,
      finalStatus: null,
      restoreError: null,
      outcome: null,
      reason: null,
    };
    const id = randomUUID();
    const now = this.clock.now();
    const row = { id, kind, state: "requested", lockKey, createdAt: now, expiresAt: null, data: data as unknown as JsonObject };
    let created = await this.store.createWorkflow(row);
    if (!created.created) {
      // The lock holder may be a prompt nobody answered in time: expire it and try once more.
      const holder = await this.load(created.conflictId);
      if (holder && (await this.expireIfOverdue(holder))) created = await this.store.createWorkflow(row);
    }
    if (!created.created) {
      const holder = await this.load(created.conflictId);
      const what = holder ? `${holder.data.kind === "clear" ? "A cache clear" : "A redeploy"} asked by ${who(holder.data.requester)} is ${holder.state === "awaiting_confirmation" ? "waiting for confirmation" : "running"}` : "Another workflow is running";
      return { ok: false, reply: errorReply("Already in progress", `${what} on \`${instance.serviceName}\` (${instance.environmentName}). One at a time per service.`, "warning") };
    }
    const asked = await this.move(parseWorkflow({ ...row, updatedAt: now }), "ask", {
      actor: auditActor(actor),
      expiresAt: now + this.policy.confirmationTtlMs,
      notify: false,
      details: { commit: data.base.commitHash, approval: data.approval },
    });
    if (!asked) return { ok: false, reply: errorReply("Something changed", "The request changed while it was being made. Ask again.") };
    return { ok: true, workflowId: id, reply: statusReply(asked, this.clock.now()) };
  }

  /** Confirm a prompt. Single-use, bound to the requester or an allowed second approver, refused when expired or stale. Starts the run. */
  async confirm(workflowId: string, actor: Actor): Promise<ConfirmResult> {
    const wf = await this.load(workflowId);
    if (!wf) return { ok: false, reply: errorReply("Unknown request", "This confirmation does not exist (any more).") };
    if (wf.state !== "awaiting_confirmation") return { ok: false, reply: this.notPending(wf) };
    if (await this.expireIfOverdue(wf)) {
      return { ok: false, reply: errorReply("Expired", "This confirmation expired before it was confirmed. Nothing was changed; ask again.", "warning") };
    }
    const check = mayConfirm(wf.data.approval, wf.data.approvers ?? undefined, wf.data.requester, actor);
    if (!check.ok) {
      await this.audit({ event: "workflow.confirm_refused", workflowId, actor: auditActor(actor), wf, details: { reason: check.reason } });
      return { ok: false, reply: errorReply("Not yours to confirm", check.reason, "warning") };
    }
    const confirmed = await this.move(wf, "confirm", { actor: auditActor(actor), data: { confirmedBy: personOf(actor), confirmedAt: this.clock.now() }, expiresAt: null });
    if (!confirmed) {
      const now = await this.load(workflowId);
      return { ok: false, reply: now ? this.notPending(now) : errorReply("Unknown request", "This confirmation does not exist.") };
    }

    // Bound to the deployment seen when asked: if a newer one appeared, ask again instead.
    let latest: Deployment | null;
    try {
      latest = await this.latestDeployment(confirmed);
    } catch (error) {
      this.start(confirmed.id, { failure: `could not check the current deployment: ${describeError(error)}` });
      return { ok: false, reply: errorReply("Railway did not answer", `Could not check the current deployment: ${describeError(error)}. Nothing was changed.`) };
    }
    if (latest && latest.id !== confirmed.data.base.deploymentId) {
      const reason = `A newer deployment (\`${latest.id.slice(0, 8)}\`${latest.commitHash ? `, commit \`${latest.commitHash.slice(0, 7)}\`` : ""}) appeared after this was asked, so this confirmation no longer applies.`;
      await this.move(confirmed, "stale", { actor: BOT_ACTOR, data: { reason }, details: { latestDeploymentId: latest.id } });
      const again = await this.request({ actor: actorOf(confirmed.data.requester), kind: confirmed.data.kind, service: confirmed.data.serviceName, environment: confirmed.data.environmentName });
      const reply = { ...again.reply, body: `${reason} Please confirm again.\n\n${again.reply.body}` };
      return again.ok ? { ok: false, reply, workflowId: again.workflowId } : { ok: false, reply };
    }
    this.start(confirmed.id);
    return { ok: true, workflowId, reply: statusReply(confirmed, this.clock.now()) };
  }

  /** Cancel a pending prompt: by the requester, or declined by someone who could have approved it. Running workflows cannot be cancelled. */
  async cancel(selector: CancelSelector, actor: Actor): Promise<Reply> {
    let wf: Workflow | null;
    if ("workflowId" in selector) {
      wf = await this.load(selector.workflowId);
    } else {
      const pending = (await this.unfinished()).filter(
        (w) =>
          w.state === "awaiting_confirmation" &&
          (!selector.service || w.data.serviceName.toLowerCase() === resolveService(this.policy, selector.service).toLowerCase()) &&
          (!selector.environment || w.data.environmentName.toLowerCase() === selector.environment.toLowerCase()),
      );
      wf = pending.find((w) => w.data.requester.platform === actor.platform && w.data.requester.userId === actor.userId) ?? (pending.length === 1 ? (pending[0] ?? null) : null);
      if (!wf) return errorReply("Nothing to cancel", pending.length ? "Several requests are pending: name the service." : "You have no pending clear or redeploy.", "info");
    }
    if (!wf) return errorReply("Unknown request", "This request does not exist (any more).");
    if (wf.state !== "awaiting_confirmation") {
      return finalStates.has(wf.state) ? this.notPending(wf) : errorReply("Already running", "It is already running and cannot be cancelled halfway: railcache finishes it and removes `NO_CACHE` either way.", "warning");
    }
    const isRequester = wf.data.requester.platform === actor.platform && wf.data.requester.userId === actor.userId;
    if (isRequester) {
      const done = await this.move(wf, "cancel", { actor: auditActor(actor), data: { reason: `cancelled by ${who(personOf(actor))}` } });
      return done ? statusReply(done, this.clock.now()) : this.notPending((await this.load(wf.id)) ?? wf);
    }
    if (wf.data.approval === "second_person" && mayConfirm("second_person", wf.data.approvers ?? undefined, wf.data.requester, actor).ok) {
      const done = await this.move(wf, "deny", { actor: auditActor(actor), data: { reason: `declined by ${who(personOf(actor))}` } });
      return done ? statusReply(done, this.clock.now()) : this.notPending((await this.load(wf.id)) ?? wf);
    }
    return errorReply("Not yours to cancel", `Only ${who(wf.data.requester)}${wf.data.approval === "second_person" ? " or an approver" : ""} can cancel this.`, "warning");
  }

  /** Remember where the status message of a workflow was posted, so later steps edit it. */
  async attachMessage(workflowId: string, ref: MessageRef): Promise<void> {
    await this.store.setMessageRef(workflowId, { ...ref });
  }

  async get(workflowId: string): Promise<Workflow | null> {
    return this.load(workflowId);
  }

  /** Waits until the workflow stops moving (finished, waiting for people, or stuck until recovery) and returns it. */
  async settled(workflowId: string): Promise<Workflow | null> {
    await this.running.get(workflowId);
    return this.load(workflowId);
  }

  /** Waits for every workflow this engine is driving. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  /**
   * Shutdown: stops waiting on builds and deployments after the current call, leaving each
   * workflow in its persisted state for `recover()` on the next start (or another replica once
   * the lease lapses). A cache clear can take many minutes; SIGTERM must not.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  /** Expires every prompt whose time is up (call it now and then; `recover` does too). Returns their ids. */
  async expireOverdue(): Promise<string[]> {
    const expired: string[] = [];
    for (const wf of await this.unfinished()) if (await this.expireIfOverdue(wf)) expired.push(wf.id);
    return expired;
  }

  /**
   * On start-up: expires stale prompts and resumes or cleans up every workflow a crash left
   * unfinished. Nothing started before a crash is rebuilt twice; NO_CACHE is removed if it is ours.
   */
  async recover(): Promise<{ resumed: string[]; expired: string[] }> {
    const expired = await this.expireOverdue();
    const resumed: string[] = [];
    for (const wf of await this.unfinished()) {
      if (wf.state === "awaiting_confirmation" || this.running.has(wf.id)) continue;
      if (wf.state === "requested") {
        await this.move(wf, "expire", { actor: BOT_ACTOR, data: { reason: "railcache restarted before the confirmation was asked." } });
        expired.push(wf.id);
        continue;
      }
      await this.audit({ event: "workflow.recovering", workflowId: wf.id, actor: BOT_ACTOR, wf, details: { state: wf.state } });
      this.start(wf.id, { recovering: true });
      resumed.push(wf.id);
    }
    return { resumed, expired };
  }

  // ---- driving ----

  private start(id: string, options: { recovering?: boolean; failure?: string } = {}): void {
    if (this.running.has(id)) return;
    const run = this.drive(id, options)
      .catch((error: unknown) => this.log.error({ event: "workflow.crashed", workflowId: id, err: error }, "workflow driver failed; recovery will resume it"))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async drive(id: string, options: { recovering?: boolean; failure?: string }): Promise<void> {
    const lease = `workflow:${id}`;
    if (!(await this.store.acquireLease(lease, this.instanceId, this.t.leaseMs))) {
      this.log.info({ event: "workflow.leased_elsewhere", workflowId: id }, "another railcache instance is driving this workflow");
      return;
    }
    try {
      let wf = await this.load(id);
      let recovering = options.recovering ?? false;
      if (wf && options.failure) wf = await this.failAndRestore(wf, options.failure);
      while (wf && !finalStates.has(wf.state) && wf.state !== "awaiting_confirmation") {
        wf = await this.step(wf, recovering);
        recovering = false;
      }
    } finally {
      await this.store.releaseLease(lease, this.instanceId);
    }
  }

  /** Performs the action of the current state and moves on; null when the workflow must stop here. */
  private async step(wf: Workflow, recovering: boolean): Promise<Step> {
    // A failure whose NO_CACHE removal did not go through (Railway outage): finish the removal first.
    if (wf.data.failure && (wf.state === "confirmed" || wf.state === "no_cache_set" || wf.state === "rebuild_triggered" || wf.state === "building")) {
      return this.restore(wf, wf.data.failure, {});
    }
    switch (wf.state) {
      case "confirmed":
        if (recovering) return this.adoptOrAbandon(wf);
        return wf.data.kind === "clear" ? this.setNoCache(wf) : this.triggerRebuild(wf);
      case "no_cache_set":
        return recovering ? this.adoptOrAbandon(wf) : this.triggerRebuild(wf);
      case "rebuild_triggered":
      case "building":
        return this.watchBuild(wf);
      case "no_cache_removed":
        return this.watchDeployment(wf);
      case "deployed":
      case "failed":
      case "image_reused":
        return this.finish(wf);
      default:
        return null;
    }
  }

  private async setNoCache(wf: Workflow): Promise<Step> {
    try {
      let current = wf;
      if (current.data.noCachePreexisting === null) {
        const names = await this.call(() => this.railway.variableNames(this.target(wf)));
        // Recorded before the upsert: after a crash, a NO_CACHE we find is known to be ours.
        const recorded = await this.patch(current, { noCachePreexisting: names.includes(NO_CACHE) });
        if (!recorded) return null;
        current = recorded;
      }
      if (!current.data.noCachePreexisting) {
        await this.call(() => this.railway.upsertVariable(this.target(wf), NO_CACHE, "1", { skipDeploys: true }));
      }
      return this.move(current, "set_no_cache", { details: { preexisting: current.data.noCachePreexisting } });
    } catch (error) {
      return this.failAndRestore(wf, `could not set NO_CACHE: ${describeError(error)}`);
    }
  }

  private async triggerRebuild(wf: Workflow): Promise<Step> {
    const requested = await this.patch(wf, { rebuildRequestedAt: this.clock.now() });
    if (!requested) return null;
    const { base } = wf.data;
    const retry = this.t.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        // A rebuild from source of the commit running now; redeploy by id only for image sources.
        const newId = base.commitHash
          ? await this.railway.deployFromSource({ serviceId: wf.data.serviceId, environmentId: wf.data.environmentId, commitSha: base.commitHash })
          : await this.railway.redeploy(base.deploymentId, { usePreviousImageTag: false });
        return this.move(requested, "trigger", { data: { newDeploymentId: newId }, details: { newDeploymentId: newId, commit: base.commitHash, baseDeploymentId: base.deploymentId } });
      } catch (error) {
        const unknown = error instanceof RailwayError && error.outcomeUnknown;
        if (!unknown && (!isTransient(error) || attempt >= retry.attempts)) return this.failAndRestore(requested, `Railway did not start the rebuild: ${describeError(error)}`);
        await this.clock.sleep(Math.max(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)), error instanceof RailwayError ? (error.retryAfterMs ?? 0) : 0));
        // A timeout or 5xx may have started the rebuild anyway: look before asking again, never rebuild twice.
        if (unknown) {
          let adopted: string | null;
          try {
            adopted = await this.findOurDeployment(requested);
          } catch (lookError) {
            return this.failAndRestore(requested, `Railway did not confirm the rebuild and could not be checked: ${describeError(lookError)}`);
          }
          if (adopted) return this.move(requested, "trigger", { data: { newDeploymentId: adopted }, details: { newDeploymentId: adopted, adopted: true } });
          if (attempt >= retry.attempts) return this.failAndRestore(requested, `Railway did not start the rebuild: ${describeError(error)}`);
        }
      }
    }
  }

  /** After a crash before the rebuild was known: take over the rebuild if one was started, else clean up. */
  private async adoptOrAbandon(wf: Workflow): Promise<Step> {
    if (wf.data.rebuildRequestedAt !== null) {
      try {
        const adopted = await this.findOurDeployment(wf);
        if (adopted) return this.move(wf, "trigger", { data: { newDeploymentId: adopted }, details: { newDeploymentId: adopted, adopted: true } });
      } catch (error) {
        return this.failAndRestore(wf, `railcache restarted and could not check whether the rebuild started: ${describeError(error)}`);
      }
    }
    return this.failAndRestore(wf, "railcache restarted before the rebuild started, so nothing was rebuilt. Ask again");
  }

  private async watchBuild(wf: Workflow): Promise<Step> {
    let current = wf;
    const deadline = (wf.data.rebuildRequestedAt ?? this.clock.now()) + this.t.buildMs;
    for (;;) {
      if (this.stopping || !(await this.renew(current))) return null;
      let deployment: Deployment;
      try {
        deployment = await this.call(() => this.railway.deployment(current.data.newDeploymentId as string));
      } catch (error) {
        return this.failAndRestore(current, `lost track of the rebuild: ${describeError(error)}`);
      }
      if (deployment.status === "BUILDING" && current.state === "rebuild_triggered") {
        const moved = await this.move(current, "build_started", { data: { sawBuilding: true } });
        if (!moved) return null;
        current = moved;
      }
      if (!preBuild.has(deployment.status)) return this.restore(current, null, { finalStatus: terminalStatuses.has(deployment.status) ? deployment.status : null });
      if (this.clock.now() >= deadline) {
        return this.failAndRestore(current, `the build was still ${deployment.status} after ${Math.round(this.t.buildMs / 60_000)} min; railcache stopped waiting (the deployment may still finish in Railway)`);
      }
      await this.clock.sleep(this.t.pollMs);
    }
  }

  private async watchDeployment(wf: Workflow): Promise<Step> {
    if (wf.data.failure || !wf.data.newDeploymentId) {
      return this.move(wf, "fail", { data: { outcome: "failed" }, logTail: await this.logTail(wf, null) });
    }
    const deadline = this.clock.now() + this.t.deployMs;
    for (;;) {
      if (this.stopping || !(await this.renew(wf))) return null;
      let deployment: Deployment;
      try {
        deployment = await this.call(() => this.railway.deployment(wf.data.newDeploymentId as string));
      } catch (error) {
        return this.move(wf, "fail", { data: { outcome: "failed", failure: `lost track of the deployment: ${describeError(error)}` } });
      }
      if (terminalStatuses.has(deployment.status)) {
        // Build logs are the evidence that a build ran; seeing BUILDING only counts when they cannot be read.
        const logs = await this.call(() => this.railway.buildLogs(deployment.id, 5)).catch(() => null);
        const built = logs ? logs.length > 0 : wf.data.sawBuilding;
        const details = { newDeploymentId: deployment.id, status: deployment.status, built, sawBuilding: wf.data.sawBuilding };
        if (deployment.status === "SUCCESS") {
          return built
            ? this.move(wf, "succeed", { data: { outcome: "deployed", finalStatus: deployment.status }, details })
            : this.move(wf, "reuse", { data: { outcome: "image_reused", finalStatus: deployment.status }, details });
        }
        const failure = `the deployment ended ${deployment.status}${built ? "" : " (and no build ran: Railway reused the image, so the cache was not cleared)"}`;
        return this.move(wf, "fail", { data: { outcome: "failed", finalStatus: deployment.status, failure }, details, logTail: await this.logTail(wf, deployment.status) });
      }
      if (this.clock.now() >= deadline) {
        const failure = `the deployment was still ${deployment.status} after ${Math.round(this.t.deployMs / 60_000)} min; railcache stopped watching (see Railway)`;
        return this.move(wf, "fail", { data: { outcome: "failed", failure }, details: { status: deployment.status } });
      }
      await this.clock.sleep(this.t.pollMs);
    }
  }

  private async finish(wf: Workflow): Promise<Step> {
    if (wf.data.newDeploymentId) await this.store.setCooldown(this.lockKey(wf), this.clock.now() + this.policy.cooldownMs);
    return this.move(wf, "finish", { notify: false, details: { outcome: wf.data.outcome, newDeploymentId: wf.data.newDeploymentId } });
  }

  private failAndRestore(wf: Workflow, failure: string): Promise<Step> {
    this.log.warn({ event: "workflow.failing", workflowId: wf.id, state: wf.state, failure }, "workflow failing; restoring NO_CACHE");
    return this.restore(wf, failure, {});
  }

  /** Puts NO_CACHE back the way it was, then moves on; if Railway keeps refusing, stays put for recovery. */
  private async restore(wf: Workflow, failure: string | null, extra: Partial<WorkflowData>): Promise<Step> {
    const owned = wf.data.kind === "clear" && wf.data.noCachePreexisting === false;
    let removed = false;
    if (owned) {
      try {
        // Re-reads the names on every attempt: a delete whose answer was lost may have worked.
        removed = await withRetry(
          this.clock,
          this.t.restoreRetry,
          async () => {
            const names = await this.railway.variableNames(this.target(wf));
            if (!names.includes(NO_CACHE)) return false;
            await this.railway.deleteVariable(this.target(wf), NO_CACHE);
            return true;
          },
          (error, attempt) => this.log.warn({ event: "workflow.restore_retry", workflowId: wf.id, attempt, err: error }, "removing NO_CACHE failed; retrying"),
          isRailwayHiccup,
        );
      } catch (error) {
        const restoreError = describeError(error);
        this.log.error({ event: "workflow.restore_failed", workflowId: wf.id, err: error }, "could not remove NO_CACHE; recovery will retry");
        await this.audit({ event: "workflow.restore_failed", workflowId: wf.id, actor: BOT_ACTOR, wf, details: { error: restoreError } });
        const stuck = await this.patch(wf, { restoreError, ...(failure ? { failure } : {}) });
        if (stuck) await this.notify(stuck);
        return null;
      }
    }
    return this.move(wf, "restore", { data: { ...extra, failure, restoreError: null }, details: { noCacheRemoved: removed, failure } });
  }

  // ---- helpers ----

  /** Moves along the table with compare-and-set; audits and updates the status message. Null when another actor moved it first. */
  private async move(
    wf: Workflow,
    event: WorkflowEvent,
    options: { actor?: string; data?: Partial<WorkflowData>; expiresAt?: number | null; details?: JsonObject; notify?: boolean; logTail?: LogLine[] } = {},
  ): Promise<Workflow | null> {
    const to = nextState(wf.state, event);
    if (!to) throw new Error(`workflow ${wf.id}: no transition "${event}" from ${wf.state}`);
    const patch = { data: (options.data ?? {}) as JsonObject, releaseLock: finalStates.has(to), ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}) };
    if (!(await this.store.transition(wf.id, wf.state, to, patch))) return null;
    const moved: Workflow = {
      ...wf,
      state: to,
      updatedAt: this.clock.now(),
      expiresAt: options.expiresAt === undefined ? wf.expiresAt : options.expiresAt,
      data: { ...wf.data, ...options.data },
    };
    this.log.info({ event: "workflow.step", workflowId: wf.id, step: event, from: wf.state, to, service: wf.data.serviceName, environment: wf.data.environmentName });
    await this.audit({
      event: `workflow.${event}`,
      workflowId: wf.id,
      actor: options.actor ?? BOT_ACTOR,
      wf: moved,
      details: { from: wf.state, to, kind: wf.data.kind, ...this.auditIds(moved), ...(options.details ?? {}) },
    });
    if (options.notify !== false) await this.notify(moved, options.logTail);
    return moved;
  }

  /** Updates data without changing state, guarded like a transition. */
  private async patch(wf: Workflow, data: Partial<WorkflowData>): Promise<Workflow | null> {
    if (!(await this.store.transition(wf.id, wf.state, wf.state, { data: data as JsonObject }))) return null;
    return { ...wf, data: { ...wf.data, ...data } };
  }

  private async expireIfOverdue(wf: Workflow): Promise<boolean> {
    if (wf.state !== "awaiting_confirmation" || wf.expiresAt === null || wf.expiresAt > this.clock.now()) return false;
    return (await this.move(wf, "expire", { actor: BOT_ACTOR, data: { reason: "The confirmation expired." } })) !== null;
  }

  private notPending(wf: Workflow): Reply {
    const d = wf.data;
    switch (wf.state) {
      case "expired":
        return errorReply("Expired", `${d.reason ?? "This confirmation expired."} Nothing was changed; ask again.`, "warning");
      case "cancelled":
      case "denied":
        return errorReply(wf.state === "cancelled" ? "Cancelled" : "Declined", `This request was ${d.reason ?? wf.state}.`, "info");
      default:
        return errorReply("Already confirmed", `Already confirmed${d.confirmedBy ? ` by ${who(d.confirmedBy)}` : ""}; it runs once.`, "info");
    }
  }

  private async latestDeployment(wf: Workflow): Promise<Deployment | null> {
    const status = await this.call(() => this.railway.projectStatus(this.projectId));
    const instance = status.instances.find((i) => i.serviceId === wf.data.serviceId && i.environmentId === wf.data.environmentId);
    return instance?.latestDeployment ?? null;
  }

  /** The deployment our rebuild request created, if Railway made one (recognised by time and id). */
  private async findOurDeployment(wf: Workflow): Promise<string | null> {
    const latest = await this.latestDeployment(wf);
    if (!latest || latest.id === wf.data.base.deploymentId || wf.data.rebuildRequestedAt === null) return null;
    return Date.parse(latest.createdAt) >= wf.data.rebuildRequestedAt - SKEW_MS ? latest.id : null;
  }

  private async logTail(wf: Workflow, status: string | null): Promise<LogLine[]> {
    const id = wf.data.newDeploymentId;
    if (!id) return [];
    const build = () => this.railway.buildLogs(id, 15);
    const deploy = () => this.railway.deploymentLogs(id, 15);
    const [first, second] = status === "CRASHED" ? [deploy, build] : [build, deploy];
    try {
      const lines = await this.call(first);
      return lines.length ? lines : await this.call(second);
    } catch {
      return [];
    }
  }

  private async renew(wf: Workflow): Promise<boolean> {
    const held = await this.store.acquireLease(`workflow:${wf.id}`, this.instanceId, this.t.leaseMs);
    if (!held) this.log.warn({ event: "workflow.lease_lost", workflowId: wf.id }, "another instance took this workflow over");
    return held;
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(this.clock, this.t.retry, fn, (error, attempt) =>
      this.log.warn({ event: "railway.retry", attempt, kind: error instanceof RailwayError ? error.kind : "unknown" }, "Railway call failed; retrying"),
    );
  }

  private async notify(wf: Workflow, logTail: LogLine[] = []): Promise<void> {
    if (!this.notifyHook) return;
    try {
      const ref = (await this.store.getMessageRef(wf.id)) as MessageRef | null;
      await this.notifyHook({ workflowId: wf.id, state: wf.state, reply: statusReply(wf, this.clock.now(), logTail), ref });
    } catch (error) {
      // A chat outage must not stop a workflow that is restoring NO_CACHE.
      this.log.warn({ event: "workflow.notify_failed", workflowId: wf.id, err: error }, "could not update the status message");
    }
  }

  private async audit(input: { event: string; workflowId?: string; actor: string; wf?: Workflow; service?: string; environment?: string; details?: JsonObject }): Promise<void> {
    await recordAudit(this.store, this.clock.now(), {
      event: input.event,
      workflowId: input.workflowId ?? null,
      actor: input.actor,
      service: input.wf?.data.serviceName ?? input.service ?? null,
      environment: input.wf?.data.environmentName ?? input.environment ?? null,
      details: input.details ?? {},
    });
  }

  private auditIds(wf: Workflow): JsonObject {
    return {
      serviceId: wf.data.serviceId,
      environmentId: wf.data.environmentId,
      baseDeploymentId: wf.data.base.deploymentId,
      ...(wf.data.newDeploymentId ? { newDeploymentId: wf.data.newDeploymentId } : {}),
    };
  }

  private async load(id: string): Promise<Workflow | null> {
    const row = await this.store.getWorkflow(id);
    return row ? parseWorkflow(row) : null;
  }

  private async unfinished(): Promise<Workflow[]> {
    const out: Workflow[] = [];
    for (const row of await this.store.listUnfinished()) {
      try {
        out.push(parseWorkflow(row));
      } catch (error) {
        this.log.error({ event: "workflow.unreadable", workflowId: row.id, err: error }, "skipping a workflow this version cannot read");
      }
    }
    return out;
  }

  private target(wf: Workflow): VariableTarget {
    return { projectId: wf.data.projectId, environmentId: wf.data.environmentId, serviceId: wf.data.serviceId };
  }

  private lockKey(wf: Workflow): string {
    return `${wf.data.projectId}:${wf.data.environmentId}:${wf.data.serviceId}`;
  }
}
