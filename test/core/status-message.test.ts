import { afterEach, describe, expect, it } from "vitest";
import type { RequestContext } from "../../src/core/bot-core.js";
import type { ChatTarget, MessageRef, Messenger } from "../../src/core/ports/chat.js";
import type { Reply } from "../../src/core/reply.js";
import { startTestRuntime, type TestRuntime } from "../support/runtime.js";

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A chat platform as far as core can tell: what was posted and edited, and where. */
class Channel implements Messenger {
  readonly posts: { target: ChatTarget; reply: Reply }[] = [];
  readonly edits: { ref: MessageRef; reply: Reply }[] = [];
  failPosts = false;
  async post(target: ChatTarget, reply: Reply): Promise<MessageRef> {
    if (this.failPosts) throw Object.assign(new Error("An API error occurred: not_in_channel"), { code: "not_in_channel" });
    this.posts.push({ target, reply });
    return { ...target, messageId: `17000000${this.posts.length}.000100` };
  }
  async update(ref: MessageRef, reply: Reply): Promise<void> {
    this.edits.push({ ref, reply });
  }
}

const ctx: RequestContext = {
  actor: { platform: "slack", userId: "U0ALICE", displayName: "Alice", groups: [] },
  target: { platform: "slack", channelId: "C0DEPLOYS", threadId: "1700000000.000001" },
};

async function setUp(): Promise<Channel> {
  t = await startTestRuntime();
  const channel = new Channel();
  t.runtime.messengers.register("slack", channel);
  return channel;
}

describe("a workflow's status message", () => {
  it("is posted by core where the request came from and edited there at every step, with no message ref passed back", async () => {
    const channel = await setUp();
    const prompt = await t!.runtime.bot.command("clear web staging", ctx);
    expect(prompt.posted).toBeDefined();
    expect(channel.posts).toHaveLength(1);
    expect(channel.posts[0]!.target).toEqual(ctx.target);
    expect(channel.posts[0]!.reply.title).toBe("Clear the build cache of web in staging?");

    const confirmed = await t!.runtime.bot.action("confirm", prompt.workflowId!, ctx);
    expect(confirmed.posted).toEqual(prompt.posted);
    await t!.runtime.workflows!.settled(prompt.workflowId!);
    // One message: the prompt, then every step edited into it, ending with the outcome.
    expect(channel.posts).toHaveLength(1);
    expect(channel.edits.length).toBeGreaterThan(3);
    expect(channel.edits.every((e) => e.ref.messageId === prompt.posted!.messageId && e.ref.channelId === "C0DEPLOYS")).toBe(true);
    expect(channel.edits[0]!.reply.body).toMatch(/^Confirmed\./);
    expect(channel.edits.at(-1)!.reply.body).toMatch(/^Done: /);
  }, 60_000);

  it("is withdrawn when it cannot be posted, so the service is not locked until it expires", async () => {
    const channel = await setUp();
    channel.failPosts = true;
    await expect(t!.runtime.bot.command("clear web staging", ctx)).rejects.toThrow(/not_in_channel/);
    channel.failPosts = false;
    const again = await t!.runtime.bot.command("clear web staging", ctx);
    expect(again.posted).toBeDefined();
    expect(again.title).toBe("Clear the build cache of web in staging?");
  }, 60_000);

  it("is edited in place when the prompt is cancelled by its button", async () => {
    const channel = await setUp();
    const prompt = await t!.runtime.bot.command("clear web staging", ctx);
    const cancelled = await t!.runtime.bot.action("cancel", prompt.workflowId!, ctx);
    expect(cancelled.posted).toEqual(prompt.posted);
    expect(channel.posts).toHaveLength(1);
    expect(channel.edits.map((e) => e.reply.body)).toEqual([expect.stringMatching(/^Cancelled/)]);
  }, 60_000);
});
