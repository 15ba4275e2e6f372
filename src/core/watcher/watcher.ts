/**
 * The deploy watcher: polls Railway (ONE projectStatus request per cycle), takes webhook hints,
 * and turns what it sees into cards, one per deployment, edited in place as its status moves.
 * Every event goes the same way: a deployment as the API reports it (a poll's snapshot, or a
 * re-fetch for a webhook hint) -> `process` -> rules -> `deliver`. State lives in the store, so
 * a restart neither repeats a card nor forgets one.
 */
import type { Logger } from "../../log.js";
import { RailwayError, terminalStatuses, type Deployment, type DeploymentStatus, type RailwayApi, type ServiceInstanceStatus } from "../ports/railway.js";
import type { JsonObject, JsonValue, Store } from "../ports/store.js";
import type { ChatTarget, MessageRef, Messenger, Platform } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import type { Reply } from "../reply.js";
import {
  approvalCard,
  buildingCard,
  configFileCard,
  failureCard,
  fiveXxCard,
  mutedReply,
  noCacheCard,
  noCacheRemovedCard,
  parseActionValue,
  staleCacheCard,
  statusUpdateCard,
  whereText,
  workflowEndedCard,
  type EndedWorkflow,
  type InstanceRef,
} from "./cards.js";
import { escapeMentions } from "../text/mentions.js";
import { nextPollDelay } from "./poll-delay.js";
import { diagnoseFailure, failedStatuses, findFiveXxBurst, isOlderStatus, resolveWatcherRules, type WatcherRules, type WatcherRulesInput } from "./rules.js";

/** Where cards go: the first matching route (service and environment by name or id), else the default. */
export interface WatcherRoute {
  service?: string;
  environment?: string;
  target: ChatTarget;
}

export interface WatcherRouting {
  default: ChatTarget;
  routes?: WatcherRoute[];
}

export interface WatcherOptions {
  railway: RailwayApi;
  store: Store;
  projectId: string;
  /** One Messenger per platform the routes use. */
  messengers: Partial<Record<Platform, Messenger>>;
  routing: WatcherRouting;
  rules?: WatcherRulesInput;
  clock: Clock;
  log: Logger;
  /** Base poll interval (default 30 s); longer when the rate budget runs low. */
  pollIntervalMs?: number;
  /** Service names to watch (all when absent). */
  services?: string[];
  /** Environment names to watch (all when absent). */
  environments?: string[];
  /** Called once for every new card posted (not for edits), with the rule that raised it (metrics). */
  onWarning?: (rule: WarningRule) => void;
}

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

type CardKind = "stale_cache" | "failure" | "http5xx" | "building" | "approval" | "status";

/** The rule behind a posted card: a deployment card's kind, or a per-service reminder. */
export type WarningRule = CardKind | "no_cache" | "config_file";

interface DeploymentState {
  status: DeploymentStatus;
  /** When the watcher first saw this status. */
  statusSince: number;
  card: { kind: CardKind; status: DeploymentStatus; title: string } | null;
  /** First seen long after it finished: history, never a card. */
  history?: boolean;
}

interface FiveXxWatch {
  deploymentId: string;
  instance: InstanceRef;
  successAt: number;
  lastCheckAt: number;
}

interface NoCacheMark {
  since: number;
  reminded: boolean;
  instance: InstanceRef;
}

const day = 24 * 60 * 60 * 1000;
const stateTtlMs = 14 * day;
const postLockMs = 60_000;

