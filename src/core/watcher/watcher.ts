/**
 * The deploy watcher: cards in a channel when a deploy fails (with a stale-cache diagnosis when
 * the logs show one), builds or approvals that hang, 5xx after a success, NO_CACHE left set and
 * services still configured from a file. One job a module, wired here:
 * - feed.ts: polling and webhook hints, the two ways a deployment comes in;
 * - lifecycle.ts: the card lifecycle table, one card per deployment, edited in place;
 * - follow-ups.ts: 5xx after success, NO_CACHE reminders, config-file warnings;
 * - actions.ts: the mute, unmute and remove-NO_CACHE buttons;
 * - routing.ts: which services are watched, their names, where cards go;
 * - state.ts: every record in the store, parsed with zod, so a restart neither repeats a card nor forgets one.
 */
import type { Logger } from "../../log.js";
import type { Outbox } from "../ports/chat.js";
import type { Clock } from "../ports/clock.js";
import type { RailwayApi } from "../ports/railway.js";
import type { Store } from "../ports/store.js";
import type { Reply } from "../reply.js";
import { CardActions } from "./actions.js";
import type { EndedWorkflow } from "./cards.js";
import type { WarningRule, WatcherContext } from "./context.js";
import { DeploymentFeed, type DeploymentHint, type HintOutcome } from "./feed.js";
import { FollowUps } from "./follow-ups.js";
import { CardLifecycle } from "./lifecycle.js";
import { KnownInstances, routeFor, WatchScope, type WatcherRouting } from "./routing.js";
import { resolveWatcherRules, type WatcherRules, type WatcherRulesInput } from "./rules.js";
import { WatcherState } from "./state.js";

export type { WarningRule } from "./context.js";
export type { DeploymentHint, HintOutcome } from "./feed.js";
export type { WatcherRoute, WatcherRouting } from "./routing.js";

export interface WatcherOptions {
  railway: RailwayApi;
  store: Store;
  projectId: string;
  /** Where cards go (the messenger registry): it must reach every platform the routes name. */
  outbox: Outbox;
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

export class Watcher {
  readonly rules: WatcherRules;
  private readonly feed: DeploymentFeed;
  private readonly cards: CardLifecycle;
  private readonly actions: CardActions;

  constructor(options: WatcherOptions) {
    this.rules = resolveWatcherRules(options.rules);
    const ctx: WatcherContext = {
      railway: options.railway,
      store: options.store,
      state: new WatcherState(options.store, options.clock, options.log),
      projectId: options.projectId,
      rules: this.rules,
      clock: options.clock,
      log: options.log,
      outbox: options.outbox,
      instances: new KnownInstances(options.projectId),
      route: (instance) => routeFor(options.routing, instance),
      onWarning: options.onWarning ?? (() => {}),
    };
    // Follow-ups start when a deployment's status changes, and the 5xx follow-up shows its card.
    this.cards = new CardLifecycle(ctx, (deployment, instance, now) => followUps.afterChange(deployment, instance, now));
    const followUps = new FollowUps(ctx, this.cards);
    this.feed = new DeploymentFeed(ctx, new WatchScope(options.services, options.environments), this.cards, followUps, options.pollIntervalMs ?? 30_000);
    this.actions = new CardActions(ctx);
  }

  /** Polls until `signal` aborts; errors are logged, never thrown. */
  run(signal?: AbortSignal): Promise<void> {
    return this.feed.run(signal);
  }

  /** One poll cycle: ONE projectStatus request, then the rules for every watched instance. */
  pollOnce(): Promise<void> {
    return this.feed.pollOnce();
  }

  /** A webhook's hint, checked now and followed up in the background. */
  acceptHint(hint: DeploymentHint): Promise<HintOutcome> {
    return this.feed.acceptHint(hint);
  }

  /** Resolves when background work started by hints has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.feed.idle();
  }

  /** No new cards for a service in an environment for `ms` (the card's "Mute 1 h"). */
  mute(serviceId: string, environmentId: string, ms?: number): Promise<void> {
    return this.actions.mute(serviceId, environmentId, ms);
  }

  unmute(serviceId: string, environmentId: string): Promise<void> {
    return this.actions.unmute(serviceId, environmentId);
  }

  /** End of the mute on a service in an environment, or null. */
  mutedUntil(serviceId: string, environmentId: string): Promise<number | null> {
    return this.actions.mutedUntil(serviceId, environmentId);
  }

  /** The `mute`, `unmute` and `remove_no_cache` buttons of the cards; permission checks are the caller's. */
  handleAction(kind: "mute" | "unmute" | "remove_no_cache", value: string, actorName?: string): Promise<Reply> {
    return this.actions.handle(kind, value, actorName);
  }

  /** Removes a forgotten NO_CACHE (not while a cache-clear workflow owns it) and edits the reminder. */
  removeNoCache(serviceId: string, environmentId: string, by: string | null = null): Promise<Reply> {
    return this.actions.removeNoCache(serviceId, environmentId, by);
  }

  /** A clear or redeploy started from a card has ended: the card gets its final text. */
  workflowEnded(ended: EndedWorkflow): Promise<void> {
    return this.cards.workflowEnded(ended);
  }
}
