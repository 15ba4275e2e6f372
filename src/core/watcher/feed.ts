/**
 * The deploy feed: where the watcher hears about deployments. It polls Railway (ONE
 * projectStatus request per cycle, spaced by the rate budget) and takes webhook hints, which are
 * only hints: the deployment is re-fetched from the API before anyone is warned. Both paths hand
 * a deployment as the API reported it to the card lifecycle.
 */
import type { DeploymentStatus, Deployment } from "../ports/railway.js";
import { RailwayError } from "../ports/railway.js";
import type { InstanceRef } from "./cards.js";
import { describeError, type WatcherContext } from "./context.js";
import type { FollowUps } from "./follow-ups.js";
import type { CardLifecycle } from "./lifecycle.js";
import { nextPollDelay } from "./poll-delay.js";
import { toRef, type WatchScope } from "./routing.js";
import { isOlderStatus } from "./rules.js";

/** What a webhook body says, as a hint only: the deployment is re-fetched before anyone is warned. */
export interface DeploymentHint {
  deploymentId: string;
  status: DeploymentStatus | null;
  projectId: string;
  serviceId?: string;
  serviceName?: string;
  environmentId?: string;
  environmentName?: string;
}

export type HintOutcome = "accepted" | "duplicate" | "stale" | "other_project";

export class DeploymentFeed {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly ctx: WatcherContext,
    private readonly scope: WatchScope,
    private readonly cards: CardLifecycle,
    private readonly followUps: FollowUps,
    private readonly pollIntervalMs: number,
  ) {}

  /** Polls until `signal` aborts, waiting `nextPollDelay` between cycles. Errors are logged, never thrown. */
  async run(signal?: AbortSignal): Promise<void> {
    const { railway, clock, log } = this.ctx;
    while (!signal?.aborted) {
      let delay: number;
      try {
        await this.pollOnce();
        delay = nextPollDelay(railway.rateBudget(), this.pollIntervalMs, clock.now());
      } catch (error) {
        const retryAfter = error instanceof RailwayError ? (error.retryAfterMs ?? 0) : 0;
        delay = Math.max(nextPollDelay(railway.rateBudget(), this.pollIntervalMs, clock.now()), retryAfter);
        log.warn({ event: "watcher.poll_failed", err: describeError(error), nextPollMs: delay }, "watcher poll failed");
      }
      if (signal?.aborted) break;
      await clock.sleep(delay);
    }
    await this.idle();
  }

  /** One poll cycle: ONE projectStatus request, then the lifecycle for every watched instance, then the follow-ups. */
  async pollOnce(): Promise<void> {
    const { railway, projectId, rules, instances, log } = this.ctx;
    const status = await railway.projectStatus(projectId);
    instances.remember(status.instances);
    for (const instance of status.instances) {
      if (!this.scope.watches(instance.serviceName, instance.environmentName)) continue;
      const ref = toRef(projectId, instance);
      try {
        if (instance.railwayConfigFile && rules.configFile.enabled) await this.followUps.warnConfigFile(ref, instance.railwayConfigFile);
        if (rules.migrations.enabled) await this.followUps.warnMigrations(ref, instance);
        if (instance.latestDeployment) await this.cards.process(instance.latestDeployment, ref);
      } catch (error) {
        log.warn(
          { event: "watcher.instance_failed", service: instance.serviceName, environment: instance.environmentName, err: describeError(error) },
          "watcher rule failed",
        );
      }
    }
    await this.followUps.run();
  }

  /**
   * A webhook's hint: cheap checks now (project, duplicate, out of order), then the deployment is
   * re-fetched from the API in the background and goes through the same lifecycle as a poll.
   */
  async acceptHint(hint: DeploymentHint): Promise<HintOutcome> {
    const { projectId, state } = this.ctx;
    if (hint.projectId !== projectId) return "other_project";
    if (!(await state.firstHint(hint.deploymentId, hint.status ?? "unknown"))) return "duplicate";
    const seen = await state.deployment(hint.deploymentId);
    if (seen && hint.status) {
      if (hint.status === seen.status) return "duplicate";
      if (isOlderStatus(hint.status, seen.status)) return "stale";
    }
    this.track(this.refetch(hint));
    return "accepted";
  }

  /** Resolves when background work started by hints has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async refetch(hint: DeploymentHint): Promise<void> {
    const { railway, projectId, instances, log } = this.ctx;
    try {
      const deployment: Deployment = await railway.deployment(hint.deploymentId);
      if (deployment.projectId !== projectId) {
        log.info({ event: "watcher.hint_other_project", deploymentId: deployment.id }, "deployment belongs to another project");
        return;
      }
      const ref: InstanceRef = instances.ref(deployment.serviceId, deployment.environmentId, {
        serviceName: hint.serviceName,
        environmentName: hint.environmentName,
      });
      if (!this.scope.watches(ref.serviceName, ref.environmentName)) return;
      await this.cards.process(deployment, ref);
    } catch (error) {
      log.warn({ event: "watcher.hint_failed", deploymentId: hint.deploymentId, err: describeError(error) }, "could not re-fetch a hinted deployment");
    }
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}
