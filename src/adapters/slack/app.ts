/**
 * The Slack side of railcache: a Bolt app in HTTP or Socket Mode that turns mentions, DMs,
 * `/railcache` and button clicks into BotCore calls and posts what comes back. Every listener
 * acks first and works after; retried event deliveries are dropped by event_id.
 */
import type { AddressInfo } from "node:net";
import type { RequestListener, Server } from "node:http";
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type Receiver, type RespondFn, webApi } from "@slack/bolt";
import { KnownFailure, toUserReply } from "../../core/errors.js";
import { describeNetworkError, displayUrl } from "../../system-errors.js";
import type { BotCore, RequestContext, TrackedReply } from "../../core/bot-core.js";
import type { Actor, ChatTarget } from "../../core/ports/chat.js";
import type { Reply } from "../../core/reply.js";
import type { Logger } from "../../log.js";
import { eventsPath, slashCommand } from "./manifest.js";
import { slackToMarkdown } from "./mrkdwn.js";
import { SlackMessenger } from "./messenger.js";
import { guardSlackRequests, guardSocketMode } from "./request-guard.js";
import { actionIdPattern, decodeAction, renderBlocks } from "./render.js";
import { SlackUserGroups } from "./user-groups.js";

export interface SlackConfig {
  mode: "http" | "socket";
  botToken: string;
  /** HTTP mode: verifies every request (v0 signatures). */
  signingSecret?: string;
  /** Socket Mode: the app-level token (xapp-...) with connections:write. */
  appToken?: string;
  /** HTTP mode: port to listen on (0 picks a free one); default 3000. */
  port?: number;
  /**
   * HTTP mode: do not listen; serve Slack through `requestListener` on a server of the caller's
   * (so one port carries Slack, health checks, metrics and webhooks).
   */
  mounted?: boolean;
  /** Web API base ending in `/api/`; default Slack's. Tests point it at a local fake. */
  apiUrl?: string;
  /** Web API retries on errors and `ratelimited` (Retry-After is honoured); default 3. */
  retries?: number;
  /** Socket Mode: how long to wait for a pong before reconnecting; default 5000 ms. */
  pingTimeoutMs?: number;
  /** On stop, how long to wait for replies still being worked on; default 10 s. */
  drainMs?: number;
}

export interface SlackApp {
  app: App;
  messenger: SlackMessenger;
  /** Checks the bot token (auth.test), then listens (HTTP) or connects (Socket Mode). */
  start(): Promise<{ port?: number }>;
  /** HTTP mode: Bolt's handler for `/slack/events`, for a server of the caller's (see `mounted`). */
  requestListener: RequestListener | undefined;
  /** Lets in-flight work finish, then stops receiving. */
  stop(): Promise<void>;
}

/** Buttons that act on the message they sit on; any other click posts a new message in its thread. */
const inPlaceKinds = new Set(["confirm", "cancel"]);

const inviteReply: Reply = {
  title: "Invite railcache to this channel first",
  body: "Nothing was started and the service is not locked. railcache posts the status of a cache clear or redeploy here and updates it as it runs, so it must be a member: type `/invite @railcache`, then run the command again.",
  tone: "warning",
  private: true,
};

/** Bolt's logger interface on top of pino; never below info, so payloads are not logged. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: "bolt" });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  return {
    debug: () => undefined,
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

/** `config check --probe`: asks Slack (auth.test, no retries) whether it accepts the bot token. */
export async function checkSlackToken(config: { botToken: string; apiUrl?: string | undefined }): Promise<string> {
  const client = new webApi.WebClient(config.botToken, {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
    logger: quietLogger,
  });
  try {
    const result = await client.auth.test();
    return `Slack accepts SLACK_BOT_TOKEN (bot ${result.user ?? "?"} in workspace ${result.team ?? "?"})`;
  } catch (error) {
    throw slackStartFailure(error, config.apiUrl);
  }
}

/** The Web API client's own logger would print its retries and errors; the caller reports them. */
const quietLogger: BoltLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** Why auth.test failed, in one sentence naming the endpoint: a refused token is a setting to fix, no answer is an outage. */
function slackStartFailure(error: unknown, apiUrl: string | undefined): KnownFailure {
  const endpoint = `${displayUrl(apiUrl ?? "https://slack.com/api/").replace(/\/$/, "")}/auth.test`;
  const network = describeNetworkError(error);
  if (network) return new KnownFailure(`Cannot reach Slack at ${endpoint}: ${network}.`, { cause: error, title: "Slack is not reachable" });
  const code = errorSummary(error).code;
  if (code && /^(invalid_auth|not_authed|account_inactive|token_revoked|token_expired|not_allowed_token_type|missing_scope)$/.test(code)) {
    return new KnownFailure(
      `Slack refused SLACK_BOT_TOKEN at ${endpoint} (${code}): copy the Bot User OAuth Token (xoxb-...) again from OAuth & Permissions.`,
      { cause: error, category: "configuration" },
    );
  }
  return new KnownFailure(`Could not verify the Slack bot token at ${endpoint}: ${code ?? "no usable answer from Slack"}.`, { cause: error });
}

