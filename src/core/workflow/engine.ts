/**
 * The guarded cache-clear / redeploy workflow: the public calls (request, confirm, cancel) and
 * the driver. Each running state has one action (actions.ts) followed by compare-and-set
 * transitions in the store (table in states.ts), so concurrent clicks, retried deliveries and
 * several replicas cannot run a step twice, and a crash leaves a row whose state says what to
 * do next. A driver holds a lease named after the workflow; the lease holder is the instance
 * id, stable across restarts, so a restarted bot takes its own workflows back at once, and any
 * replica's housekeeping adopts a workflow whose lease ran out. NO_CACHE is only ever removed
 * if railcache set it.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../../log.js";
import type { Deployment, RailwayApi } from "../ports/railway.js";
import type { JsonObject, Store } from "../ports/store.js";
import { auditActor, BOT_ACTOR } from "../audit.js";
import { decide, mayConfirm, unaliasService, type Policy } from "../policy/policy.js";
import type { Actor, MessageRef, Outbox } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import type { Reply } from "../reply.js";
import { actions, defaultTimeouts, type ActionContext, type WorkflowTimeouts } from "./actions.js";
import { parseWorkflow, workflowDataSchema, type Person, type Workflow, type WorkflowData } from "./data.js";
import { workflowStatusReply, who } from "./messages.js";
import { WorkflowRecorder, type WorkflowUpdate } from "./recorder.js";
import { failurePhrase as describeError } from "../errors.js";
import { serviceLockKey } from "./no-cache.js";
import { finalStates } from "./states.js";

export type { WorkflowTimeouts } from "./actions.js";
export type { WorkflowUpdate } from "./recorder.js";

export type WorkflowKind = "clear" | "redeploy";

export interface WorkflowEngineOptions {
  store: Store;
  railway: RailwayApi;
  policy: Policy;
  clock: Clock;
  log: Logger;
  projectId: string;
  /**
   * Where the status message is edited after every step, and where an alert is posted next to it
   * (NO_CACHE could not be removed for minutes): the messenger registry the watcher uses too.
   */
  outbox?: Outbox;
  /** Called after every step with the new status (metrics, the warning card a clear resolves). */
  onStep?: (update: WorkflowUpdate) => Promise<void>;
  timeouts?: Partial<WorkflowTimeouts>;
  /**
   * Lease holder name. Stable across restarts (persisted beside the store, or configured), so a
   * restarted bot takes its own workflows back at once. Two live processes must never share one.
   */
  instanceId?: string;
}

export type RequestResult = { ok: true; workflowId: string; reply: Reply } | { ok: false; reply: Reply };
/** `workflowId` on a refusal is a fresh request made in its place (the deployment changed meanwhile). */
export type ConfirmResult = { ok: true; workflowId: string; reply: Reply } | { ok: false; reply: Reply; workflowId?: string };
export type CancelSelector = { workflowId: string } | { service?: string; environment?: string };

/** Real time after which a driver that has not finished its action or wait is considered hung. */
const HUNG_DRIVER_MS = 15 * 60_000;

/** A `requested` row younger than this may be a request another replica is making right now. */
const REQUEST_IN_FLIGHT_MS = 60_000;

const personOf = (actor: Actor): Person => ({
  platform: actor.platform,
  userId: actor.userId,
  groups: actor.groups,
  ...(actor.displayName ? { displayName: actor.displayName } : {}),
});
const actorOf = (p: Person): Actor => ({ platform: p.platform, userId: p.userId, groups: p.groups, ...(p.displayName ? { displayName: p.displayName } : {}) });
const errorReply = (title: string, body: string, tone: Reply["tone"] = "error"): Reply => ({ title, body, tone, private: true });

export class WorkflowEngine {
  private readonly store: Store;
  private readonly railway: RailwayApi;
  private readonly policy: Policy;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly projectId: string;
  private readonly t: WorkflowTimeouts;
  private readonly instanceId: string;
  private readonly rec: WorkflowRecorder;
  private readonly ctx: ActionContext;
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  /** Resolves the current waits early on stop(), so shutdown never sits out a long poll. */
  private wake: () => void = () => {};
  private woken: Promise<void>;

