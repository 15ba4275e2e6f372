/**
 * The card lifecycle: each deployment has at most one card, posted when something is worth
 * saying and edited in place as the deployment moves. Which card it shows is the table below;
 * `process` applies it to a deployment as the API reported it (a poll's snapshot or a re-fetch
 * for a webhook hint), serialized per deployment, and `deliver` posts or edits.
 */
import type { Deployment, DeploymentStatus } from "../ports/railway.js";
import { terminalStatuses } from "../ports/railway.js";
import type { Reply } from "../reply.js";
import {
  approvalCard,
  buildingCard,
  failureCard,
  fiveXxCard,
  staleCacheCard,
  statusUpdateCard,
  workflowEndedCard,
  type EndedWorkflow,
  type InstanceRef,
} from "./cards.js";
import type { WatcherContext } from "./context.js";
import { diagnoseFailure, failedStatuses, isOlderStatus, type FiveXxBurst, type WatcherRules } from "./rules.js";
import type { CardKind, DeploymentState } from "./state.js";

/** What the lifecycle table looks at. */
export interface CardMoment {
  status: DeploymentStatus;
  /** The status differs from the one last seen (or the deployment is new). */
  changed: boolean;
  /** The card the deployment shows now, if any. */
  shown: DeploymentState["card"];
  /** How long the deployment has been in this status. */
  elapsedMs: number;
  rules: WatcherRules;
}

/** What to do with the card: `failure` becomes a stale-cache warning or a plain failure once the logs are read. */
export type CardStep = "failure" | "building" | "approval" | "status" | "nothing";

interface LifecycleRow {
  statuses: ReadonlySet<DeploymentStatus> | "any";
  when: (m: CardMoment) => boolean;
  step: CardStep;
}

/**
 * Read top to bottom: the first row whose status and condition hold decides the step. The 5xx
 * card is raised by a follow-up after SUCCESS (follow-ups.ts), and a clear or redeploy started
 * from a card gives the card its final text (`workflowEnded`); after that the card stays as it is.
 */
const lifecycle: readonly LifecycleRow[] = [
  { statuses: failedStatuses, when: (m) => m.changed && m.rules.failures.enabled, step: "failure" },
  // A failure is told once, when it happens; never as a status edit.
  { statuses: failedStatuses, when: () => true, step: "nothing" },
  {
    statuses: new Set(["BUILDING"]),
    when: (m) => m.rules.building.enabled && m.shown?.kind !== "building" && m.elapsedMs >= m.rules.building.afterMs,
    step: "building",
  },
  {
    statuses: new Set(["NEEDS_APPROVAL"]),
    when: (m) => m.rules.approval.enabled && m.shown?.kind !== "approval" && m.elapsedMs >= m.rules.approval.afterMs,
    step: "approval",
  },
  // A deployment that already has a card: the card follows its status.
  { statuses: "any", when: (m) => m.changed && m.shown !== null && m.shown.status !== m.status, step: "status" },
];

/** The lifecycle step for a deployment at this moment. */
export function cardStep(moment: CardMoment): CardStep {
  return lifecycle.find((row) => (row.statuses === "any" || row.statuses.has(moment.status)) && row.when(moment))?.step ?? "nothing";
}

