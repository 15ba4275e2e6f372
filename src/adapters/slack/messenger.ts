/**
 * Posting and editing Slack messages for core (workflow status, proactive warnings) and for
 * the listeners: chat.postMessage, chat.update and chat.postEphemeral with rendered Block Kit.
 */
import type { webApi } from "@slack/bolt";
import type { ChatTarget, MessageRef, Messenger } from "../../core/ports/chat.js";
import type { Reply } from "../../core/reply.js";
import { renderBlocks } from "./render.js";

export class SlackMessenger implements Messenger {
  constructor(private readonly client: webApi.WebClient) {}

  /** Posts in the channel (in the thread when `target.threadId` is set). `reply.private` is ignored: no user to show it to. */
  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    const message = renderBlocks(reply);
    const result = await this.client.chat.postMessage({
      channel: target.channelId,
      ...(target.threadId ? { thread_ts: target.threadId } : {}),
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    });
    return {
      platform: "slack",
      channelId: result.channel ?? target.channelId,
      ...(target.threadId ? { threadId: target.threadId } : {}),
      messageId: result.ts as string,
    };
  }

  async update(ref: MessageRef, reply: Reply): Promise<void> {
    const message = renderBlocks(reply);
    await this.client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: message.text, blocks: message.blocks });
  }

  /** A message only `userId` sees (not editable later, so never a workflow's status message). */
  async postPrivate(target: ChatTarget, userId: string, reply: Reply): Promise<void> {
    const message = renderBlocks(reply);
    await this.client.chat.postEphemeral({
      channel: target.channelId,
      user: userId,
      ...(target.threadId ? { thread_ts: target.threadId } : {}),
      text: message.text,
      blocks: message.blocks,
    });
  }
}
