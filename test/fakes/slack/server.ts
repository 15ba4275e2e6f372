/**
 * A fake of Slack's remote side on 127.0.0.1: the Web API over HTTP (the methods railcache
 * uses) and a Socket Mode WebSocket endpoint that apps.connections.open hands out. It checks
 * tokens, validates messages the way Slack does, records every call and every envelope ack,
 * and can answer `ratelimited` (HTTP 429 + Retry-After) on demand. The real @slack/bolt,
 * @slack/web-api and @slack/socket-mode clients talk to it unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { WebSocketServer, WebSocket } from "ws";
import { validateBlocks, validateView } from "./block-kit.js";

export type Args = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  args: Args;
  /** The token the caller presented (Authorization header or `token` field), if any. */
  token: string | undefined;
  /** The body the fake answered with (after the HTTP status). */
  status: number;
  response: Args;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Set for ephemeral messages: only this user sees it. */
  user?: string;
}

export interface Ack {
  envelopeId: string;
  payload: Args;
}

export interface FakeSlackOptions {
  botToken: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  /** Channel ids that exist; messages to anything else get channel_not_found. D... ids are DMs. */
  channels?: string[];
  /** User ids that exist, for users.info and ephemeral targets. */
  users?: string[];
  /** Channels that exist but the bot is not in: posting there answers not_in_channel. */
  notMemberOf?: string[];
  /** Slack user groups (usergroups.list). */
  userGroups?: Array<{ id: string; handle: string; users: string[] }>;
  /** Bot scopes granted at install; when set, methods needing another scope answer missing_scope. */
  scopes?: string[];
}

/** The bot scope(s) each method needs; any one of a list is enough. */
const methodScopes: Record<string, string[]> = {
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "conversations.info": ["channels:read", "groups:read", "im:read", "mpim:read"],
  "users.info": ["users:read"],
  "usergroups.list": ["usergroups:read"],
};

