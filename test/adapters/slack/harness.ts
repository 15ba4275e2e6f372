/**
 * Starts the fake Slack and the real adapter (real Bolt) against it, in HTTP or Socket Mode,
 * with one way to play Slack's side in either mode: signed HTTP requests or Socket Mode
 * envelopes. Tests pass the real BotCore.
 */
import { Writable } from "node:stream";
import type { BotCore } from "../../../src/core/bot-core.js";
import { createLogger } from "../../../src/log.js";
import { createSlackApp, type SlackApp } from "../../../src/adapters/slack/app.js";
import { botScopes } from "../../../src/adapters/slack/manifest.js";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack/server.js";
import {
  appMentionEvent,
  blockActionsBody,
  blockActionsPayload,
  directMessageEvent,
  eventCallbackBody,
  eventCallbackPayload,
  sendToApp,
  slashCommandBody,
  slashCommandPayload,
  type ButtonClick,
  type MessageEventInput,
  type SlashCommand,
} from "../../fakes/slack/requests.js";

export const BOT_TOKEN = "xoxb-1111-2222-railcache-bot-token";
export const APP_TOKEN = "xapp-1-test-railcache-app-token";
export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

export type Mode = "http" | "socket";

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface SlackHarness {
  mode: Mode;
  slack: FakeSlack;
  adapter: SlackApp;
  /** HTTP mode: the app's events URL. */
  endpoint: string | undefined;
  logs: Record<string, unknown>[];
  /** Messages the app sent back inside its acknowledgements (HTTP response bodies, Socket Mode ack payloads). */
  ackReplies(): Record<string, unknown>[];
  command(cmd: SlashCommand): Promise<void>;
  click(click: ButtonClick): Promise<void>;
  /** Delivers an event_callback; `retryNum` marks it as Slack's redelivery of `eventId`. */
  event(kind: "mention" | "dm", input: MessageEventInput, opts?: { eventId?: string; retryNum?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  bot: BotCore;
  mode: Mode;
  retries?: number;
  userGroups?: Array<{ id: string; handle: string; users: string[] }>;
  /** Workspace members besides the fake's default U0ALICE and U0BOB (ephemeral replies reach only members). */
  users?: string[];
}

export async function startSlackHarness(options: HarnessOptions): Promise<SlackHarness> {
  // The fake grants exactly the manifest's scopes, so a call the manifest does not cover fails.
  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    scopes: botScopes(),
    userGroups: options.userGroups ?? [],
    ...(options.users ? { users: ["U0ALICE", "U0BOB", ...options.users] } : {}),
  });
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const adapter = createSlackApp({
    config: {
      mode: options.mode,
      botToken: BOT_TOKEN,
      ...(options.mode === "http" ? { signingSecret: SIGNING_SECRET, port: 0 } : { appToken: APP_TOKEN, pingTimeoutMs: 1_000 }),
      apiUrl: slack.apiUrl,
      retries: options.retries ?? 0,
    },
    bot: options.bot,
    log: createLogger({ level: "debug", destination }),
  });
  const { port } = await adapter.start();
  const endpoint = port === undefined ? undefined : `http://127.0.0.1:${port}/slack/events`;
  if (options.mode === "socket") await slack.waitForConnection();

  const httpAckReplies: Record<string, unknown>[] = [];
  async function post(delivery: { body: string; contentType: string }, retryNum?: number): Promise<void> {
    const res = await sendToApp(endpoint as string, delivery, { signingSecret: SIGNING_SECRET, ...(retryNum !== undefined ? { retryNum } : {}) });
    if (res.status !== 200) throw new Error(`app answered HTTP ${res.status}`);
    const body = await res.text();
    if (body) httpAckReplies.push(JSON.parse(body) as Record<string, unknown>);
  }

  return {
    mode: options.mode,
    slack,
    adapter,
    endpoint,
    logs,
    ackReplies: () => (options.mode === "http" ? httpAckReplies : slack.acks.map((a) => a.payload).filter((p) => Object.keys(p).length > 0)),
    async command(input) {
      const cmd = { responseUrl: `${slack.hooksUrl}commands/T0RAILCACHE/1`, ...input };
      if (options.mode === "http") await post(slashCommandBody(cmd));
      else await slack.deliver("slash_commands", slashCommandPayload(cmd));
    },
    async click(click) {
      if (options.mode === "http") await post(blockActionsBody(click));
      else await slack.deliver("interactive", blockActionsPayload(click));
    },
    async event(kind, input, opts = {}) {
      const event = kind === "mention" ? appMentionEvent(input) : directMessageEvent(input);
      if (options.mode === "http") await post(eventCallbackBody(event, opts.eventId), opts.retryNum);
      else await slack.deliver("events_api", eventCallbackPayload(event, opts.eventId), opts.retryNum ? { retryAttempt: opts.retryNum } : {});
    },
    async stop() {
      await adapter.stop();
      await slack.stop();
    },
  };
}
