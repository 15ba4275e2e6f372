/**
 * A local fake of Discord for end-to-end tests: the gateway over WebSocket (HELLO, IDENTIFY,
 * READY, GUILD_CREATE, heartbeats, dispatches) and the REST routes a bot uses, on 127.0.0.1.
 * It refuses what Discord refuses (bad tokens, disallowed intents, oversized embeds, invalid
 * command JSON, late or double interaction responses) and records every call for assertions.
 *
 * Point discord.js at it with `rest: { api: fake.apiUrl }`; the gateway URL comes from /gateway/bot.
 * Destroy the client before `stop()`, or discord.js will try to reconnect.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { checkAutocomplete, checkCommands, checkMessage, invalidFormBody, type DiscordErrorBody } from "./limits.js";
import {
  channelObject,
  guildObject,
  interactionBase,
  roleObject,
  snowflake,
  userObject,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeUser,
} from "./payloads.js";

export type { FakeChannel, FakeGuild, FakeMember, FakeUser };

type Json = Record<string, unknown>;

export const Intents = { Guilds: 1 << 0, GuildMessages: 1 << 9, MessageContent: 1 << 15 } as const;
const PRIVILEGED = (1 << 1) | (1 << 8) | Intents.MessageContent;
const ALL_INTENTS = (1 << 26) - 1;

export interface FakeDiscordOptions {
  token: string;
  /** Privileged intents switched on in the developer portal; others close the gateway with 4014. */
  messageContentEnabled?: boolean;
  heartbeatIntervalMs?: number;
  /** Discord's deadline for the first interaction response. */
  interactionDeadlineMs?: number;
}

export interface RecordedCall {
  method: string;
  /** Path below /api/v10, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: unknown;
  status: number;
  response: unknown;
  at: number;
}

export interface StoredMessage {
  data: Json;
  ephemeral: boolean;
  /** Who would actually be notified, given `allowed_mentions` (content only, as Discord does). */
  pings: { users: string[]; roles: string[]; everyone: boolean };
  edits: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  user: FakeUser;
  channelId: string;
  responseType?: number;
  respondedAt?: number;
  originalMessageId?: string;
  sourceMessageId?: string;
  autocompleteChoices?: { name: string; value: string | number }[];
  followups: string[];
}

interface Session {
  socket: WebSocket;
  identified: boolean;
  intents: number;
  seq: number;
}

interface RateLimitRule {
  method: string;
  path: RegExp;
  retryAfterMs: number;
  times: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(body.message);
  }
}

const unknown = (what: string, code: number) => new HttpError(404, { code, message: `Unknown ${what}` });

export class FakeDiscord {
  readonly applicationId = snowflake();
  readonly botUser: FakeUser = { id: snowflake(), username: "railcache", bot: true };
  readonly guild: FakeGuild;
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly identifies: Json[] = [];
  readonly commands = { global: [] as Json[], guild: new Map<string, Json[]>() };
  readonly events = new EventEmitter();
  private readonly sessions = new Set<Session>();
  private readonly rateLimits: RateLimitRule[] = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private port = 0;

