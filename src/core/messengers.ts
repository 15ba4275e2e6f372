/**
 * The outbox: messengers by platform. Adapters register theirs when they start; the workflow
 * engine, the watcher and BotCore post and edit through this one registry without knowing which
 * platforms are connected (a platform registered later is reached from then on).
 */
import type { ChatTarget, MessageRef, Messenger, Outbox, Platform } from "./ports/chat.js";
import type { Reply } from "./reply.js";

export class MessengerRegistry implements Outbox {
  private readonly byPlatform: Partial<Record<Platform, Messenger>> = {};

  /** `onError`: a post or edit failed on that platform (metrics); the error still reaches the caller. */
  constructor(private readonly options: { onError?: (platform: Platform) => void } = {}) {}

  /** A registry with these messengers already registered (one process, a fixed set of platforms). */
  static of(messengers: Partial<Record<Platform, Messenger>>): MessengerRegistry {
    const registry = new MessengerRegistry();
    for (const [platform, messenger] of Object.entries(messengers) as [Platform, Messenger][]) registry.register(platform, messenger);
    return registry;
  }

  register(platform: Platform, messenger: Messenger): void {
    const onError = this.options.onError;
    this.byPlatform[platform] = onError ? reportingErrors(messenger, () => onError(platform)) : messenger;
  }

  reaches(platform: Platform): boolean {
    return platform in this.byPlatform;
  }

  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    return this.get(target.platform).post(target, reply);
  }

  async update(ref: MessageRef, reply: Reply): Promise<void> {
    await this.get(ref.platform).update(ref, reply);
  }

  private get(platform: Platform): Messenger {
    const messenger = this.byPlatform[platform];
    if (!messenger) throw new Error(`No ${platform} connection is running, so the message cannot be delivered there.`);
    return messenger;
  }
}

function reportingErrors(messenger: Messenger, onError: () => void): Messenger {
  return {
    post: (target, reply) =>
      messenger.post(target, reply).catch((error: unknown) => {
        onError();
        throw error;
      }),
    update: (ref, reply) =>
      messenger.update(ref, reply).catch((error: unknown) => {
        onError();
        throw error;
      }),
  };
}