function errorSummary(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; data?: { error?: unknown } };
  const code = typeof e?.data?.error === "string" ? e.data.error : typeof e?.code === "string" ? e.code : undefined;
  return { ...(code ? { code } : {}), message: error instanceof Error ? error.message : String(error) };
}

function buildReceiver(config: SlackConfig, logger: BoltLogger, clientOptions: object): Receiver {
  if (config.mode === "socket") {
    if (!config.appToken) throw new Error("Slack Socket Mode needs an app-level token (SLACK_APP_TOKEN, xapp-...).");
    return new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions },
      ...(config.pingTimeoutMs ? { clientPingTimeout: config.pingTimeoutMs } : {}),
    });
  }
  if (!config.signingSecret) throw new Error("Slack HTTP mode needs the signing secret (SLACK_SIGNING_SECRET).");
  // The request guard (createSlackApp) verifies every request to the endpoint before Bolt sees
  // it; a second HMAC here was a tenth of railcache's CPU per slash command beyond a bare app.
  return new HTTPReceiver({ signingSecret: config.signingSecret, signatureVerification: false, endpoints: eventsPath, logger, port: config.port ?? 3000 });
}

/** Builds the Bolt app and its listeners; nothing touches the network until `start()`. */
export function createSlackApp({ config, bot, log }: { config: SlackConfig; bot: BotCore; log: Logger }): SlackApp {
  const logger = boltLogger(log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig: { retries: config.retries ?? 3 },
  };
  const receiver = buildReceiver(config, logger, clientOptions);
  if (receiver instanceof HTTPReceiver && config.signingSecret) {
    // Bolt's own server calls this property too, so the guard covers both ways of serving HTTP.
    receiver.requestListener = guardSlackRequests(receiver.requestListener, { signingSecret: config.signingSecret, endpoints: [eventsPath], log });
  }
  if (receiver instanceof SocketModeReceiver) guardSocketMode(receiver.client, log);
  // No conversation store: nothing here reads context.conversation, and Bolt's default in-memory
  // one costs a rejected lookup on every request, slash commands included.
  const app = new App({ token: config.botToken, receiver, logger, clientOptions, deferInitialization: true, convoStore: false });
  const messenger = new SlackMessenger(app.client);
  const userGroups = new SlackUserGroups(app.client, log);
  const inFlight = new Set<Promise<void>>();
  let started = false;

  app.error(async (error) => {
    log.error({ event: "slack.error", ...errorSummary(error) }, "Slack listener failed");
  });

  /** Who is asking and where: the people and place a failure is reported to. */
  interface Origin {
    userId: string;
    displayName?: string;
    target: ChatTarget;
  }

  /**
   * Runs work after the ack with the request's context (user groups are looked up here, not
   * before the ack); a failure is logged and the person told, never shown as a trace.
   */
  function afterAck(name: string, origin: Origin, work: (ctx: RequestContext) => Promise<void>): void {
    const task = actor(origin.userId, origin.displayName)
      .then((who) => work({ actor: who, target: origin.target }))
      .catch(async (error: unknown) => {
        log.error({ event: `slack.${name}.failed`, channel: origin.target.channelId, ...errorSummary(error) }, "Slack request failed");
        await messenger.postPrivate(origin.target, origin.userId, toUserReply(error)).catch(() => undefined);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  }

  /** Posts a reply where the request came from, unless core already posted it (a workflow's status message). */
  async function deliver(reply: TrackedReply, ctx: RequestContext): Promise<void> {
    if (reply.posted) return;
    if (reply.private) await messenger.postPrivate(ctx.target, ctx.actor.userId, reply);
    else await messenger.post(ctx.target, reply);
  }

  async function actor(userId: string, displayName?: string): Promise<Actor> {
    return { platform: "slack", userId, ...(displayName ? { displayName } : {}), groups: await userGroups.of(userId) };
  }

  /** Slack redelivers an event it thinks was not acked, possibly to another replica: the core remembers ids across replicas. */
  async function isRedelivery(eventId: unknown, retryNum: number | undefined): Promise<boolean> {
    if (typeof eventId !== "string" || (await bot.firstDelivery(`slack:${eventId}`))) return false;
    log.info({ event: "slack.event.duplicate", eventId, retryNum }, "Dropped a redelivered Slack event");
    return true;
  }

  function question(text: string, userId: string, target: ChatTarget): void {
    afterAck("ask", { userId, target }, async (ctx) => {
      log.info({ event: "slack.ask", channel: target.channelId, user: userId }, "Question from Slack");
      await deliver(await bot.ask(slackToMarkdown(text), ctx), ctx);
    });
  }

  // Events are acked by Bolt before listeners run; questions are answered in a thread. Mentions and
  // DMs share one listener: Bolt runs every listener's middleware for every request, commands too.
  app.event(/^(app_mention|message)$/, async ({ event, body, context }) => {
    if (event.type === "app_mention") {
      if (!event.user || (await isRedelivery(body.event_id, context.retryNum))) return;
      question(event.text, event.user, { platform: "slack", channelId: event.channel, threadId: event.thread_ts ?? event.ts });
      return;
    }
    // Only plain messages people send in a DM with the bot: no edits, joins or bot posts.
    if (event.type !== "message" || event.channel_type !== "im" || event.subtype !== undefined || !("user" in event) || "bot_id" in event) return;
    if (await isRedelivery(body.event_id, context.retryNum)) return;
    question(event.text ?? "", event.user, { platform: "slack", channelId: event.channel, threadId: event.thread_ts ?? event.ts });
  });

  /**
   * A command used in a channel the bot is not in cannot be answered with chat.postMessage;
   * Slack's response_url still reaches the person. A workflow card needs later edits, so
   * there the person is asked to invite the bot instead.
   */
  async function deliverCommandReply(work: Promise<TrackedReply>, ctx: RequestContext, respond: RespondFn): Promise<void> {
    let reply: TrackedReply | undefined;
    try {
      reply = await work;
      await deliver(reply, ctx);
    } catch (error) {
      const code = errorSummary(error).code;
      if (code !== "not_in_channel" && code !== "channel_not_found") throw error;
      // No reply yet: core could not post a workflow's prompt there (and withdrew it).
      const shown = reply ?? inviteReply;
      const message = renderBlocks(shown);
      await respond({ response_type: shown.private ? "ephemeral" : "in_channel", text: message.text, blocks: message.blocks });
    }
  }

  /** The core's instant reply, if any; a failure still answers the ack (with an apology), never times it out. */
  function instantReplyTo(text: string): Reply | undefined {
    try {
      return bot.instantReply(text);
    } catch (error) {
      log.error({ event: "slack.command.failed", ...errorSummary(error) }, "Slack request failed");
      return toUserReply(error);
    }
  }

  app.command(slashCommand, async ({ ack, command, respond }) => {
    const text = slackToMarkdown(command.text);
    // Questions, help and usage errors take a millisecond and no I/O: answer in the ack itself,
    // which saves a Web API call and works in channels the bot is not in.
    const instant = instantReplyTo(text);
    if (instant) {
      const message = renderBlocks(instant);
      await ack({ response_type: instant.private ? "ephemeral" : "in_channel", text: message.text, blocks: message.blocks });
      // Logged once the answer is on its way: the ack does not wait for the log write.
      log.info({ event: "slack.command", channel: command.channel_id, user: command.user_id, sub: text.split(/\s/)[0], inAck: true }, "Slash command");
      return;
    }
    await ack();
    const origin: Origin = { userId: command.user_id, displayName: command.user_name, target: { platform: "slack", channelId: command.channel_id } };
    afterAck("command", origin, async (ctx) => {
      log.info({ event: "slack.command", channel: command.channel_id, user: command.user_id, sub: text.split(/\s/)[0] }, "Slash command");
      await deliverCommandReply(bot.command(text, ctx), ctx, respond);
    });
  });

  app.action({ type: "block_actions", action_id: actionIdPattern }, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== "block_actions" || action.type !== "button") return;
    const decoded = decodeAction(action.action_id, action.value);
    const channelId = body.channel?.id ?? body.container?.channel_id;
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    if (!decoded || decoded.kind === "link" || !channelId) return;
    const messageThread = body.message?.thread_ts as string | undefined;
    const threadTs = messageThread ?? messageTs;
    const origin: Origin = {
      userId: body.user.id,
      displayName: body.user.username,
      target: { platform: "slack", channelId, ...(threadTs ? { threadId: threadTs } : {}) },
    };
    afterAck("action", origin, async (ctx) => {
      log.info({ event: "slack.action", kind: decoded.kind, channel: channelId, user: body.user.id }, "Button click");
      const reply = await bot.action(decoded.kind, decoded.value, ctx);
      const inPlace = inPlaceKinds.has(decoded.kind) && messageTs !== undefined && !body.container?.is_ephemeral;
      // Core edits a workflow's status message itself; a refusal ("not yours") is private and leaves the message alone.
      if (reply.posted || reply.private || !inPlace) {
        await deliver(reply, ctx);
        return;
      }
      await messenger.update({ platform: "slack", channelId, messageId: messageTs, ...(messageThread ? { threadId: messageThread } : {}) }, reply);
    });
  });

  return {
    app,
    messenger,
    requestListener: receiver instanceof HTTPReceiver ? receiver.requestListener : undefined,
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw slackStartFailure(error, config.apiUrl);
      }
      if (config.mode === "http" && config.mounted) {
        log.info({ event: "slack.started", mode: "http", mounted: true }, "Slack adapter ready on the shared HTTP server");
        return {};
      }
      const result = config.mode === "http" ? ((await app.start(config.port ?? 3000)) as Server) : await app.start();
      started = true;
      const port = config.mode === "http" ? ((result as Server).address() as AddressInfo).port : undefined;
      log.info({ event: "slack.started", mode: config.mode, port }, "Slack adapter started");
      return port === undefined ? {} : { port };
    },
    async stop() {
      // In-flight replies get a moment to land; a stuck one must not block shutdown.
      const drained = Promise.allSettled([...inFlight]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, config.drainMs ?? 10_000).unref())]);
      if (started) await app.stop();
      started = false;
    },
  };
}