  constructor(private readonly options: FakeDiscordOptions) {
    const owner: FakeUser = { id: snowflake(), username: "owner" };
    const guildId = snowflake();
    this.guild = {
      id: guildId,
      name: "Railcache Test",
      ownerId: owner.id,
      roles: [{ id: guildId, name: "@everyone" }],
      channels: [
        { id: snowflake(), name: "deploys" },
        { id: snowflake(), name: "alerts" },
      ],
      members: [
        { user: this.botUser, roles: [] },
        { user: owner, roles: [] },
      ],
    };
    this.server = createServer((req, res) => void this.handleHttp(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: "/gateway" });
    this.wss.on("connection", (socket, req) => this.handleSocket(socket, req));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** For discord.js: `rest: { api }` (the version is appended by discord.js). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get channels(): FakeChannel[] {
    return this.guild.channels;
  }

  /** A guild member, optionally holding roles created on the fly by name. */
  addMember(username: string, roleNames: string[] = []): FakeMember {
    const roles = roleNames.map((name) => this.role(name));
    const member: FakeMember = { user: { id: snowflake(), username }, roles };
    this.guild.members.push(member);
    return member;
  }

  /** The id of the role with this name, created if missing. */
  role(name: string): string {
    const found = this.guild.roles.find((r) => r.name === name);
    if (found) return found.id;
    const id = snowflake();
    this.guild.roles.push({ id, name });
    const role = roleObject(this.guild.id, { id, name }, this.guild.roles.length - 1);
    for (const session of this.sessions) {
      if (session.identified && session.intents & Intents.Guilds) this.send(session, { op: 0, t: "GUILD_ROLE_CREATE", d: { guild_id: this.guild.id, role } });
    }
    return id;
  }

  /** Answer the next `times` matching requests with a 429 and this retry_after. */
  rateLimitNext(method: string, path: RegExp, retryAfterMs: number, times = 1): void {
    this.rateLimits.push({ method: method.toUpperCase(), path, retryAfterMs, times });
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const past = this.calls.find(predicate);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.events.off("call", onCall);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.events.off("call", onCall);
        reject(
          new Error(`fake Discord: no matching call within ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method} ${c.path} ${c.status}`).join(", ")}`),
        );
      }, timeoutMs);
      this.events.on("call", onCall);
    });
  }

  /** Sends `/command sub option:value` as `member` in `channel`. Refuses commands or options Discord would not offer. */
  slashCommand(args: {
    member: FakeMember;
    command: string;
    subcommand?: string;
    options?: Record<string, string | number | boolean>;
    channel?: FakeChannel;
  }): InteractionRecord {
    const options = this.resolveOptions(args.command, args.subcommand, args.options ?? {}, undefined);
    return this.dispatchInteraction(2, args.member, args.channel, { ...options });
  }

  /** The user is typing `focused` of `/command sub`: Discord asks the app for choices. */
  autocomplete(args: {
    member: FakeMember;
    command: string;
    subcommand?: string;
    options?: Record<string, string | number | boolean>;
    focused: string;
    channel?: FakeChannel;
  }): InteractionRecord {
    const data = this.resolveOptions(args.command, args.subcommand, args.options ?? {}, args.focused);
    return this.dispatchInteraction(4, args.member, args.channel, data);
  }

  /** Clicks the button with `customId` on a message the fake holds. Only buttons that exist can be clicked. */
  clickButton(args: { member: FakeMember; messageId: string; customId: string }): InteractionRecord {
    const message = this.messages.get(args.messageId);
    if (!message) throw new Error(`fake Discord: no message ${args.messageId}`);
    const ids = ((message.data.components ?? []) as Json[]).flatMap((row) => (row.components as Json[]).map((b) => b.custom_id));
    if (!ids.includes(args.customId)) throw new Error(`fake Discord: message has no button ${args.customId}; it has ${ids.join(", ")}`);
    const channel = this.guild.channels.find((c) => c.id === message.data.channel_id);
    const record = this.dispatchInteraction(3, args.member, channel, { custom_id: args.customId, component_type: 2 }, message.data);
    record.sourceMessageId = args.messageId;
    return record;
  }

  /** A member posts `content` in a channel. Content is blanked, as Discord does, without the intent unless the bot is mentioned. */
  userMessage(args: { member: FakeMember; content: string; channel?: FakeChannel }): string {
    const channel = args.channel ?? this.channels[0]!;
    const id = snowflake();
    const mentioned = [...args.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
    const mentions = this.guild.members.filter((m) => mentioned.includes(m.user.id)).map((m) => userObject(m.user));
    const data: Json = {
      id,
      channel_id: channel.id,
      guild_id: this.guild.id,
      author: userObject(args.member.user),
      member: { roles: args.member.roles, joined_at: "2026-01-01T00:00:00.000Z", deaf: false, mute: false, flags: 0 },
      content: args.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions,
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
    };
    this.messages.set(id, { data, ephemeral: false, pings: { users: mentioned, roles: [], everyone: false }, edits: 0 });
    const botMentioned = mentioned.includes(this.botUser.id);
    for (const session of this.sessions) {
      if (!session.identified || !(session.intents & Intents.GuildMessages)) continue;
      const visible = botMentioned || (session.intents & Intents.MessageContent) !== 0;
      this.send(session, { op: 0, t: "MESSAGE_CREATE", d: visible ? data : { ...data, content: "", embeds: [], attachments: [], components: [] } });
    }
    return id;
  }

  /** Messages the bot posted or edited in a channel (or for an interaction), oldest first. */
  botMessages(channelId?: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => (m.data.author as Json).id === this.botUser.id && (!channelId || m.data.channel_id === channelId));
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- gateway ----

  private handleSocket(socket: WebSocket, req: IncomingMessage): void {
    const params = new URL(req.url ?? "/", "http://x").searchParams;
    if (params.get("v") !== "10") return socket.close(4012, "Invalid API version");
    if (params.get("encoding") !== "json") return socket.close(4002, "Decode error");
    const session: Session = { socket, identified: false, intents: 0, seq: 0 };
    this.sessions.add(session);
    socket.on("close", () => this.sessions.delete(session));
    socket.on("message", (raw) => this.onGatewayMessage(session, String(raw)));
    this.send(session, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? 41250 } });
  }

  private onGatewayMessage(session: Session, raw: string): void {
    let packet: { op?: number; d?: Json };
    try {
      packet = JSON.parse(raw) as typeof packet;
    } catch {
      return session.socket.close(4002, "Decode error");
    }
    if (packet.op === 1) return this.send(session, { op: 11 });
    if (packet.op === 2) return this.identify(session, packet.d ?? {});
    if (!session.identified) return session.socket.close(4003, "Not authenticated");
    // Presence updates, voice state, request guild members: accepted and ignored.
  }

  private identify(session: Session, d: Json): void {
    if (session.identified) return session.socket.close(4005, "Already authenticated");
    this.identifies.push({ ...d, token: "[seen]" });
    if (d.token !== this.options.token) return session.socket.close(4004, "Authentication failed");
    const intents = d.intents;
    if (typeof intents !== "number" || intents < 0 || intents > ALL_INTENTS) return session.socket.close(4013, "Invalid intent(s)");
    const privileged = intents & PRIVILEGED;
    const allowed = this.options.messageContentEnabled ? Intents.MessageContent : 0;
    if (privileged & ~allowed) return session.socket.close(4014, "Disallowed intent(s)");
    session.identified = true;
    session.intents = intents;
    this.send(session, {
      op: 0,
      t: "READY",
      d: {
        v: 10,
        user: { ...userObject(this.botUser), verified: true, mfa_enabled: false, flags: 0 },
        guilds: [{ id: this.guild.id, unavailable: true }],
        session_id: randomBytes(16).toString("hex"),
        resume_gateway_url: this.gatewayUrl,
        shard: [0, 1],
        application: { id: this.applicationId, flags: this.options.messageContentEnabled ? 1 << 19 : 0 },
        user_settings: {},
        private_channels: [],
        presences: [],
        relationships: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
      },
    });
    // A guild listed as unavailable in READY must follow as GUILD_CREATE, or discord.js waits ~15 s.
    this.send(session, { op: 0, t: "GUILD_CREATE", d: guildObject(this.guild) });
  }

  private send(session: Session, packet: Json): void {
    if (packet.op === 0) packet.s = ++session.seq;
    else packet.s ??= null;
    packet.t ??= null;
    session.socket.send(JSON.stringify(packet));
  }

  private resolveOptions(
    command: string,
    subcommand: string | undefined,
    values: Record<string, string | number | boolean>,
    focused: string | undefined,
  ): Json {
    const registered = [...this.commands.global, ...(this.commands.guild.get(this.guild.id) ?? [])].find((c) => c.name === command);
    if (!registered) throw new Error(`fake Discord: /${command} is not registered, so Discord would not offer it`);
    let level = (registered.options ?? []) as Json[];
    const sub = subcommand ? level.find((o) => o.name === subcommand && o.type === 1) : undefined;
    if (subcommand && !sub) throw new Error(`fake Discord: /${command} has no subcommand ${subcommand}`);
    if (sub) level = (sub.options ?? []) as Json[];
    const typeOf: Record<string, number> = { string: 3, number: 10, boolean: 5 };
    const given = Object.entries(values).map(([name, value]) => {
      const spec = level.find((o) => o.name === name);
      if (!spec) throw new Error(`fake Discord: /${command} ${subcommand ?? ""} has no option ${name}`);
      const expected = spec.type === 4 ? 10 : spec.type;
      if (typeOf[typeof value] !== expected) throw new Error(`fake Discord: option ${name} has type ${String(spec.type)}`);
      if (name === focused && spec.autocomplete !== true) throw new Error(`fake Discord: option ${name} has no autocomplete`);
      return { name, type: spec.type, value, ...(name === focused ? { focused: true } : {}) };
    });
    if (focused && !values[focused] && values[focused] !== "") throw new Error("fake Discord: give the focused option's partial value");
    if (!focused) {
      const missing = level.find((o) => o.required === true && !(String(o.name) in values));
      if (missing) throw new Error(`fake Discord: required option ${String(missing.name)} missing; Discord would not send this`);
    }
    const options = sub ? [{ name: sub.name, type: 1, options: given }] : given;
    return { id: registered.id, name: command, type: 1, options, ...(registered.guild_id ? { guild_id: registered.guild_id } : {}) };
  }

  private dispatchInteraction(type: number, member: FakeMember, channel: FakeChannel | undefined, data: Json, message?: Json): InteractionRecord {
    const at = channel ?? this.channels[0]!;
    const record: InteractionRecord = {
      id: snowflake(),
      token: `aW50ZXJhY3Rpb24${randomBytes(24).toString("base64url")}`,
      type,
      createdAt: Date.now(),
      user: member.user,
      channelId: at.id,
      followups: [],
    };
    this.interactions.set(record.id, record);
    const payload = {
      ...interactionBase({ id: record.id, token: record.token, applicationId: this.applicationId, type, guild: this.guild, channel: at, member }),
      data,
      ...(message ? { message } : {}),
    };
    const sessions = [...this.sessions].filter((s) => s.identified);
    if (!sessions.length) throw new Error("fake Discord: no identified gateway session to deliver the interaction to");
    for (const session of sessions) this.send(session, { op: 0, t: "INTERACTION_CREATE", d: payload });
    return record;
  }

  // ---- REST ----

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await new Promise<string>((resolve) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => resolve(text));
    });
    const method = req.method ?? "GET";
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, "");
    const call: RecordedCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      status: 0,
      response: undefined,
      at: Date.now(),
    };
    let status: number;
    let body: unknown;
    const headers: Record<string, string> = {};
    try {
      if (!url.pathname.startsWith("/api/v10/")) throw new HttpError(404, { code: 0, message: "404: Not Found" });
      if (raw) {
        if (!String(req.headers["content-type"]).startsWith("application/json")) {
          throw new HttpError(400, { code: 50035, message: "This fake accepts JSON bodies only (no attachments)" });
        }
        call.body = JSON.parse(raw) as unknown;
      }
      const limited = this.rateLimits.find((r) => r.times > 0 && r.method === method && r.path.test(path));
      if (limited) {
        limited.times--;
        const seconds = limited.retryAfterMs / 1000;
        Object.assign(headers, {
          "retry-after": String(seconds),
          "x-ratelimit-limit": "5",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset-after": String(seconds),
          "x-ratelimit-bucket": "fakebucket",
          "x-ratelimit-scope": "user",
        });
        throw new HttpError(429, { code: 0, message: "You are being rate limited.", retry_after: seconds, global: false } as DiscordErrorBody);
      }
      const webhookRoute = /^\/(interactions|webhooks)\//.test(path);
      if (!webhookRoute && req.headers.authorization !== `Bot ${this.options.token}`) {
        throw new HttpError(401, { code: 0, message: "401: Unauthorized" });
      }
      [status, body] = this.route(method, path, call.query, call.body);
    } catch (error) {
      if (error instanceof HttpError) [status, body] = [error.status, error.body];
      else if (error instanceof SyntaxError) [status, body] = [400, { code: 50109, message: "The request body contains invalid JSON." }];
      else throw error;
    }
    call.status = status;
    call.response = body;
    this.calls.push(call);
    this.events.emit("call", call);
    if (body === undefined) {
      res.writeHead(status, headers).end();
    } else {
      res.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
    }
  }

  private route(method: string, path: string, query: Record<string, string>, body: unknown): [number, unknown] {
    const key = `${method} ${path}`;
    let m: RegExpExecArray | null;
    if (key === "GET /gateway/bot") {
      return [200, { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } }];
    }
    if (key === "GET /gateway") return [200, { url: this.gatewayUrl }];
    if (key === "GET /users/@me") return [200, userObject(this.botUser)];
    if (key === "GET /applications/@me" || key === "GET /oauth2/applications/@me") {
      return [
        200,
        {
          id: this.applicationId,
          name: "railcache",
          description: "",
          bot_public: false,
          bot_require_code_grant: false,
          flags: 0,
          bot: userObject(this.botUser),
        },
      ];
    }
    if ((m = /^(GET|PUT) \/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(key))) {
      return this.applicationCommands(m[1]!, m[2]!, m[3], body);
    }
    if ((m = /^POST \/interactions\/(\d+)\/([^/]+)\/callback$/.exec(key))) {
      return this.interactionCallback(m[1]!, m[2]!, query, body);
    }
    if ((m = /^(GET|PATCH|DELETE) \/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/.exec(key))) {
      return this.webhookMessage(m[1]!, m[2]!, m[3]!, m[4]!, body);
    }
    if ((m = /^POST \/webhooks\/(\d+)\/([^/]+)$/.exec(key))) {
      const record = this.interactionByToken(m[1]!, m[2]!);
      if (!record.responseType) throw unknown("Webhook", 10015);
      const message = this.createMessage(record.channelId, body, { interaction: record });
      record.followups.push(message.data.id as string);
      return [200, message.data];
    }
    if ((m = /^GET \/channels\/(\d+)$/.exec(key))) return [200, channelObject(this.guild.id, this.channel(m[1]!))];
    if ((m = /^POST \/channels\/(\d+)\/messages$/.exec(key))) return [200, this.createMessage(this.channel(m[1]!).id, body, {}).data];
    if ((m = /^(GET|PATCH) \/channels\/(\d+)\/messages\/(\d+)$/.exec(key))) {
      this.channel(m[2]!);
      const message = this.messages.get(m[3]!);
      if (!message || message.data.channel_id !== m[2] || message.ephemeral) throw unknown("Message", 10008);
      if (m[1] === "GET") return [200, message.data];
      return [200, this.editMessage(message, body).data];
    }
    throw new HttpError(404, { code: 0, message: "404: Not Found" });
  }

  private channel(id: string): FakeChannel {
    const channel = this.guild.channels.find((c) => c.id === id);
    if (!channel) throw unknown("Channel", 10003);
    return channel;
  }

  private applicationCommands(method: string, appId: string, guildId: string | undefined, body: unknown): [number, unknown] {
    if (appId !== this.applicationId) throw new HttpError(403, { code: 50001, message: "Missing Access" });
    if (guildId && guildId !== this.guild.id) throw new HttpError(403, { code: 50001, message: "Missing Access" });
    const current = guildId ? (this.commands.guild.get(guildId) ?? []) : this.commands.global;
    if (method === "GET") return [200, current];
    const problem = checkCommands(body);
    if (problem) throw new HttpError(400, problem);
    // A bulk overwrite keeps the id of a command whose name survives, as Discord does.
    const stored = (body as Json[]).map((command) => ({
      type: 1,
      ...command,
      id: (current.find((c) => c.name === command.name)?.id as string | undefined) ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      default_member_permissions: command.default_member_permissions ?? null,
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    if (guildId) this.commands.guild.set(guildId, stored);
    else this.commands.global = stored;
    return [200, stored];
  }

  private interactionByToken(appId: string, token: string): InteractionRecord {
    const record = [...this.interactions.values()].find((r) => r.token === token);
    if (!record || appId !== this.applicationId || Date.now() - record.createdAt > 15 * 60_000) throw unknown("Webhook", 10015);
    return record;
  }

  private interactionCallback(id: string, token: string, query: Record<string, string>, body: unknown): [number, unknown] {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) throw unknown("interaction", 10062);
    if (record.responseType) throw new HttpError(400, { code: 40060, message: "Interaction has already been acknowledged." });
    if (Date.now() - record.createdAt > (this.options.interactionDeadlineMs ?? 3000)) throw unknown("interaction", 10062);
    const { type, data } = (body ?? {}) as { type?: number; data?: Json };
    const allowed: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8] };
    if (!type || !allowed[record.type]?.includes(type)) {
      throw new HttpError(
        400,
        invalidFormBody([{ path: ["type"], code: "INTERACTION_RESPONSE_TYPE_INVALID", message: "Interaction response type is invalid for this interaction" }]),
      );
    }
    let message: StoredMessage | undefined;
    if (type === 8) {
      const problem = checkAutocomplete(data);
      if (problem) throw new HttpError(400, problem);
      record.autocompleteChoices = data!.choices as InteractionRecord["autocompleteChoices"];
    } else if (type === 4 || type === 5) {
      message = this.createMessage(record.channelId, type === 5 ? { flags: data?.flags } : data, {
        interaction: record,
        loading: type === 5,
      });
      record.originalMessageId = message.data.id as string;
    } else if (type === 6 || type === 7) {
      message = this.messages.get(record.sourceMessageId!)!;
      if (type === 7) this.editMessage(message, data);
      record.originalMessageId = message.data.id as string;
    }
    record.responseType = type;
    record.respondedAt = Date.now();
    if (query.with_response !== "true") return [204, undefined];
    return [
      200,
      {
        interaction: {
          id: record.id,
          type: record.type,
          activity_instance_id: null,
          response_message_id: record.originalMessageId ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: message?.ephemeral ?? false,
        },
        resource: { type, ...(message ? { message: message.data } : {}) },
      },
    ];
  }

  private webhookMessage(method: string, appId: string, token: string, messageId: string, body: unknown): [number, unknown] {
    const record = this.interactionByToken(appId, token);
    const id = messageId === "@original" ? record.originalMessageId : messageId;
    const message = id ? this.messages.get(id) : undefined;
    const ours = id && (id === record.originalMessageId || record.followups.includes(id));
    if (!message || !ours) throw unknown("Message", 10008);
    if (method === "GET") return [200, message.data];
    if (method === "DELETE") {
      this.messages.delete(id);
      return [204, undefined];
    }
    return [200, this.editMessage(message, body).data];
  }

  private createMessage(channelId: string, body: unknown, how: { interaction?: InteractionRecord; loading?: boolean }): StoredMessage {
    const problem = checkMessage(body ?? {}, !how.loading);
    if (problem) throw new HttpError(400, problem);
    const b = (body ?? {}) as Json;
    const ephemeral = (Number(b.flags ?? 0) & 64) !== 0 && Boolean(how.interaction);
    const id = snowflake();
    const data: Json = {
      id,
      channel_id: channelId,
      guild_id: this.guild.id,
      author: userObject(this.botUser),
      content: b.content ?? "",
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: b.embeds ?? [],
      components: b.components ?? [],
      pinned: false,
      type: how.interaction?.type === 2 ? 20 : 0,
      flags: (ephemeral ? 64 : 0) | (how.loading ? 128 : 0),
      ...(how.interaction
        ? {
            webhook_id: this.applicationId,
            application_id: this.applicationId,
            interaction_metadata: {
              id: how.interaction.id,
              type: how.interaction.type,
              user: userObject(how.interaction.user),
              authorizing_integration_owners: { "0": this.guild.id },
            },
          }
        : {}),
    };
    const stored: StoredMessage = { data, ephemeral, pings: pingsOf(String(data.content), b.allowed_mentions), edits: 0 };
    this.messages.set(id, stored);
    if (!ephemeral) {
      for (const session of this.sessions) {
        if (session.identified && session.intents & Intents.GuildMessages) this.send(session, { op: 0, t: "MESSAGE_CREATE", d: data });
      }
    }
    return stored;
  }

  private editMessage(message: StoredMessage, body: unknown): StoredMessage {
    const problem = checkMessage(body ?? {}, false);
    if (problem) throw new HttpError(400, problem);
    const b = (body ?? {}) as Json;
    for (const field of ["content", "embeds", "components"]) {
      if (field in b) message.data[field] = b[field] ?? (field === "content" ? "" : []);
    }
    message.data.flags = Number(message.data.flags ?? 0) & ~128;
    message.data.edited_timestamp = new Date().toISOString();
    message.edits++;
    if ("content" in b) message.pings = pingsOf(String(message.data.content), b.allowed_mentions);
    return message;
  }
}

/** Who a message's content notifies: Discord parses everything unless allowed_mentions narrows it. */
function pingsOf(content: string, allowed: unknown): StoredMessage["pings"] {
  const a = (allowed ?? { parse: ["users", "roles", "everyone"] }) as { parse?: string[]; users?: string[]; roles?: string[] };
  const parse = a.parse ?? [];
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!).filter((id) => parse.includes("users") || a.users?.includes(id));
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]!).filter((id) => parse.includes("roles") || a.roles?.includes(id));
  return { users, roles, everyone: parse.includes("everyone") && /@(everyone|here)\b/.test(content) };
}

export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const fake = new FakeDiscord(options);
  await fake.listen();
  return fake;
}
