import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { ErrorCode, LogLevel } from "@slack/web-api";
import { startFakeSlack, type FakeSlack } from "./server.js";
import {
  appMentionEvent,
  blockActionsPayload,
  eventCallbackPayload,
  sendToApp,
  slashCommandBody,
  slashCommandPayload,
  urlVerificationBody,
} from "./requests.js";
import { quietWebClient } from "./quiet-client.js";

const botToken = "xoxb-test-bot-token";
const appToken = "xapp-test-app-token";
const signingSecret = "test-signing-secret";

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack({ botToken, appToken });
});
afterEach(async () => {
  await slack.stop();
});

function client(token = botToken, retries = 0): WebClient {
  return quietWebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries }, logLevel: LogLevel.ERROR });
}

async function platformError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string } };
    if (e.code === ErrorCode.PlatformError) return e.data?.error ?? "";
    throw error;
  }
  throw new Error("call succeeded");
}

describe("fake Slack Web API", () => {
  it("posts a message, returns its ts and records the call with the token", async () => {
    const result = await client().chat.postMessage({ channel: "C0GENERAL", text: "hello" });
    expect(result.ok).toBe(true);
    expect(result.ts).toMatch(/^\d+\.\d{6}$/);
    const [call] = slack.callsTo("chat.postMessage");
    expect(call?.args).toMatchObject({ channel: "C0GENERAL", text: "hello" });
    expect(call?.token).toBe(botToken);
  });

  it("refuses a wrong bot token with invalid_auth and an app token with not_allowed_token_type", async () => {
    expect(await platformError(client("xoxb-wrong").chat.postMessage({ channel: "C0GENERAL", text: "x" }))).toBe("invalid_auth");
    expect(await platformError(client(appToken).chat.postMessage({ channel: "C0GENERAL", text: "x" }))).toBe("not_allowed_token_type");
  });

  it("answers channel_not_found, msg_too_long and message_not_found like Slack", async () => {
    const web = client();
    expect(await platformError(web.chat.postMessage({ channel: "C0NOPE", text: "x" }))).toBe("channel_not_found");
    expect(await platformError(web.chat.postMessage({ channel: "C0GENERAL", text: "x".repeat(40_001) }))).toBe("msg_too_long");
    expect(await platformError(web.chat.update({ channel: "C0GENERAL", ts: "1.000001", text: "x" }))).toBe("message_not_found");
  });

  it("answers not_in_channel where the bot is not a member and missing_scope for scopes not granted", async () => {
    expect(await platformError(client().chat.postMessage({ channel: "C0RANDOM", text: "x" }))).toBe("not_in_channel");
    await slack.stop();
    slack = await startFakeSlack({ botToken, scopes: ["chat:write"] });
    expect(await platformError(client().usergroups.list({ include_users: true }))).toBe("missing_scope");
    expect((await client().chat.postMessage({ channel: "C0GENERAL", text: "x" })).ok).toBe(true);
  });

  it.each([
    ["more than 50 blocks", Array.from({ length: 51 }, () => ({ type: "divider" }))],
    ["section text over 3000 characters", [{ type: "section", text: { type: "mrkdwn", text: "a".repeat(3001) } }]],
    [
      "button text over 75 characters",
      [{ type: "actions", elements: [{ type: "button", action_id: "a", text: { type: "plain_text", text: "b".repeat(76) } }] }],
    ],
    [
      "action_id over 255 characters",
      [{ type: "actions", elements: [{ type: "button", action_id: "a".repeat(256), text: { type: "plain_text", text: "b" } }] }],
    ],
    ["a block without a type", [{ text: { type: "mrkdwn", text: "x" } }]],
    ["a header in mrkdwn", [{ type: "header", text: { type: "mrkdwn", text: "x" } }]],
  ])("refuses blocks with %s as invalid_blocks", async (_name, blocks) => {
    expect(await platformError(client().chat.postMessage({ channel: "C0GENERAL", text: "t", blocks: blocks as never }))).toBe("invalid_blocks");
  });

  it("updates a posted message in place", async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: "C0GENERAL", text: "one" });
    await web.chat.update({ channel: "C0GENERAL", ts: posted.ts as string, text: "two" });
    expect(slack.messages.find((m) => m.ts === posted.ts)?.text).toBe("two");
  });

  it("posts ephemeral messages only to known users", async () => {
    const web = client();
    const result = await web.chat.postEphemeral({ channel: "C0GENERAL", user: "U0ALICE", text: "psst" });
    expect(result.message_ts).toBeDefined();
    expect(await platformError(web.chat.postEphemeral({ channel: "C0GENERAL", user: "U0NOBODY", text: "x" }))).toBe("user_not_in_channel");
  });

  it("answers ratelimited with HTTP 429 and Retry-After, then serves the retry", async () => {
    slack.rateLimit("chat.postMessage", 1, 1);
    const rejecting = quietWebClient(botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    await expect(rejecting.chat.postMessage({ channel: "C0GENERAL", text: "x" })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
    slack.rateLimit("chat.postMessage", 1, 1);
    const started = Date.now();
    const result = await client(botToken, 1).chat.postMessage({ channel: "C0GENERAL", text: "x" });
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(slack.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it("opens and publishes views, checking the view shape", async () => {
    const web = client();
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "Railcache" }, blocks: [{ type: "divider" }] };
    const opened = await web.views.open({ trigger_id: "1.2.abc", view });
    expect(opened.view?.id).toBeDefined();
    expect(await platformError(web.views.publish({ user_id: "U0ALICE", view: { ...view, type: "modal" } as never }))).toBe("invalid_arguments");
    const published = await web.views.publish({ user_id: "U0ALICE", view: { type: "home", blocks: [{ type: "divider" }] } });
    expect(published.ok).toBe(true);
  });

  it("describes channels and users and refuses unknown ones", async () => {
    const web = client();
    expect((await web.conversations.info({ channel: "D0DMUSER1" })).channel?.is_im).toBe(true);
    expect((await web.users.info({ user: "U0BOB" })).user?.id).toBe("U0BOB");
    expect(await platformError(web.users.info({ user: "U0NOBODY" }))).toBe("user_not_found");
  });

  it("hands out a Socket Mode URL only for the app-level token", async () => {
    expect((await client(appToken).apps.connections.open()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    expect(await platformError(client().apps.connections.open())).toBe("not_allowed_token_type");
  });
});

describe("real Bolt app over HTTP against the fake", () => {
  let app: InstanceType<typeof App>;
  let endpoint: string;
  beforeEach(async () => {
    app = new App({
      token: botToken,
      signingSecret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command("/railcache", async ({ ack, command, say }) => {
      await ack();
      await say(`you said ${command.text}`);
    });
    const server = (await app.start(0)) as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(async () => {
    await app.stop();
  });

  it("verifies auth.test against the fake and runs a signed slash command", async () => {
    const res = await sendToApp(endpoint, slashCommandBody({ text: "status web" }), { signingSecret });
    expect(res.status).toBe(200);
    const [post] = await slack.waitForCalls("chat.postMessage");
    expect(post?.args).toMatchObject({ channel: "C0GENERAL", text: "you said status web" });
    expect(slack.callsTo("auth.test")).toHaveLength(1);
  });

  it("refuses a bad signature with 401 and a five-minute-old timestamp with 401", async () => {
    const bad = await sendToApp(endpoint, slashCommandBody({ text: "x" }), { signingSecret, signature: "v0=deadbeef" });
    expect(bad.status).toBe(401);
    const stale = await sendToApp(endpoint, slashCommandBody({ text: "x" }), {
      signingSecret,
      timestampSec: Math.floor(Date.now() / 1000) - 301,
    });
    expect(stale.status).toBe(401);
    const wrongSecret = await sendToApp(endpoint, slashCommandBody({ text: "x" }), { signingSecret: "other" });
    expect(wrongSecret.status).toBe(401);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("answers url_verification with the challenge", async () => {
    const res = await sendToApp(endpoint, urlVerificationBody("chal-123"), { signingSecret });
    expect(await res.json()).toEqual({ challenge: "chal-123" });
  });
});

describe("real Bolt app in Socket Mode against the fake", () => {
  it("connects through apps.connections.open, gets hello, and acks each envelope", async () => {
    const app = new App({
      token: botToken,
      appToken,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } },
    });
    app.command("/railcache", async ({ ack }) => {
      await ack({ text: "on it" });
    });
    app.action("press", async ({ ack }) => {
      await ack();
    });
    app.event("app_mention", async ({ say }) => {
      await say("hi");
    });
    await app.start();
    try {
      await slack.waitForConnection();
      expect(slack.callsTo("apps.connections.open")[0]?.token).toBe(appToken);
      expect(await slack.deliver("slash_commands", slashCommandPayload({ text: "help" }))).toEqual({ text: "on it" });
      expect(await slack.deliver("interactive", blockActionsPayload({ actionId: "press", messageTs: "1.000001" }))).toEqual({});
      await slack.deliver("events_api", eventCallbackPayload(appMentionEvent({ text: "<@U0BOT> hi" })));
      const [post] = await slack.waitForCalls("chat.postMessage");
      expect(post?.args).toMatchObject({ channel: "C0GENERAL", text: "hi" });
      expect(slack.acks).toHaveLength(3);
    } finally {
      await app.stop();
    }
  });
});