export class CardLifecycle {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: WatcherContext,
    /** Runs after a deployment's status changed, still under its lock (follow-ups start here). */
    private readonly afterChange: (deployment: Deployment, instance: InstanceRef, now: number) => Promise<void>,
  ) {}

  /** Applies the lifecycle to a deployment as the API reported it. Serialized per deployment. */
  process(deployment: Deployment, instance: InstanceRef): Promise<void> {
    const { state, clock, log, rules } = this.ctx;
    return this.withLock(deployment.id, async () => {
      const now = clock.now();
      const prev = await state.deployment(deployment.id);
      if (prev && prev.status !== deployment.status && isOlderStatus(deployment.status, prev.status)) {
        log.info({ event: "watcher.stale_status", deploymentId: deployment.id, status: deployment.status, seen: prev.status }, "ignoring an older status");
        return;
      }
      const changed = !prev || prev.status !== deployment.status;
      const next: DeploymentState = changed ? { status: deployment.status, statusSince: now, card: prev?.card ?? null } : { ...prev };
      if (prev?.history) next.history = true;
      if (!prev && terminalStatuses.has(deployment.status) && now - Date.parse(deployment.createdAt) > rules.ignoreOlderThanMs) next.history = true;
      if (next.history) {
        if (changed) await state.saveDeployment(deployment.id, next);
        return;
      }

      const step = cardStep({ status: deployment.status, changed, shown: next.card, elapsedMs: now - next.statusSince, rules });
      const card = step === "nothing" ? null : await this.cardFor(step, deployment, instance, next, now);
      if (card && !(await this.deliver(deployment.id, instance, card.kind, card.reply, next))) return; // retried next cycle
      // A status-only edit keeps the title of the card it updates, so "Earlier: ..." names the real news.
      if (card)
        next.card = {
          kind: card.kind === "status" && next.card ? next.card.kind : card.kind,
          status: deployment.status,
          title: card.kind === "status" && next.card ? next.card.title : card.reply.title,
        };
      if (changed || card) await state.saveDeployment(deployment.id, next);
      if (changed) await this.afterChange(deployment, instance, now);
    });
  }

  /** A burst of 5xx after a deployment succeeded: its card says so (posted, or the existing card edited). */
  async showFiveXx(deploymentId: string, instance: InstanceRef, burst: FiveXxBurst, now: number): Promise<void> {
    const { state, railway } = this.ctx;
    await this.withLock(deploymentId, async () => {
      const deployment = await railway.deployment(deploymentId);
      const current = (await state.deployment(deployment.id)) ?? { status: deployment.status, statusSince: now, card: null };
      const reply = fiveXxCard(instance, deployment, burst);
      if (await this.deliver(deployment.id, instance, "http5xx", reply, current)) {
        await state.saveDeployment(deployment.id, { ...current, card: { kind: "http5xx", status: deployment.status, title: reply.title } });
      }
    });
  }

  /**
   * A clear or redeploy of the deployment a card warned about has ended: the card says what ran
   * and who asked, and its buttons go (no second clear from a stale card).
   */
  async workflowEnded(ended: EndedWorkflow): Promise<void> {
    const { state, instances, outbox, log } = this.ctx;
    const ref = await state.cardRef(ended.baseDeploymentId);
    if (!ref) return;
    const known = instances.ref(ended.serviceId, ended.environmentId);
    const instance = { ...known, serviceName: ended.serviceName, environmentName: ended.environmentName };
    await state.markResolved(ended.baseDeploymentId);
    await outbox.update(ref, workflowEndedCard(instance, ended));
    log.info({ event: "watcher.card_resolved", deploymentId: ended.baseDeploymentId, outcome: ended.outcome }, "warning card updated after the clear");
  }

  /** The card for a step: a failure reads the logs to tell a stale cache from anything else. */
  private async cardFor(
    step: Exclude<CardStep, "nothing">,
    deployment: Deployment,
    instance: InstanceRef,
    current: DeploymentState,
    now: number,
  ): Promise<{ kind: CardKind; reply: Reply }> {
    const { railway, rules, log } = this.ctx;
    const elapsed = now - current.statusSince;
    switch (step) {
      case "failure": {
        const tail = rules.failures.logTailLines;
        const [build, deploy] = await Promise.all([railway.buildLogs(deployment.id, tail), railway.deploymentLogs(deployment.id, tail)]);
        const diagnosis = diagnoseFailure(build, deploy);
        log.info({ event: "watcher.failure", deploymentId: deployment.id, service: instance.serviceName, diagnosis: diagnosis.kind }, "deployment failed");
        return diagnosis.kind === "stale_cache"
          ? { kind: "stale_cache", reply: staleCacheCard(instance, deployment, diagnosis.matches) }
          : { kind: "failure", reply: failureCard(instance, deployment, diagnosis.lines, diagnosis.cause) };
      }
      case "building":
        return { kind: "building", reply: buildingCard(instance, deployment, elapsed) };
      case "approval":
        return { kind: "approval", reply: approvalCard(instance, deployment, elapsed) };
      case "status":
        return { kind: "status", reply: statusUpdateCard(instance, deployment, current.card?.title ?? "") };
    }
  }

  /**
   * Shows `reply` as the deployment's one card: edits it when it exists; posts it otherwise
   * unless muted or cooling down. False when posting must be retried later.
   */
  private async deliver(deploymentId: string, instance: InstanceRef, kind: CardKind, reply: Reply, current: DeploymentState): Promise<boolean> {
    const { state, outbox, clock, log, rules } = this.ctx;
    const existing = await state.cardRef(deploymentId);
    if (existing && (await state.isResolved(deploymentId))) return true;
    if (existing) {
      await outbox.update(existing, reply);
      log.info({ event: "watcher.card_updated", deploymentId, service: instance.serviceName, status: current.status }, "card updated");
      return true;
    }
    if (await state.isMuted(instance)) {
      log.info({ event: "watcher.muted_card", deploymentId, service: instance.serviceName }, "service muted: no card");
      return true;
    }
    const cooldown = await state.cooldownUntil(instance);
    if (cooldown !== null && cooldown > clock.now()) {
      log.info({ event: "watcher.cooldown", deploymentId, service: instance.serviceName, until: cooldown }, "service cooling down: no card");
      return true;
    }
    if (!(await state.claimCardPost(deploymentId))) return false;
    const posted = await outbox.post(this.ctx.route(instance), reply);
    this.ctx.onWarning(kind);
    await state.saveCardRef(deploymentId, posted);
    await state.startCooldown(instance, rules.cooldownMs);
    log.info(
      { event: "watcher.card_posted", deploymentId, service: instance.serviceName, environment: instance.environmentName, title: reply.title },
      "card posted",
    );
    return true;
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const mine = previous.then(() => gate);
    this.locks.set(key, mine);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === mine) this.locks.delete(key);
    }
  }
}
