/**
 * End to end: Slack's side played by the fake (signed HTTP requests or Socket Mode envelopes),
 * the real Bolt app and adapter, the real core over the Railway simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coreMissing, startCore, type CoreFixture } from "./core.js";
import { SIGNING_SECRET, startSlackHarness, waitFor, type Mode, type SlackHarness } from "./harness.js";
import { sendToApp, slashCommandBody, urlVerificationBody } from "../../fakes/slack/requests.js";
import { validateBlocks } from "../../fakes/slack/block-kit.js";
import type { RecordedCall } from "../../fakes/slack/server.js";

type AnyBlock = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function buttons(call: RecordedCall | undefined): AnyBlock[] {
  const blocks = (call?.args.blocks ?? []) as AnyBlock[];
  return blocks.filter((b) => b.type === "actions").flatMap((b) => b.elements as AnyBlock[]);
}

describe.skipIf(!startCore).each(["http", "socket"] as Mode[])(`Slack adapter in %s mode (${startCore ? "real core" : `skipped: ${coreMissing}`})`, (mode) => {
  let core: CoreFixture;
  let h: SlackHarness;
  beforeEach(async () => {
    core = await (startCore as () => Promise<CoreFixture>)();
    h = await startSlackHarness({ bot: core.bot, mode });
    core.useMessenger(h.adapter.messenger);
  });
  afterEach(async () => {
    await h.stop();
    await core.close();
  });

  it("answers a mention in a thread with valid Block Kit", async () => {
    await h.event("mention", { text: "<@U0BOT> why does my Django build still use the old requirements.txt?", ts: "1700000000.000100" });
    const [post] = await h.slack.waitForCalls("chat.postMessage");
    expect(post?.status).toBe(200);
    expect(post?.response.ok).toBe(true);
    expect(post?.args.thread_ts).toBe("1700000000.000100");
    expect(validateBlocks(post?.args.blocks)).toEqual([]);
    expect((post?.args.blocks as AnyBlock[])[0]?.type).toBe("header");
  });

  it("echoes no live link, bidi override or NUL from a question into the public answer", async () => {
    await h.event("mention", { text: "<@U0BOT> [click here](https://evil.example/phish) ModuleNotFoundError: No module named \u202eevil\u0000 after deploy" });
    await h.event("mention", { text: "<@U0BOT> <https://evil.example/x|docs> ImportError: cannot import name \u2066foo after deploy" });
    const posts = await h.slack.waitForCalls("chat.postMessage", 2);
    for (const post of posts) {
      const shown = JSON.stringify(post?.args.blocks);
      expect(shown).toMatch(/click here|docs/);
      expect(shown).not.toMatch(/<https?:|https?:\/\/evil/i);
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(shown).not.toMatch(/[\u202e\u2066\u0000]|\\u202e|\\u0000/);
    }
  });

  it("answers a direct message in its thread", async () => {
    await h.event("dm", { text: "how do I clear the build cache?", ts: "1700000000.000200" });
    const [post] = await h.slack.waitForCalls("chat.postMessage");
    expect(post?.args).toMatchObject({ channel: "D0DMUSER1", thread_ts: "1700000000.000200" });
  });

  it("drops a retried delivery of the same event", async () => {
    await h.event("mention", { text: "<@U0BOT> stale cache?" }, { eventId: "Ev0SAME" });
    await h.event("mention", { text: "<@U0BOT> stale cache?" }, { eventId: "Ev0SAME", retryNum: 1 });
    await h.slack.waitForCalls("chat.postMessage");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);
    expect(h.logs.some((l) => l.event === "slack.event.duplicate")).toBe(true);
  });

  it("answers an unknown subcommand with usage help inside the ack, privately and without a stack trace", async () => {
    await h.command({ text: "frobnicate --now" });
    await waitFor(() => h.ackReplies().length > 0, "a reply in the ack");
    const [reply] = h.ackReplies();
    expect(reply?.response_type).toBe("ephemeral");
    expect(JSON.stringify(reply)).toContain("/railcache");
    expect(JSON.stringify(reply)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(validateBlocks(reply?.blocks)).toEqual([]);
    // Nothing else was sent: the ack carried the whole answer.
    expect(h.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
  });

  it("answers a question inside the ack, in the channel", async () => {
    await h.command({ text: "ask my build cache is stale after adding a model" });
    await waitFor(() => h.ackReplies().length > 0, "a reply in the ack");
    expect(h.ackReplies()[0]).toMatchObject({ response_type: "in_channel" });
    expect(JSON.stringify(h.ackReplies()[0])).toMatch(/stale build cache/i);
  });

  it("answers a command in a channel the bot is not in through the response_url", async () => {
    await h.command({ text: "status web", channelId: "C0RANDOM" });
    await waitFor(() => h.slack.responses.length > 0, "a response_url message");
    expect(JSON.stringify(h.slack.responses[0]?.body)).toContain("web");
  });

  it("withdraws a clear whose prompt cannot be posted (bot not in the channel), says so, and leaves the service free", async () => {
    await h.command({ text: "clear web production", channelId: "C0RANDOM", userId: "U0ALICE" });
    await waitFor(() => h.slack.responses.length > 0, "a response_url message");
    expect(JSON.stringify(h.slack.responses[0]?.body)).toMatch(/Nothing was started and the service is not locked/);
    // The lock is free at once: the same clear in a channel the bot is in gets its prompt.
    await h.command({ text: "clear web production", userId: "U0ALICE" });
    await waitFor(
      () => h.slack.callsTo("chat.postMessage").some((c) => c.args.channel === "C0GENERAL") || h.slack.callsTo("chat.postEphemeral").length > 0,
      "an answer to the second clear",
    );
    const card = h.slack.callsTo("chat.postMessage").find((c) => c.args.channel === "C0GENERAL");
    expect(card?.response.ok).toBe(true);
    expect(buttons(card).some((b) => String(b.action_id).startsWith("railcache:confirm:"))).toBe(true);
  });

  it("runs /railcache clear through confirmation: others' clicks are refused, the requester's confirm updates the card in place", async () => {
    await h.command({ text: "clear web production", userId: "U0ALICE" });
    const [card] = await h.slack.waitForCalls("chat.postMessage");
    const confirm = buttons(card).find((b) => String(b.action_id).startsWith("railcache:confirm:"));
    expect(confirm, "the card has a Confirm button").toBeDefined();
    expect(buttons(card).some((b) => String(b.action_id).startsWith("railcache:cancel:"))).toBe(true);
    const ts = card?.response.ts as string;

    await h.click({ actionId: confirm?.action_id, value: confirm?.value, messageTs: ts, userId: "U0BOB" });
    const [refusal] = await h.slack.waitForCalls("chat.postEphemeral");
    expect(refusal?.args.user).toBe("U0BOB");
    expect(h.slack.callsTo("chat.update")).toHaveLength(0);

    await h.click({ actionId: confirm?.action_id, value: confirm?.value, messageTs: ts, userId: "U0ALICE" });
    const [update] = await h.slack.waitForCalls("chat.update");
    expect(update?.args).toMatchObject({ channel: "C0GENERAL", ts });
    await waitFor(() => core.railwayMutations().includes("ServiceInstanceDeployV2"), "a rebuild from source on the simulator");
    // Every later workflow step edits the same message, never posts a new one.
    await waitFor(() => h.slack.callsTo("chat.update").length >= 2, "a further status update");
    expect(h.slack.callsTo("chat.update").every((c) => c.args.ts === ts && c.response.ok === true)).toBe(true);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("keeps posting when Slack answers ratelimited, after Retry-After", async () => {
    await h.stop();
    h = await startSlackHarness({ bot: core.bot, mode, retries: 1 });
    core.useMessenger(h.adapter.messenger);
    h.slack.rateLimit("chat.postMessage", 1, 1);
    await h.event("mention", { text: "<@U0BOT> build cache stale" });
    const calls = await h.slack.waitForCalls("chat.postMessage", 2);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it.runIf(mode === "http")("refuses a bad signature and a stale timestamp with 401 and answers url_verification", async () => {
    const endpoint = h.endpoint as string;
    expect((await sendToApp(endpoint, slashCommandBody({ text: "help" }), { signingSecret: "wrong-secret" })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendToApp(endpoint, slashCommandBody({ text: "help" }), { signingSecret: SIGNING_SECRET, timestampSec: stale })).status).toBe(401);
    const verified = await sendToApp(endpoint, urlVerificationBody("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), { signingSecret: SIGNING_SECRET });
    expect(await verified.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(h.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
  });

  it("acks a slash command before doing the work", async () => {
    // Slack holds chat.postMessage for a second: the ack must not wait for it.
    await h.stop();
    h = await startSlackHarness({ bot: core.bot, mode, retries: 1 });
    core.useMessenger(h.adapter.messenger);
    h.slack.rateLimit("chat.postMessage", 1, 1);
    const started = Date.now();
    await h.command({ text: "status web" });
    expect(Date.now() - started).toBeLessThan(800);
    await h.slack.waitForCalls("chat.postMessage", 2);
    if (mode === "socket") expect(h.slack.acks.at(-1)?.payload).toEqual({});
  });
});
