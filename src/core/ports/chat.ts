/**
 * What core needs from the outside world, as plain interfaces. Adapters and entry points
 * implement them; tests pass the real implementations pointed at local fakes.
 */
import type { Reply } from "../reply.js";

export const platforms = ["slack", "discord", "console", "cli"] as const;
export type Platform = (typeof platforms)[number];

/** Who is asking, as the chat platform says. `groups` are Slack user groups or Discord role ids. */
export interface Actor {
  platform: Platform;
  userId: string;
  displayName?: string;
  groups: string[];
}

/** Where to post: a channel, optionally a thread within it. */
export interface ChatTarget {
  platform: Platform;
  channelId: string;
  threadId?: string;
}

/** A posted message that can be edited later (persisted, so it survives a restart). */
export interface MessageRef extends ChatTarget {
  messageId: string;
}

/** One per platform: posts and edits messages. Implemented by each adapter. */
export interface Messenger {
  post(target: ChatTarget, reply: Reply): Promise<MessageRef>;
  update(ref: MessageRef, reply: Reply): Promise<void>;
}

/**
 * Where core posts and edits messages, whatever the platform: `post` returns the ref that later
 * edits use. One outbox (the messenger registry, core/messengers.ts) serves the workflow engine,
 * the watcher and BotCore; adapters only implement a Messenger and render.
 */
export interface Outbox extends Messenger {
  /** A message on `platform` can be posted or edited from this process (a CLI run cannot edit a Slack message). */
  reaches(platform: Platform): boolean;
}