const keys = {
  deployment: (id: string) => `watcher:dep:${id}`,
  card: (id: string) => `watcher:card:${id}`,
  postLock: (id: string) => `watcher:post:${id}`,
  hint: (id: string, status: string) => `watcher:hint:${id}:${status}`,
  fiveXxPrefix: "watcher:5xx:",
  fiveXx: (id: string) => `watcher:5xx:${id}`,
  noCachePrefix: "watcher:nocache:",
  noCache: (s: string, e: string) => `watcher:nocache:${s}:${e}`,
  noCacheCard: (s: string, e: string) => `watcher:card:nocache:${s}:${e}`,
  configFile: (s: string) => `watcher:configfile:${s}`,
  mute: (s: string, e: string) => `watcher:mute:${s}:${e}`,
  /** A card whose clear has ended: its final text stays. */
  resolved: (id: string) => `watcher:resolved:${id}`,
  cooldown: (s: string, e: string) => `watcher:cooldown:${s}:${e}`,
};

export class Watcher {
  readonly rules: WatcherRules;
  private readonly railway: RailwayApi;
  private readonly store: Store;
  private readonly projectId: string;
  private readonly messengers: Partial<Record<Platform, Messenger>>;
  private readonly routing: WatcherRouting;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly pollIntervalMs: number;
  private readonly services: Set<string> | null;
  private readonly environments: Set<string> | null;
  private readonly onWarning: (rule: WarningRule) => void;
  /** Names and config files from the last poll, for webhook hints and buttons. */
  private readonly instances = new Map<string, ServiceInstanceStatus>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();

  constructor(options: WatcherOptions) {
    this.railway = options.railway;
    this.store = options.store;
    this.projectId = options.projectId;
    this.messengers = options.messengers;
    this.routing = options.routing;
    this.rules = resolveWatcherRules(options.rules);
    this.clock = options.clock;
    this.log = options.log;
    this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.services = options.services ? new Set(options.services.map((s) => s.toLowerCase())) : null;
    this.environments = options.environments ? new Set(options.environments.map((s) => s.toLowerCase())) : null;
    this.onWarning = options.onWarning ?? (() => {});
  }

