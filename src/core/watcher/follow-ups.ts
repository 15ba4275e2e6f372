/**
 * Follow-ups: what the watcher checks after a deployment has settled, and per service rather
 * than per deployment. A burst of HTTP 5xx after SUCCESS, NO_CACHE left set on a service, and a
 * service still configured from railway.toml / railway.json. Each runs only while the rate
 * budget allows and posts at most once, whatever the number of replicas.
 */
import { terminalStatuses, type Deployment, type ServiceInstanceStatus } from "../ports/railway.js";
import { migrationChecks } from "../setup/checks.js";
import { migrationsCard } from "./migrations-card.js";
import { hasNoCache, serviceLockKey } from "../workflow/no-cache.js";
import { configFileCard, noCacheCard, noCacheRemovedCard, type InstanceRef } from "./cards.js";
import { describeError, hasBudget, type WatcherContext } from "./context.js";
import type { CardLifecycle } from "./lifecycle.js";
import { findFiveXxBurst } from "./rules.js";
import type { FiveXxWatch, NoCacheMark } from "./state.js";

export class FollowUps {
  constructor(
    private readonly ctx: WatcherContext,
    private readonly cards: CardLifecycle,
  ) {}

  /** A deployment's status changed: start what follows a success or the end of a rollout. */
  async afterChange(deployment: Deployment, instance: InstanceRef, now: number): Promise<void> {
    const { rules, state, railway } = this.ctx;
    if (deployment.status === "SUCCESS" && rules.http5xx.enabled) {
      const watch: FiveXxWatch = { deploymentId: deployment.id, instance, successAt: now, lastCheckAt: now };
      await state.watchFiveXx(watch, rules.http5xx.watchForMs + rules.http5xx.checkEveryMs);
    }
    if (terminalStatuses.has(deployment.status) && rules.noCache.enabled && hasBudget(railway)) await this.checkNoCache(instance);
  }

  /** Once per poll: the 5xx watches and NO_CACHE reminders that are due. Failures are logged, never thrown. */
  async run(): Promise<void> {
    const { rules, state, railway, log, clock } = this.ctx;
    const now = clock.now();
    if (rules.http5xx.enabled) {
      for (const watch of await state.fiveXxWatches()) {
        if (now - watch.lastCheckAt < rules.http5xx.checkEveryMs || !hasBudget(railway)) continue;
        try {
          await this.checkFiveXx(watch, now);
        } catch (error) {
          log.warn({ event: "watcher.http5xx_failed", deploymentId: watch.deploymentId, err: describeError(error) }, "could not read HTTP logs");
        }
      }
    }
    if (rules.noCache.enabled) {
      for (const mark of await state.noCacheMarks()) {
        if (mark.reminded || now - mark.since < rules.noCache.afterMs || !hasBudget(railway)) continue;
        try {
          await this.remindNoCache(mark, now);
        } catch (error) {
          log.warn({ event: "watcher.no_cache_failed", service: mark.instance.serviceName, err: describeError(error) }, "NO_CACHE reminder failed");
        }
      }
    }
  }

  /** A service configured from a railway.toml / railway.json: warned once, ever. */
  async warnConfigFile(instance: InstanceRef, file: string): Promise<void> {
    const { state, outbox, clock, log } = this.ctx;
    if (await state.configFileWarned(instance.serviceId)) return;
    if (!(await state.claimConfigFilePost(instance.serviceId))) return;
    const posted = await outbox.post(this.ctx.route(instance), configFileCard(instance, file, clock.now()));
    this.ctx.onWarning("config_file");
    await state.saveConfigFileWarning(instance.serviceId, file, posted);
    log.info({ event: "watcher.config_file_warning", service: instance.serviceName, file }, "config-as-code warning posted");
  }

