/**
 * The buttons on the watcher's cards: mute and unmute a service's warnings, and remove a
 * forgotten NO_CACHE. Permission checks are the caller's (BotCore).
 */
import { toUserReply } from "../errors.js";
import type { Reply } from "../reply.js";
import { NO_CACHE, serviceLockKey } from "../workflow/no-cache.js";
import { mutedReply, noCacheRemovedCard, parseActionValue, whereText } from "./cards.js";
import type { WatcherContext } from "./context.js";

const hour = 60 * 60 * 1000;

export class CardActions {
  constructor(private readonly ctx: WatcherContext) {}

  /** No new cards for a service in an environment for `ms` (the card's "Mute 1 h"). */
  async mute(serviceId: string, environmentId: string, ms = hour): Promise<void> {
    await this.ctx.state.mute(serviceId, environmentId, ms);
    this.ctx.log.info({ event: "watcher.muted", serviceId, environmentId, ms }, "watcher muted");
  }

  async unmute(serviceId: string, environmentId: string): Promise<void> {
    await this.ctx.state.unmute(serviceId, environmentId);
  }

  /** End of the mute on a service in an environment, or null. */
  mutedUntil(serviceId: string, environmentId: string): Promise<number | null> {
    return this.ctx.state.mutedUntil(serviceId, environmentId);
  }

  /**
   * A click on `mute`, `unmute` or `remove_no_cache`. `value` is the button's value
   * (`serviceId@environmentId`); `actorName` goes into the edited card. Returns a Reply for the
   * person who clicked.
   */
  async handle(kind: "mute" | "unmute" | "remove_no_cache", value: string, actorName?: string): Promise<Reply> {
    const parsed = parseActionValue(value);
    if (!parsed) return { title: "Unknown target", body: `\`${value}\` does not name a service and environment.`, tone: "error", private: true };
    const ref = this.ctx.instances.ref(parsed.service, parsed.environment);
    const by = actorName || "someone";
    if (kind === "mute") {
      await this.mute(parsed.service, parsed.environment, hour);
      // Public: the channel learns who muted what, for how long, and can undo it.
      return mutedReply(ref, by, this.ctx.clock.now() + hour);
    }
    if (kind === "unmute") {
      await this.unmute(parsed.service, parsed.environment);
      return {
        title: `Warnings back on for ${ref.serviceName} (${ref.environmentName})`,
        body: `${by} ended the mute: new warnings for ${whereText(ref)} are posted again.`,
        tone: "info",
      };
    }
    return this.removeNoCache(parsed.service, parsed.environment, actorName ?? null);
  }

  /** Removes a forgotten NO_CACHE (not while a cache-clear workflow owns it) and edits the reminder. */
  async removeNoCache(serviceId: string, environmentId: string, by: string | null = null): Promise<Reply> {
    const { railway, store, state, outbox, log, projectId } = this.ctx;
    const ref = this.ctx.instances.ref(serviceId, environmentId);
    const target = { projectId, serviceId, environmentId };
    if (await store.workflowByLock(serviceLockKey(projectId, environmentId, serviceId))) {
      return {
        title: "Not now",
        body: `A cache-clear workflow is running on \`${ref.serviceName}\`; it removes \`${NO_CACHE}\` itself when it finishes.`,
        tone: "warning",
        private: true,
      };
    }
    try {
      const names = await railway.variableNames(target);
      if (names.includes(NO_CACHE)) await railway.deleteVariable(target, NO_CACHE);
    } catch (error) {
      return { ...toUserReply(error), title: `${NO_CACHE} not removed` };
    }
    await state.forgetNoCache(serviceId, environmentId);
    const card = await state.noCacheCardRef(serviceId, environmentId);
    if (card) await outbox.update(card, noCacheRemovedCard(ref, by));
    log.info({ event: "watcher.no_cache_removed", service: ref.serviceName, environment: ref.environmentName }, "NO_CACHE removed");
    return {
      title: `${NO_CACHE} removed`,
      body: `\`${NO_CACHE}\` is gone from \`${ref.serviceName}\` in **${ref.environmentName}**. Railway deploys it again with the cache.`,
      tone: "success",
      private: true,
    };
  }
}