  /** Polls until `signal` aborts, waiting `nextPollDelay` between cycles. Errors are logged, never thrown. */
  async run(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      let delay: number;
      try {
        await this.pollOnce();
        delay = nextPollDelay(this.railway.rateBudget(), this.pollIntervalMs, this.clock.now());
      } catch (error) {
        const retryAfter = error instanceof RailwayError ? (error.retryAfterMs ?? 0) : 0;
        delay = Math.max(nextPollDelay(this.railway.rateBudget(), this.pollIntervalMs, this.clock.now()), retryAfter);
        this.log.warn({ event: "watcher.poll_failed", err: describe(error), nextPollMs: delay }, "watcher poll failed");
      }
      if (signal?.aborted) break;
      await this.clock.sleep(delay);
    }
    await this.idle();
  }

  /** One poll cycle: ONE projectStatus request, then the rules for every watched instance. */
  async pollOnce(): Promise<void> {
    const status = await this.railway.projectStatus(this.projectId);
    for (const instance of status.instances) this.instances.set(instanceKey(instance.serviceId, instance.environmentId), instance);
    for (const instance of status.instances) {
      if (!this.watches(instance.serviceName, instance.environmentName)) continue;
      const ref = toRef(this.projectId, instance);
      try {
        if (instance.railwayConfigFile && this.rules.configFile.enabled) await this.warnConfigFile(ref, instance.railwayConfigFile);
        if (instance.latestDeployment) await this.process(instance.latestDeployment, ref);
      } catch (error) {
        this.log.warn({ event: "watcher.instance_failed", service: instance.serviceName, environment: instance.environmentName, err: describe(error) }, "watcher rule failed");
      }
    }
    await this.followUps();
  }

  /**
   * A webhook's hint: cheap checks now (project, duplicate, out of order), then the deployment is
   * re-fetched from the API in the background and goes through the same rules as a poll.
   */
  async acceptHint(hint: DeploymentHint): Promise<HintOutcome> {
    if (hint.projectId !== this.projectId) return "other_project";
    if (!(await this.store.claimOnce(keys.hint(hint.deploymentId, hint.status ?? "unknown"), day))) return "duplicate";
    const seen = (await this.store.kvGet(keys.deployment(hint.deploymentId))) as unknown as DeploymentState | null;
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

  /** No new cards for a service in an environment for `ms` (the card's "Mute 1 h"). */
  async mute(serviceId: string, environmentId: string, ms = 60 * 60 * 1000): Promise<void> {
    await this.store.kvSet(keys.mute(serviceId, environmentId), { until: this.clock.now() + ms }, ms);
    this.log.info({ event: "watcher.muted", serviceId, environmentId, ms }, "watcher muted");
  }

  async unmute(serviceId: string, environmentId: string): Promise<void> {
    await this.store.kvDelete(keys.mute(serviceId, environmentId));
  }

  /** End of the mute on a service in an environment, or null. */
  async mutedUntil(serviceId: string, environmentId: string): Promise<number | null> {
    const value = (await this.store.kvGet(keys.mute(serviceId, environmentId))) as { until?: number } | null;
    return value?.until ?? null;
  }

  /**
   * The `mute` and `remove_no_cache` buttons of the watcher's cards. `value` is the button's
   * value (`serviceId@environmentId`); `actorName` goes into the edited card. Permission checks
   * are the caller's. Returns a Reply for the person who clicked.
   */
  async handleAction(kind: "mute" | "unmute" | "remove_no_cache", value: string, actorName?: string): Promise<Reply> {
    const parsed = parseActionValue(value);
    if (!parsed) return { title: "Unknown target", body: `\`${value}\` does not name a service and environment.`, tone: "error", private: true };
    const ref = this.instanceRef(parsed.service, parsed.environment);
    const by = actorName ? escapeMentions(actorName) : "someone";
    if (kind === "mute") {
      const ms = 60 * 60 * 1000;
      await this.mute(parsed.service, parsed.environment, ms);
      // Public: the channel learns who muted what, for how long, and can undo it.
      return mutedReply(ref, by, this.clock.now() + ms);
    }
    if (kind === "unmute") {
      await this.unmute(parsed.service, parsed.environment);
      return { title: `Warnings back on for ${ref.serviceName} (${ref.environmentName})`, body: `${by} ended the mute: new warnings for ${whereText(ref)} are posted again.`, tone: "info" };
    }
    return this.removeNoCache(parsed.service, parsed.environment, actorName ?? null);
  }

  /**
   * A clear or redeploy of the deployment a card warned about has ended: the card says what ran
   * and who asked, and its buttons go (no second clear from a stale card).
   */
  async workflowEnded(ended: EndedWorkflow): Promise<void> {
    const ref = await this.messageRef(keys.card(ended.baseDeploymentId));
    if (!ref) return;
    const known = this.instanceRef(ended.serviceId, ended.environmentId);
    const instance = { ...known, serviceName: ended.serviceName, environmentName: ended.environmentName };
    await this.store.kvSet(keys.resolved(ended.baseDeploymentId), true, stateTtlMs);
    await this.update(ref, workflowEndedCard(instance, ended));
    this.log.info({ event: "watcher.card_resolved", deploymentId: ended.baseDeploymentId, outcome: ended.outcome }, "warning card updated after the clear");
  }

  /** Removes a forgotten NO_CACHE (not while a cache-clear workflow owns it) and edits the reminder. */
  async removeNoCache(serviceId: string, environmentId: string, by: string | null = null): Promise<Reply> {
    const ref = this.instanceRef(serviceId, environmentId);
    const target = { projectId: this.projectId, serviceId, environmentId };
    if (await this.store.workflowByLock(`${this.projectId}:${environmentId}:${serviceId}`)) {
      return { title: "Not now", body: `A cache-clear workflow is running on \`${ref.serviceName}\`; it removes \`NO_CACHE\` itself when it finishes.`, tone: "warning", private: true };
    }
    try {
      const names = await this.railway.variableNames(target);
      if (names.includes("NO_CACHE")) await this.railway.deleteVariable(target, "NO_CACHE");
    } catch (error) {
      const message = error instanceof RailwayError ? error.userMessage : "Railway did not answer.";
      return { title: "NO_CACHE not removed", body: message, tone: "error", private: true };
    }
    await this.store.kvDelete(keys.noCache(serviceId, environmentId));
    const card = await this.messageRef(keys.noCacheCard(serviceId, environmentId));
    if (card) await this.update(card, noCacheRemovedCard(ref, by));
    this.log.info({ event: "watcher.no_cache_removed", service: ref.serviceName, environment: ref.environmentName }, "NO_CACHE removed");
    return { title: "NO_CACHE removed", body: `\`NO_CACHE\` is gone from \`${ref.serviceName}\` in *${ref.environmentName}*. Railway deploys it again with the cache.`, tone: "success", private: true };
  }

  // --- the one event path -------------------------------------------------------------------

  private async refetch(hint: DeploymentHint): Promise<void> {
    try {
      const deployment = await this.railway.deployment(hint.deploymentId);
      if (deployment.projectId !== this.projectId) {
        this.log.info({ event: "watcher.hint_other_project", deploymentId: deployment.id }, "deployment belongs to another project");
        return;
      }
      const known = this.instances.get(instanceKey(deployment.serviceId, deployment.environmentId));
      const ref: InstanceRef = known
        ? toRef(this.projectId, known)
        : {
            projectId: this.projectId,
            serviceId: deployment.serviceId,
            environmentId: deployment.environmentId,
            serviceName: hint.serviceName ?? deployment.serviceId,
            environmentName: hint.environmentName ?? deployment.environmentId,
          };
      if (!this.watches(ref.serviceName, ref.environmentName)) return;
      await this.process(deployment, ref);
    } catch (error) {
      this.log.warn({ event: "watcher.hint_failed", deploymentId: hint.deploymentId, err: describe(error) }, "could not re-fetch a hinted deployment");
    }
  }

  /** Applies the rules to a deployment as the API reported it. Serialized per deployment. */
  private process(deployment: Deployment, instance: InstanceRef): Promise<void> {
    return this.withLock(deployment.id, async () => {
      const now = this.clock.now();
      const stateKey = keys.deployment(deployment.id);
      const prev = (await this.store.kvGet(stateKey)) as unknown as DeploymentState | null;
      if (prev && prev.status !== deployment.status && isOlderStatus(deployment.status, prev.status)) {
        this.log.info({ event: "watcher.stale_status", deploymentId: deployment.id, status: deployment.status, seen: prev.status }, "ignoring an older status");
        return;
      }
      const changed = !prev || prev.status !== deployment.status;
      const state: DeploymentState = changed ? { status: deployment.status, statusSince: now, card: prev?.card ?? null } : { ...prev };
      if (prev?.history) state.history = true;
      if (!prev && terminalStatuses.has(deployment.status) && now - Date.parse(deployment.createdAt) > this.rules.ignoreOlderThanMs) state.history = true;
      if (state.history) {
        if (changed) await this.saveState(stateKey, state);
        return;
      }

      const card = await this.cardFor(deployment, instance, state, changed, now);
      if (card && !(await this.deliver(deployment.id, instance, card.kind, card.reply, state))) return; // retried next cycle
      // A status-only edit keeps the title of the card it updates, so "Earlier: ..." names the real news.
      if (card) state.card = { kind: card.kind === "status" && state.card ? state.card.kind : card.kind, status: deployment.status, title: card.kind === "status" && state.card ? state.card.title : card.reply.title };
      if (changed || card) await this.saveState(stateKey, state);

      if (changed && deployment.status === "SUCCESS" && this.rules.http5xx.enabled) {
        const watch: FiveXxWatch = { deploymentId: deployment.id, instance, successAt: now, lastCheckAt: now };
        await this.store.kvSet(keys.fiveXx(deployment.id), watch as unknown as JsonObject, this.rules.http5xx.watchForMs + this.rules.http5xx.checkEveryMs);
      }
      if (changed && terminalStatuses.has(deployment.status) && this.rules.noCache.enabled && this.hasBudget()) await this.checkNoCache(instance);
    });
  }

  /** The card this deployment should show now, or null to leave things as they are. */
  private async cardFor(
    deployment: Deployment,
    instance: InstanceRef,
    state: DeploymentState,
    changed: boolean,
    now: number,
  ): Promise<{ kind: CardKind; reply: Reply } | null> {
    const { status } = deployment;
    const shown = state.card;
    if (failedStatuses.has(status)) {
      if (!changed || !this.rules.failures.enabled) return null;
      const tail = this.rules.failures.logTailLines;
      const [build, deploy] = await Promise.all([this.railway.buildLogs(deployment.id, tail), this.railway.deploymentLogs(deployment.id, tail)]);
      const diagnosis = diagnoseFailure(build, deploy);
      this.log.info({ event: "watcher.failure", deploymentId: deployment.id, service: instance.serviceName, diagnosis: diagnosis.kind }, "deployment failed");
      return diagnosis.kind === "stale_cache"
        ? { kind: "stale_cache", reply: staleCacheCard(instance, deployment, diagnosis.matches) }
        : { kind: "failure", reply: failureCard(instance, deployment, diagnosis.lines, diagnosis.cause) };
    }
    const elapsed = now - state.statusSince;
    if (status === "BUILDING" && this.rules.building.enabled && shown?.kind !== "building" && elapsed >= this.rules.building.afterMs) {
      return { kind: "building", reply: buildingCard(instance, deployment, elapsed) };
    }
    if (status === "NEEDS_APPROVAL" && this.rules.approval.enabled && shown?.kind !== "approval" && elapsed >= this.rules.approval.afterMs) {
      return { kind: "approval", reply: approvalCard(instance, deployment, elapsed) };
    }
    if (changed && shown && shown.status !== status) {
      return { kind: "status", reply: statusUpdateCard(instance, deployment, shown.title) };
    }
    return null;
  }

  /**
   * Shows `reply` as the deployment's one card: edits it when it exists; posts it otherwise
   * unless muted or cooling down. False when posting must be retried later.
   */
  private async deliver(deploymentId: string, instance: InstanceRef, kind: CardKind, reply: Reply, state: DeploymentState): Promise<boolean> {
    const existing = await this.messageRef(keys.card(deploymentId));
    if (existing && (await this.store.kvGet(keys.resolved(deploymentId))) !== null) return true;
    if (existing) {
      await this.update(existing, reply);
      this.log.info({ event: "watcher.card_updated", deploymentId, service: instance.serviceName, status: state.status }, "card updated");
      return true;
    }
    if (await this.isMuted(instance)) {
      this.log.info({ event: "watcher.muted_card", deploymentId, service: instance.serviceName }, "service muted: no card");
      return true;
    }
    const cooldown = await this.store.cooldownUntil(keys.cooldown(instance.serviceId, instance.environmentId));
    if (cooldown !== null && cooldown > this.clock.now()) {
      this.log.info({ event: "watcher.cooldown", deploymentId, service: instance.serviceName, until: cooldown }, "service cooling down: no card");
      return true;
    }
    if (!(await this.store.claimOnce(keys.postLock(deploymentId), postLockMs))) return false;
    const target = this.route(instance);
    const posted = await this.post(target, reply);
    this.onWarning(kind);
    await this.store.setMessageRef(keys.card(deploymentId), posted as unknown as JsonObject);
    await this.store.setCooldown(keys.cooldown(instance.serviceId, instance.environmentId), this.clock.now() + this.rules.cooldownMs);
    this.log.info({ event: "watcher.card_posted", deploymentId, service: instance.serviceName, environment: instance.environmentName, title: reply.title }, "card posted");
    return true;
  }

  // --- follow-ups: 5xx after success, forgotten NO_CACHE --------------------------------------

  private async followUps(): Promise<void> {
    const now = this.clock.now();
    if (this.rules.http5xx.enabled) {
      for (const { value } of await this.store.kvList(keys.fiveXxPrefix)) {
        const watch = value as unknown as FiveXxWatch;
        if (now - watch.lastCheckAt < this.rules.http5xx.checkEveryMs || !this.hasBudget()) continue;
        try {
          await this.checkFiveXx(watch, now);
        } catch (error) {
          this.log.warn({ event: "watcher.http5xx_failed", deploymentId: watch.deploymentId, err: describe(error) }, "could not read HTTP logs");
        }
      }
    }
    if (this.rules.noCache.enabled) {
      for (const { key, value } of await this.store.kvList(keys.noCachePrefix)) {
        const mark = value as unknown as NoCacheMark;
        if (mark.reminded || now - mark.since < this.rules.noCache.afterMs || !this.hasBudget()) continue;
        try {
          await this.remindNoCache(key, mark, now);
        } catch (error) {
          this.log.warn({ event: "watcher.no_cache_failed", service: mark.instance.serviceName, err: describe(error) }, "NO_CACHE reminder failed");
        }
      }
    }
  }

  private async checkFiveXx(watch: FiveXxWatch, now: number): Promise<void> {
    const entries = await this.railway.httpLogs(watch.deploymentId, 500);
    const burst = findFiveXxBurst(entries, this.rules.http5xx);
    const key = keys.fiveXx(watch.deploymentId);
    if (!burst) {
      const left = watch.successAt + this.rules.http5xx.watchForMs - now;
      if (left <= 0) await this.store.kvDelete(key);
      else await this.store.kvSet(key, { ...watch, lastCheckAt: now } as unknown as JsonObject, left + this.rules.http5xx.checkEveryMs);
      return;
    }
    await this.store.kvDelete(key);
    await this.withLock(watch.deploymentId, async () => {
      const deployment = await this.railway.deployment(watch.deploymentId);
      const stateKey = keys.deployment(deployment.id);
      const state = ((await this.store.kvGet(stateKey)) as unknown as DeploymentState | null) ?? { status: deployment.status, statusSince: now, card: null };
      const reply = fiveXxCard(watch.instance, deployment, burst);
      if (await this.deliver(deployment.id, watch.instance, "http5xx", reply, state)) {
        await this.saveState(stateKey, { ...state, card: { kind: "http5xx", status: deployment.status, title: reply.title } });
      }
    });
  }

  private async checkNoCache(instance: InstanceRef): Promise<void> {
    const key = keys.noCache(instance.serviceId, instance.environmentId);
    const names = await this.railway.variableNames({ projectId: this.projectId, serviceId: instance.serviceId, environmentId: instance.environmentId });
    const mark = (await this.store.kvGet(key)) as unknown as NoCacheMark | null;
    if (names.includes("NO_CACHE")) {
      if (!mark) await this.store.kvSet(key, { since: this.clock.now(), reminded: false, instance } as unknown as JsonObject);
    } else if (mark) {
      await this.store.kvDelete(key);
      const card = await this.messageRef(keys.noCacheCard(instance.serviceId, instance.environmentId));
      if (card) await this.update(card, noCacheRemovedCard(instance, null));
    }
  }

  private async remindNoCache(key: string, mark: NoCacheMark, now: number): Promise<void> {
    const { instance } = mark;
    // A cache-clear workflow sets NO_CACHE on purpose and removes it itself.
    if (await this.store.workflowByLock(`${this.projectId}:${instance.environmentId}:${instance.serviceId}`)) return;
    const names = await this.railway.variableNames({ projectId: this.projectId, serviceId: instance.serviceId, environmentId: instance.environmentId });
    if (!names.includes("NO_CACHE")) {
      await this.store.kvDelete(key);
      return;
    }
    if (await this.isMuted(instance)) return;
    if (!(await this.store.claimOnce(`${key}:post`, postLockMs))) return;
    const posted = await this.post(this.route(instance), noCacheCard(instance, now - mark.since));
    this.onWarning("no_cache");
    await this.store.setMessageRef(keys.noCacheCard(instance.serviceId, instance.environmentId), posted as unknown as JsonObject);
    await this.store.kvSet(key, { ...mark, reminded: true } as unknown as JsonObject);
    this.log.info({ event: "watcher.no_cache_reminder", service: instance.serviceName, environment: instance.environmentName }, "NO_CACHE reminder posted");
  }

  private async warnConfigFile(instance: InstanceRef, file: string): Promise<void> {
    const key = keys.configFile(instance.serviceId);
    if (await this.store.kvGet(key)) return;
    if (!(await this.store.claimOnce(`${key}:post`, postLockMs))) return;
    const posted = await this.post(this.route(instance), configFileCard(instance, file, this.clock.now()));
    this.onWarning("config_file");
    await this.store.kvSet(key, { file, ref: posted as unknown as JsonObject });
    this.log.info({ event: "watcher.config_file_warning", service: instance.serviceName, file }, "config-as-code warning posted");
  }

  // --- plumbing ------------------------------------------------------------------------------

  private watches(serviceName: string, environmentName: string): boolean {
    return (!this.services || this.services.has(serviceName.toLowerCase())) && (!this.environments || this.environments.has(environmentName.toLowerCase()));
  }

  private route(instance: InstanceRef): ChatTarget {
    const is = (want: string | undefined, id: string, name: string) => !want || want === id || want.toLowerCase() === name.toLowerCase();
    const route = this.routing.routes?.find((r) => is(r.service, instance.serviceId, instance.serviceName) && is(r.environment, instance.environmentId, instance.environmentName));
    return route?.target ?? this.routing.default;
  }

  private messenger(platform: Platform): Messenger {
    const messenger = this.messengers[platform];
    if (!messenger) throw new Error(`watcher: no messenger for ${platform}`);
    return messenger;
  }

  private post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    return this.messenger(target.platform).post(target, reply);
  }

  private update(ref: MessageRef, reply: Reply): Promise<void> {
    return this.messenger(ref.platform).update(ref, reply);
  }

  private async messageRef(key: string): Promise<MessageRef | null> {
    return (await this.store.getMessageRef(key)) as unknown as MessageRef | null;
  }

  private async isMuted(instance: InstanceRef): Promise<boolean> {
    return (await this.store.kvGet(keys.mute(instance.serviceId, instance.environmentId))) !== null;
  }

  /** Optional extra requests (log and variable checks) wait while the budget is nearly spent. */
  private hasBudget(): boolean {
    const budget = this.railway.rateBudget();
    if (budget.remaining === null) return true;
    const limit = budget.limit ?? budget.remaining;
    return budget.remaining > Math.max(10, Math.ceil(limit * 0.1));
  }

  private instanceRef(serviceId: string, environmentId: string): InstanceRef {
    const known = this.instances.get(instanceKey(serviceId, environmentId));
    return known ? toRef(this.projectId, known) : { projectId: this.projectId, serviceId, environmentId, serviceName: serviceId, environmentName: environmentId };
  }

  private async saveState(key: string, state: DeploymentState): Promise<void> {
    await this.store.kvSet(key, state as unknown as JsonValue, stateTtlMs);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
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

function instanceKey(serviceId: string, environmentId: string): string {
  return `${serviceId}:${environmentId}`;
}

function toRef(projectId: string, instance: ServiceInstanceStatus): InstanceRef {
  return {
    projectId,
    serviceId: instance.serviceId,
    serviceName: instance.serviceName,
    environmentId: instance.environmentId,
    environmentName: instance.environmentName,
  };
}

function describe(error: unknown): string {
  if (error instanceof RailwayError) return `${error.kind}: ${error.userMessage}`;
  return error instanceof Error ? error.message : String(error);
}