  /**
   * Migrations that do not run on deploy (a Django start command without migrate, a pre-deploy
   * command with several elements, migrate only in the config file): warned once per service.
   * A fixed service is forgotten, so the problem coming back is warned again.
   */
  async warnMigrations(instance: InstanceRef, status: ServiceInstanceStatus): Promise<void> {
    const { store, outbox, log } = this.ctx;
    if (!status.settings) return;
    const checks = migrationChecks({
      serviceName: status.serviceName,
      railwayConfigFile: status.railwayConfigFile,
      latestDeployment: status.latestDeployment,
      ...status.settings,
    });
    const key = `watcher:migrations:${instance.serviceId}`;
    const fingerprint = checks
      .map((c) => c.kind)
      .sort()
      .join(",");
    const seen = await store.kvGet(key);
    if (!fingerprint) {
      // Only the environment that warned can clear it: another environment may still have the problem.
      if (seen && (seen as { environmentId?: string }).environmentId === instance.environmentId) await store.kvDelete(key);
      return;
    }
    if (seen) return;
    if (!(await store.claimOnce(`${key}:post`, 60_000))) return;
    const posted = await outbox.post(this.ctx.route(instance), migrationsCard(instance, checks));
    this.ctx.onWarning("migrations_on_deploy");
    await store.kvSet(key, { fingerprint, environmentId: instance.environmentId, channelId: posted.channelId, messageId: posted.messageId });
    log.info(
      { event: "watcher.migrations_warning", service: instance.serviceName, environment: instance.environmentName, checks: fingerprint },
      "migrations warning posted",
    );
  }

  private async checkFiveXx(watch: FiveXxWatch, now: number): Promise<void> {
    const { railway, rules, state } = this.ctx;
    const entries = await railway.httpLogs(watch.deploymentId, 500);
    const burst = findFiveXxBurst(entries, rules.http5xx);
    if (!burst) {
      const left = watch.successAt + rules.http5xx.watchForMs - now;
      if (left <= 0) await state.endFiveXxWatch(watch.deploymentId);
      else await state.watchFiveXx({ ...watch, lastCheckAt: now }, left + rules.http5xx.checkEveryMs);
      return;
    }
    await state.endFiveXxWatch(watch.deploymentId);
    await this.cards.showFiveXx(watch.deploymentId, watch.instance, burst, now);
  }

  /** After a rollout: note NO_CACHE when it is set, forget it (and say so on the reminder) when it is gone. */
  private async checkNoCache(instance: InstanceRef): Promise<void> {
    const { state, railway, outbox, clock, projectId } = this.ctx;
    const set = await hasNoCache(railway, { projectId, serviceId: instance.serviceId, environmentId: instance.environmentId });
    const mark = await state.noCacheMark(instance);
    if (set) {
      if (!mark) await state.saveNoCacheMark({ since: clock.now(), reminded: false, instance });
    } else if (mark) {
      await state.forgetNoCache(instance.serviceId, instance.environmentId);
      const card = await state.noCacheCardRef(instance.serviceId, instance.environmentId);
      if (card) await outbox.update(card, noCacheRemovedCard(instance, null));
    }
  }

  private async remindNoCache(mark: NoCacheMark, now: number): Promise<void> {
    const { state, railway, outbox, store, log, projectId } = this.ctx;
    const { instance } = mark;
    // A cache-clear workflow sets NO_CACHE on purpose and removes it itself.
    if (await store.workflowByLock(serviceLockKey(projectId, instance.environmentId, instance.serviceId))) return;
    if (!(await hasNoCache(railway, { projectId, serviceId: instance.serviceId, environmentId: instance.environmentId }))) {
      await state.forgetNoCache(instance.serviceId, instance.environmentId);
      return;
    }
    if (await state.isMuted(instance)) return;
    if (!(await state.claimNoCachePost(instance))) return;
    const posted = await outbox.post(this.ctx.route(instance), noCacheCard(instance, now - mark.since));
    this.ctx.onWarning("no_cache");
    await state.saveNoCacheCardRef(instance, posted);
    await state.saveNoCacheMark({ ...mark, reminded: true });
    log.info({ event: "watcher.no_cache_reminder", service: instance.serviceName, environment: instance.environmentName }, "NO_CACHE reminder posted");
  }
}