/** Form fields that Slack's Web API receives as JSON strings. */
const jsonFields = new Set(["blocks", "attachments", "view", "metadata"]);
const maxTextLength = 40_000;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly acks: Ack[] = [];
  /** Messages apps sent to a response_url (`hooksUrl`). */
  readonly responses: Array<{ path: string; body: Args }> = [];
  readonly options: Required<Omit<FakeSlackOptions, "scopes">> & { scopes: string[] | undefined };
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly rateLimits = new Map<string, { times: number; retryAfterSec: number }>();
  private readonly pendingAcks = new Map<string, (payload: Args) => void>();
  private readonly connectionWaiters: Array<() => void> = [];
  private tsCounter = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private baseUrl = "";

  constructor(options: FakeSlackOptions) {
    this.options = {
      appToken: "",
      teamId: "T0RAILCACHE",
      botUserId: "U0BOT",
      channels: ["C0GENERAL", "C0DEPLOYS", "D0DMUSER1"],
      users: ["U0ALICE", "U0BOB"],
      userGroups: [],
      notMemberOf: ["C0RANDOM"],
      scopes: undefined,
      ...options,
    };
  }

  /** Base for response_url values the fake accepts (Slack's hooks.slack.com). */
  get hooksUrl(): string {
    return `${this.baseUrl}/hooks/`;
  }

  /** The Web API base, ending in `/api/`, for `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("upgrade", (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
    // Slack pings Socket Mode clients; the client reconnects if it hears nothing for 30 s.
    this.pingTimer = setInterval(() => this.sockets.forEach((ws) => ws.ping()), 5_000);
    this.pingTimer.unref();
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.pingTimer);
    // Close handshakes first (a client mid-handshake reports a bare TCP reset as an error).
    await Promise.all(
      [...this.sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 500);
            ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            if (ws.readyState === WebSocket.OPEN) ws.close(1001, "going away");
          }),
      ),
    );
    this.wss.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** The next `times` calls to `method` get HTTP 429 `ratelimited` with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, times = 1, retryAfterSec = 1): void {
    this.rateLimits.set(method, { times, retryAfterSec });
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Calls to `method` that Slack accepted (HTTP 200, ok: true). */
  okCallsTo(method: string): RecordedCall[] {
    return this.callsTo(method).filter((c) => c.status === 200 && c.response.ok === true);
  }

  /** Resolves once `method` has been called `count` times in total (successfully or not). */
  async waitForCalls(method: string, count = 1, timeoutMs = 5_000): Promise<RecordedCall[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.callsTo(method).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${count} ${method} call(s); saw ${this.callsTo(method).length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.callsTo(method);
  }

  // ---------------------------------------------------------------- Socket Mode

  /** Number of open Socket Mode connections. */
  get socketConnections(): number {
    return this.sockets.size;
  }

  /** Resolves when a Socket Mode client is connected (and has been sent `hello`). */
  async waitForConnection(timeoutMs = 5_000): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no Socket Mode connection")), timeoutMs);
      this.connectionWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Sends one envelope to the connected client and resolves with the ack payload it sends back
   * (Slack requires the ack within 3 s; the fake rejects after `timeoutMs`).
   */
  async deliver(
    type: "slash_commands" | "interactive" | "events_api",
    payload: Args,
    opts: { retryAttempt?: number; envelopeId?: string; timeoutMs?: number } = {},
  ): Promise<Args> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error("no Socket Mode client connected");
    const envelopeId = opts.envelopeId ?? randomUUID();
    const envelope: Args = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
    };
    if (type === "events_api") {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryAttempt ? "timeout" : "";
    }
    const acked = new Promise<Args>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelopeId);
        reject(new Error(`envelope ${envelopeId} (${type}) was not acknowledged`));
      }, opts.timeoutMs ?? 3_000);
      this.pendingAcks.set(envelopeId, (ackPayload) => {
        clearTimeout(timer);
        resolve(ackPayload);
      });
    });
    ws.send(JSON.stringify(envelope));
    return acked;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const ticket = url.searchParams.get("ticket") ?? "";
    // Like Slack, only a URL fresh from apps.connections.open is accepted, once.
    if (url.pathname !== "/link/" || !this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on("close", () => this.sockets.delete(ws));
      ws.on("message", (data) => this.onSocketMessage(data.toString()));
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: this.sockets.size,
          debug_info: { host: "fake-slack", approximate_connection_time: 18060 },
          connection_info: { app_id: "A0RAILCACHE" },
        }),
      );
      this.connectionWaiters.splice(0).forEach((notify) => notify());
    });
  }

  private onSocketMessage(text: string): void {
    let message: Args;
    try {
      message = JSON.parse(text) as Args;
    } catch {
      return;
    }
    const envelopeId = typeof message.envelope_id === "string" ? message.envelope_id : "";
    const payload = (message.payload ?? {}) as Args;
    this.acks.push({ envelopeId, payload });
    const resolve = this.pendingAcks.get(envelopeId);
    this.pendingAcks.delete(envelopeId);
    resolve?.(payload);
  }

  // ---------------------------------------------------------------- Web API

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    if (req.method === "POST" && url.pathname.startsWith("/hooks/")) {
      const raw = await readBody(req);
      let body: Args;
      try {
        body = JSON.parse(raw) as Args;
      } catch {
        res.writeHead(400).end("invalid_payload");
        return;
      }
      const errors = body.blocks === undefined ? [] : validateBlocks(body.blocks);
      this.responses.push({ path: url.pathname, body });
      res.writeHead(errors.length ? 400 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(errors.length ? { ok: false, error: "invalid_blocks", errors } : { ok: true }));
      return;
    }
    if (req.method !== "POST" || !url.pathname.startsWith("/api/")) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice("/api/".length);
    const raw = await readBody(req);
    let args: Args;
    try {
      args = parseArgs(raw, req.headers["content-type"] ?? "");
    } catch (error) {
      this.reply(res, method, {}, undefined, 200, { ok: false, error: (error as Error).message });
      return;
    }
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : typeof args.token === "string" ? args.token : undefined;
    delete args.token;

    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      res.setHeader("Retry-After", String(limit.retryAfterSec));
      this.reply(res, method, args, token, 429, { ok: false, error: "ratelimited" });
      return;
    }
    this.reply(res, method, args, token, 200, this.answer(method, args, token));
  }

  private reply(res: ServerResponse, method: string, args: Args, token: string | undefined, status: number, body: Args) {
    this.calls.push({ method, args, token, status, response: body });
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  }

  private answer(method: string, args: Args, token: string | undefined): Args {
    const handler = this.methods[method];
    if (!handler) return { ok: false, error: "unknown_method" };
    const tokenError = this.checkToken(method, token);
    if (tokenError) return { ok: false, error: tokenError };
    const needed = methodScopes[method];
    const granted = this.options.scopes;
    if (needed && granted && !needed.some((scope) => granted.includes(scope))) {
      return { ok: false, error: "missing_scope", needed: needed.join(","), provided: granted.join(",") };
    }
    return handler(args);
  }

  private checkToken(method: string, token: string | undefined): string | undefined {
    if (!token) return "not_authed";
    const wantsAppToken = method === "apps.connections.open";
    if (wantsAppToken) {
      if (token.startsWith("xoxb-")) return "not_allowed_token_type";
      return token === this.options.appToken && token.startsWith("xapp-") ? undefined : "invalid_auth";
    }
    if (token.startsWith("xapp-")) return "not_allowed_token_type";
    return token === this.options.botToken && token.startsWith("xoxb-") ? undefined : "invalid_auth";
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, "0")}`;
  }

  private knownChannel(channel: unknown): channel is string {
    return typeof channel === "string" && (this.options.channels.includes(channel) || this.options.notMemberOf.includes(channel));
  }

  private notMember(channel: string): boolean {
    return this.options.notMemberOf.includes(channel);
  }

  /** Shared checks for a message body: text/blocks presence, sizes, Block Kit. */
  private checkMessage(args: Args): Args | undefined {
    const text = typeof args.text === "string" ? args.text : undefined;
    if (!text && args.blocks === undefined && args.attachments === undefined) return { ok: false, error: "no_text" };
    if (text && text.length > maxTextLength) return { ok: false, error: "msg_too_long" };
    if (args.blocks !== undefined) {
      const errors = validateBlocks(args.blocks);
      if (errors.length > 0) {
        return { ok: false, error: "invalid_blocks", errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
      }
    }
    return undefined;
  }

  private readonly methods: Record<string, (args: Args) => Args> = {
    "auth.test": () => ({
      ok: true,
      url: "https://railcache-test.slack.com/",
      team: "railcache-test",
      user: "railcache",
      team_id: this.options.teamId,
      user_id: this.options.botUserId,
      bot_id: "B0RAILCACHE",
      is_enterprise_install: false,
    }),
    "chat.postMessage": (args) => {
      if (!this.knownChannel(args.channel)) return { ok: false, error: "channel_not_found" };
      if (this.notMember(args.channel)) return { ok: false, error: "not_in_channel" };
      const invalid = this.checkMessage(args);
      if (invalid) return invalid;
      const message = this.record(args.channel, args);
      return { ok: true, channel: args.channel, ts: message.ts, message: { type: "message", user: this.options.botUserId, ...message } };
    },
    "chat.update": (args) => {
      if (!this.knownChannel(args.channel)) return { ok: false, error: "channel_not_found" };
      const existing = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts && !m.user);
      if (!existing) return { ok: false, error: "message_not_found" };
      const invalid = this.checkMessage(args);
      if (invalid) return invalid;
      if (typeof args.text === "string") existing.text = args.text;
      if (Array.isArray(args.blocks)) existing.blocks = args.blocks;
      return { ok: true, channel: existing.channel, ts: existing.ts, text: existing.text ?? "" };
    },
    "chat.postEphemeral": (args) => {
      if (!this.knownChannel(args.channel)) return { ok: false, error: "channel_not_found" };
      if (this.notMember(args.channel)) return { ok: false, error: "not_in_channel" };
      if (typeof args.user !== "string" || !this.options.users.includes(args.user)) {
        return { ok: false, error: "user_not_in_channel" };
      }
      const invalid = this.checkMessage(args);
      if (invalid) return invalid;
      const message = this.record(args.channel, args, args.user);
      return { ok: true, message_ts: message.ts };
    },
    "views.open": (args) => this.view(args, "modal", typeof args.trigger_id === "string" && args.trigger_id !== ""),
    "views.update": (args) => this.view(args, "modal", typeof args.view_id === "string" || typeof args.external_id === "string"),
    "views.publish": (args) =>
      typeof args.user_id === "string" && this.options.users.includes(args.user_id) ? this.view(args, "home", true) : { ok: false, error: "user_not_found" },
    "conversations.info": (args) => {
      if (!this.knownChannel(args.channel)) return { ok: false, error: "channel_not_found" };
      const isIm = args.channel.startsWith("D");
      return { ok: true, channel: { id: args.channel, name: isIm ? undefined : args.channel.toLowerCase(), is_im: isIm, is_channel: !isIm } };
    },
    "users.info": (args) => {
      if (typeof args.user !== "string" || !this.options.users.includes(args.user)) return { ok: false, error: "user_not_found" };
      const name = args.user.slice(2).toLowerCase();
      return { ok: true, user: { id: args.user, name, real_name: name, profile: { display_name: name } } };
    },
    "usergroups.list": (args) => ({
      ok: true,
      usergroups: this.options.userGroups.map((g) => ({
        id: g.id,
        handle: g.handle,
        name: g.handle,
        ...(args.include_users === true || args.include_users === "true" ? { users: g.users, user_count: g.users.length } : {}),
      })),
    }),
    "apps.connections.open": () => {
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return { ok: true, url: `${this.baseUrl.replace("http://", "ws://")}/link/?ticket=${ticket}&app_id=A0RAILCACHE` };
    },
  };

  private view(args: Args, type: "modal" | "home", targetOk: boolean): Args {
    if (!targetOk) return { ok: false, error: type === "home" ? "user_not_found" : "invalid_arguments" };
    const errors = validateView(args.view, type);
    if (errors.length > 0) return { ok: false, error: "invalid_arguments", response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
    return { ok: true, view: { id: typeof args.view_id === "string" ? args.view_id : `V${randomUUID().slice(0, 8).toUpperCase()}`, ...(args.view as Args) } };
  }

  private record(channel: string, args: Args, user?: string): PostedMessage {
    const message: PostedMessage = { channel, ts: this.nextTs() };
    if (typeof args.text === "string") message.text = args.text;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    if (typeof args.thread_ts === "string") message.thread_ts = args.thread_ts;
    if (user) message.user = user;
    this.messages.push(message);
    return message;
  }
}

/** Starts a fake Slack on a random 127.0.0.1 port. */
export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  return new FakeSlack(options).start();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a Web API body the way Slack does: form fields (JSON-valued ones decoded) or a JSON object. */
function parseArgs(raw: string, contentType: string): Args {
  if (raw === "") return {};
  if (contentType.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) throw new Error("invalid_json");
    return parsed as Args;
  }
  if (!contentType.startsWith("application/x-www-form-urlencoded")) throw new Error("invalid_form_data");
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (jsonFields.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        throw new Error(key === "blocks" ? "invalid_blocks_format" : "invalid_arguments");
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}