  constructor(options: WorkflowEngineOptions) {
    this.store = options.store;
    this.railway = options.railway;
    this.policy = options.policy;
    this.clock = options.clock;
    this.log = options.log;
    this.projectId = options.projectId;
    this.t = { ...defaultTimeouts, ...options.timeouts };
    this.instanceId = options.instanceId ?? "local";
    this.rec = new WorkflowRecorder({
      store: this.store,
      clock: this.clock,
      log: this.log,
      ...(options.outbox ? { outbox: options.outbox } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
    this.ctx = { rec: this.rec, railway: this.railway, store: this.store, policy: this.policy, clock: this.clock, log: this.log, t: this.t };
    this.woken = new Promise((resolve) => (this.wake = resolve));
  }

  /** Ask for a clear or redeploy: checks policy, Railway, cooldown and the one-per-service lock, then returns the confirmation prompt. */
  async request(input: { actor: Actor; kind: WorkflowKind; service: string; environment?: string }): Promise<RequestResult> {
    const { actor, kind } = input;
    const serviceName = unaliasService(this.policy, input.service);
    const environmentName = input.environment ?? this.policy.defaultEnvironment;
    const decision = decide(this.policy, actor, kind, serviceName, environmentName);
    if (!decision.allowed) {
      await this.rec.audit(
        null,
        "workflow.refused",
        auditActor(actor),
        { kind, reason: decision.reason },
        { service: serviceName, environment: environmentName },
      );
      return { ok: false, reply: errorReply("Not allowed", decision.reason) };
    }

    let status;
    try {
      status = await this.railway.projectStatus(this.projectId);
    } catch (error) {
      this.log.warn({ event: "workflow.request_failed", err: error, service: serviceName }, "could not read the project from Railway");
      return { ok: false, reply: errorReply("Railway did not answer", `Could not look up \`${serviceName}\`: ${describeError(error)}`) };
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
          `There is no service \`${serviceName}\` in environment \`${environmentName}\` of ${status.projectName}. Services: ${services.join(", ") || "none"}. Environments: ${envs.join(", ") || "none"}.`,
        ),
      };
    }
    const latest = instance.latestDeployment;
    if (!latest) {
      return {
        ok: false,
        reply: errorReply("Nothing to rebuild", `\`${instance.serviceName}\` has never been deployed in ${instance.environmentName}: deploy it once first.`),
      };
    }

    const lockKey = serviceLockKey(this.projectId, instance.environmentId, instance.serviceId);
    const cooldown = await this.store.cooldownUntil(lockKey);
    if (cooldown !== null) {
      const seconds = Math.ceil((cooldown - this.clock.now()) / 1000);
      return {
        ok: false,
        reply: errorReply(
          "Too soon",
          `\`${instance.serviceName}\` (${instance.environmentName}) was rebuilt a moment ago. Try again in ${seconds} s.`,
          "warning",
        ),
      };
    }

    // Everything not known yet takes its schema default (null, 0, false).
    const data: WorkflowData = workflowDataSchema.parse({
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
    });
    const id = randomUUID();
    const now = this.clock.now();
    const row = { id, kind, state: "requested", lockKey, createdAt: now, expiresAt: null, data: data as unknown as JsonObject };
    let created = await this.store.createWorkflow(row);
    if (!created.created) {
      // The lock holder may be a prompt nobody answered in time: expire it and try once more.
      const holder = await this.rec.load(created.conflictId);
      if (holder && (await this.expireIfOverdue(holder))) created = await this.store.createWorkflow(row);
    }
    if (!created.created) {
      const holder = await this.rec.load(created.conflictId);
      const what = holder
        ? `${holder.data.kind === "clear" ? "A cache clear" : "A redeploy"} asked by ${who(holder.data.requester)} is ${holder.state === "awaiting_confirmation" ? "waiting for confirmation" : "running"}`
        : "Another workflow is running";
      return {
        ok: false,
        reply: errorReply("Already in progress", `${what} on \`${instance.serviceName}\` (${instance.environmentName}). One at a time per service.`, "warning"),
      };
    }
    const asked = await this.rec.move(parseWorkflow({ ...row, updatedAt: now }), "ask", {
      actor: auditActor(actor),
      expiresAt: now + this.policy.confirmationTtlMs,
      notify: false,
      details: { commit: data.base.commitHash, approval: data.approval },
    });
    if (!asked) return { ok: false, reply: errorReply("Something changed", "The request changed while it was being made. Ask again.") };
    return { ok: true, workflowId: id, reply: workflowStatusReply(asked, this.clock.now()) };
  }

  /** Confirm a prompt. Single-use, bound to the requester or an allowed second approver, refused when expired or stale. Starts the run. */
  async confirm(workflowId: string, actor: Actor): Promise<ConfirmResult> {
    const wf = await this.rec.load(workflowId);
    if (!wf) return { ok: false, reply: errorReply("Unknown request", "This confirmation does not exist (any more).") };
    if (wf.state !== "awaiting_confirmation") return { ok: false, reply: this.notPending(wf) };
    if (await this.expireIfOverdue(wf)) {
      return { ok: false, reply: errorReply("Expired", "This confirmation expired before it was confirmed. Nothing was changed; ask again.", "warning") };
    }
    const check = mayConfirm(wf.data.approval, wf.data.approvers ?? undefined, wf.data.requester, actor);
    if (!check.ok) {
      await this.rec.audit(wf, "workflow.confirm_refused", auditActor(actor), { reason: check.reason });
      return { ok: false, reply: errorReply("Not yours to confirm", check.reason, "warning") };
    }
    // The caller shows the returned reply in place of the prompt: that is this transition's one edit.
    const confirmed = await this.rec.move(wf, "confirm", {
      actor: auditActor(actor),
      data: { confirmedBy: personOf(actor), confirmedAt: this.clock.now() },
      expiresAt: null,
      notify: false,
    });
    if (!confirmed) {
      const now = await this.rec.load(workflowId);
      return { ok: false, reply: now ? this.notPending(now) : errorReply("Unknown request", "This confirmation does not exist.") };
    }

    // Bound to the deployment seen when asked: if a newer one appeared, ask again instead.
    let latest: Deployment | null;
    try {
      latest = await this.latestDeployment(confirmed);
    } catch (error) {
      const failure = `could not check the current deployment: ${describeError(error)}`;
      if (await this.rec.move(confirmed, "abort", { data: { failure }, details: { failure }, notify: false })) this.start(confirmed.id);
      return {
        ok: false,
        reply: errorReply("Railway did not answer", `Could not check the current deployment: ${describeError(error)}. Nothing was changed.`),
      };
    }
    if (latest && latest.id !== confirmed.data.base.deploymentId) {
      const reason = `A newer deployment (\`${latest.id.slice(0, 8)}\`${latest.commitHash ? `, commit \`${latest.commitHash.slice(0, 7)}\`` : ""}) appeared after this was asked, so this confirmation no longer applies.`;
      await this.rec.move(confirmed, "stale", { actor: BOT_ACTOR, data: { reason }, details: { latestDeploymentId: latest.id }, notify: false });
      const again = await this.request({
        actor: actorOf(confirmed.data.requester),
        kind: confirmed.data.kind,
        service: confirmed.data.serviceName,
        environment: confirmed.data.environmentName,
      });
      const reply = { ...again.reply, body: `${reason} Please confirm again.\n\n${again.reply.body}` };
      return again.ok ? { ok: false, reply, workflowId: again.workflowId } : { ok: false, reply };
    }
    this.start(confirmed.id);
    return { ok: true, workflowId, reply: workflowStatusReply(confirmed, this.clock.now()) };
  }

  /** Cancel a pending prompt: by the requester, or declined by someone who could have approved it. Running workflows cannot be cancelled. */
  async cancel(selector: CancelSelector, actor: Actor): Promise<Reply> {
    // A click replaces the prompt with the reply; a typed cancel is answered apart, so the prompt is edited.
    const notify = !("workflowId" in selector);
    let wf: Workflow | null;
    if ("workflowId" in selector) {
      wf = await this.rec.load(selector.workflowId);
    } else {
      const pending = (await this.unfinished()).filter(
        (w) =>
          w.state === "awaiting_confirmation" &&
          (!selector.service || w.data.serviceName.toLowerCase() === unaliasService(this.policy, selector.service).toLowerCase()) &&
          (!selector.environment || w.data.environmentName.toLowerCase() === selector.environment.toLowerCase()),
      );
      wf =
        pending.find((w) => w.data.requester.platform === actor.platform && w.data.requester.userId === actor.userId) ??
        (pending.length === 1 ? (pending[0] ?? null) : null);
      if (!wf && !pending.length) {
        // Say what is going on rather than "nothing": a running clear cannot be cancelled, but it is there.
        const running = (await this.unfinished()).find(
          (w) =>
            w.state !== "awaiting_confirmation" &&
            w.state !== "requested" &&
            (!selector.service || w.data.serviceName.toLowerCase() === unaliasService(this.policy, selector.service).toLowerCase()),
        );
        if (running)
          return errorReply(
            "Already running",
            `${running.data.kind === "clear" ? "A cache clear" : "A redeploy"} of \`${running.data.serviceName}\` (${running.data.environmentName}) asked by ${who(running.data.requester)} is running and cannot be cancelled halfway: railcache finishes it and removes \`NO_CACHE\` either way.`,
            "warning",
          );
      }
      if (!wf)
        return errorReply(
          "Nothing to cancel",
          pending.length ? "Several requests are pending: name the service." : "You have no pending clear or redeploy.",
          "info",
        );
    }
    if (!wf) return errorReply("Unknown request", "This request does not exist (any more).");
    if (wf.state !== "awaiting_confirmation") {
      return finalStates.has(wf.state)
        ? this.notPending(wf)
        : errorReply(
            "Already running",
            "It is already running and cannot be cancelled halfway: railcache finishes it and removes `NO_CACHE` either way.",
            "warning",
          );
    }
    const isRequester = wf.data.requester.platform === actor.platform && wf.data.requester.userId === actor.userId;
    if (isRequester) {
      const done = await this.rec.move(wf, "cancel", { actor: auditActor(actor), data: { reason: `cancelled by ${who(personOf(actor))}` }, notify });
      return done ? workflowStatusReply(done, this.clock.now()) : this.notPending((await this.rec.load(wf.id)) ?? wf);
    }
    if (wf.data.approval === "second_person" && mayConfirm("second_person", wf.data.approvers ?? undefined, wf.data.requester, actor).ok) {
      const done = await this.rec.move(wf, "deny", { actor: auditActor(actor), data: { reason: `declined by ${who(personOf(actor))}` }, notify });
      return done ? workflowStatusReply(done, this.clock.now()) : this.notPending((await this.rec.load(wf.id)) ?? wf);
    }
    return errorReply(
      "Not yours to cancel",
      `Only ${who(wf.data.requester)}${wf.data.approval === "second_person" ? " or an approver" : ""} can cancel this.`,
      "warning",
    );
  }

  /** Where the status message of a workflow was posted, if it was. */
  async statusMessage(workflowId: string): Promise<MessageRef | null> {
    return (await this.store.getMessageRef(workflowId)) as MessageRef | null;
  }

  /** Remember where the status message of a workflow was posted, so later steps edit it. */
  async attachMessage(workflowId: string, ref: MessageRef): Promise<void> {
    await this.store.setMessageRef(workflowId, { ...ref });
  }

  /**
   * The prompt could not be posted (a channel the bot is not in, a chat outage): nobody can
   * confirm it, so it must not hold the service's lock until it expires.
   */
  async withdraw(workflowId: string, reason: string): Promise<boolean> {
    const wf = await this.rec.load(workflowId);
    if (!wf || wf.state !== "awaiting_confirmation") return false;
    return (await this.rec.move(wf, "withdraw", { data: { reason }, details: { reason }, notify: false })) !== null;
  }

  async get(workflowId: string): Promise<Workflow | null> {
    return this.rec.load(workflowId);
  }

  /** Waits until the workflow stops moving (finished, waiting for people, or stuck until recovery) and returns it. */
  async settled(workflowId: string): Promise<Workflow | null> {
    await this.running.get(workflowId);
    return this.rec.load(workflowId);
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
    this.wake();
    await this.idle();
  }

  /** Expires every prompt whose time is up (call it now and then; `recover` does too). Returns their ids. */
  async expireOverdue(): Promise<string[]> {
    const expired: string[] = [];
    for (const wf of await this.unfinished()) if (await this.expireIfOverdue(wf)) expired.push(wf.id);
    return expired;
  }

  /**
   * On start-up: expires stale prompts and resumes every workflow a crash left unfinished whose
   * lease is free, expired or our own (same instance id: our own pre-restart self).
   */
  async recover(): Promise<{ resumed: string[]; expired: string[] }> {
    return this.adopt(true);
  }

  /**
   * Call it every housekeeping interval on every replica: expires overdue prompts and adopts any
   * unfinished workflow whose driver is gone (its lease ran out), wherever it was started.
   */
  async housekeep(): Promise<{ resumed: string[]; expired: string[] }> {
    return this.adopt(false);
  }

  private async adopt(atStart: boolean): Promise<{ resumed: string[]; expired: string[] }> {
    const expired = await this.expireOverdue();
    const resumed: string[] = [];
    for (const wf of await this.unfinished()) {
      if (this.stopping) break;
      if (wf.state === "awaiting_confirmation" || this.running.has(wf.id)) continue;
      if (wf.state === "requested") {
        if (!atStart && this.clock.now() - wf.createdAt < REQUEST_IN_FLIGHT_MS) continue;
        if (await this.rec.move(wf, "expire", { actor: BOT_ACTOR, data: { reason: "railcache restarted before the confirmation was asked." } }))
          expired.push(wf.id);
        continue;
      }
      if (!(await this.store.acquireLease(leaseName(wf.id), this.instanceId, this.t.leaseMs))) continue;
      await this.rec.audit(wf, "workflow.recovering", BOT_ACTOR, { state: wf.state, instance: this.instanceId });
      this.start(wf.id);
      resumed.push(wf.id);
    }
    return { resumed, expired };
  }

  // ---- driving ----

  private start(id: string): void {
    if (this.running.has(id) || this.stopping) return;
    const run = this.drive(id)
      .catch((error: unknown) =>
        this.log.error({ event: "workflow.crashed", workflowId: id, err: error }, "workflow driver failed; housekeeping will resume it"),
      )
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  /** Runs the action of the current state until the workflow is finished, waits for people, or the lease is lost. */
  private async drive(id: string): Promise<void> {
    const lease = leaseName(id);
    if (!(await this.store.acquireLease(lease, this.instanceId, this.t.leaseMs))) {
      this.log.info({ event: "workflow.leased_elsewhere", workflowId: id }, "another railcache instance is driving this workflow");
      return;
    }
    let finished = false;
    // An action can outlast the lease when Railway hangs (each request has its own timeout and
    // retries): a heartbeat keeps the lease ours meanwhile, so no replica starts a second driver.
    let lost = false;
    let busySince = Date.now();
    const heartbeat = setInterval(
      () => {
        // A driver stuck far longer than any Railway call can take is let go: housekeeping adopts the workflow.
        if (Date.now() - busySince > HUNG_DRIVER_MS) return;
        void this.renew(id).then(
          (held) => (lost ||= !held),
          () => undefined,
        );
      },
      Math.max(50, this.t.leaseMs / 3),
    );
    heartbeat.unref();
    try {
      let wf = await this.rec.load(id);
      while (wf && !finalStates.has(wf.state) && wf.state !== "awaiting_confirmation") {
        const action = actions[wf.state];
        if (!action || this.stopping || lost) return;
        busySince = Date.now();
        const result = await action(this.ctx, wf);
        if (!result) return;
        if (result.waitMs) {
          if (!(await this.renew(id))) return;
          busySince = Date.now();
          await this.sleep(result.waitMs);
          if (this.stopping || !(await this.renew(id))) return;
        }
        wf = result.wf;
      }
      finished = true;
    } finally {
      clearInterval(heartbeat);
      // A finished workflow frees its lease; a paused one keeps it until it lapses, unless we are stopping.
      if (finished || this.stopping) await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
    }
  }

  private async sleep(ms: number): Promise<void> {
    await Promise.race([this.clock.sleep(ms), this.woken]);
  }

  private async renew(id: string): Promise<boolean> {
    const held = await this.store.acquireLease(leaseName(id), this.instanceId, this.t.leaseMs);
    if (!held) this.log.warn({ event: "workflow.lease_lost", workflowId: id }, "another instance took this workflow over");
    return held;
  }

  // ---- helpers ----

  private async expireIfOverdue(wf: Workflow): Promise<boolean> {
    if (wf.state !== "awaiting_confirmation" || wf.expiresAt === null || wf.expiresAt > this.clock.now()) return false;
    return (await this.rec.move(wf, "expire", { actor: BOT_ACTOR, data: { reason: "The confirmation expired." } })) !== null;
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
    const status = await this.railway.projectStatus(this.projectId);
    const instance = status.instances.find((i) => i.serviceId === wf.data.serviceId && i.environmentId === wf.data.environmentId);
    return instance?.latestDeployment ?? null;
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
}

const leaseName = (id: string) => `workflow:${id}`;
