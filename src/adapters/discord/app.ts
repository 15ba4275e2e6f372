/**
 * The Discord adapter's wiring: a discord.js client whose events become BotCore calls, and a
 * Messenger that posts and edits embeds through the REST API. Parse, call core, render; no rules.
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type RESTPostAPIChannelMessageResult,
} from "discord.js";
import pTimeout from "p-timeout";
import type { BotCore, RequestContext, TrackedReply } from "../../core/bot-core.js";
import { KnownFailure, toUserReply } from "../../core/errors.js";
import { describeNetworkError, displayUrl } from "../../system-errors.js";
import type { Actor, ChatTarget, MessageRef, Messenger } from "../../core/ports/chat.js";
import { commands, type CommandSpec } from "../../core/commands.js";
import type { Logger } from "../../log.js";
import { registerCommands, ROOT_COMMAND } from "./commands.js";
import { decodeCustomId } from "./custom-id.js";
import { discordToMarkdown } from "./markup.js";
import { NO_MENTIONS, renderEmbed, type DiscordMessageBody } from "./render.js";

export interface DiscordAppOptions {
  token: string;
  applicationId: string;
  /** REST base without the version, e.g. `http://127.0.0.1:PORT/api` for the fake; Discord's by default. */
  apiUrl?: string;
  /** The privileged Message Content intent is enabled for the app: read mentions in channels. */
  messageContent: boolean;
  bot: BotCore;
  log: Logger;
  /** Answer directly when core is this quick; otherwise defer first (Discord's deadline is 3 s). */
  deferAfterMs?: number;
}

export interface DiscordApp {
  client: Client;
  /** Log in and resolve once the gateway is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
  messenger: Messenger;
  /** Idempotent bulk overwrite of `/railcache`, globally or in one guild (instant, for testing). */
  registerCommands(guildId?: string): Promise<void>;
}

type Body = DiscordMessageBody;

const AUTOCOMPLETE_BUDGET_MS = 2500;
const specs = new Map<string, CommandSpec>(commands.map((c) => [c.name, c]));

/** `work`'s result, or undefined once `ms` have passed (the work goes on; the caller defers). */
function timeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return pTimeout<T, undefined>(work, { milliseconds: ms, fallback: () => undefined });
}

/** discord.js wants camelCase options; the API JSON we render is passed through as-is. */
function asOptions(body: Body) {
  return { embeds: body.embeds, components: body.components, allowedMentions: NO_MENTIONS };
}

function actorOf(interaction: Interaction | Message): Actor {
  const user = "user" in interaction ? interaction.user : interaction.author;
  const member = interaction.member;
  let groups: string[] = [];
  if (member && "roles" in member) {
    groups = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()].filter((id) => id !== interaction.guildId);
  }
  return { platform: "discord", userId: user.id, displayName: user.globalName ?? user.username, groups };
}

/** `status --service web --env staging`: the registry's parser reads flags, so optional args can be skipped. */
export function commandText(sub: string, values: Record<string, string | null>): string {
  const parts = [sub];
  for (const arg of specs.get(sub)?.args ?? []) {
    const value = values[arg.name];
    if (value === null || value === undefined || value === "") continue;
    parts.push(arg.rest ? value : `--${arg.name} ${value}`);
  }
  return parts.join(" ");
}

export function createDiscordApp(options: DiscordAppOptions): DiscordApp {
  const { bot, log } = options;
  const deferAfterMs = options.deferAfterMs ?? 1500;
  const intents = [GatewayIntentBits.Guilds];
  if (options.messageContent) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
  const client = new Client({
    intents,
    allowedMentions: NO_MENTIONS,
    ...(options.apiUrl ? { rest: { api: options.apiUrl } } : {}),
  });
  // REST works before login too, so registerCommands needs no gateway connection.
  client.rest.setToken(options.token);

  const messenger: Messenger = {
    async post(target: ChatTarget, reply): Promise<MessageRef> {
      const body = renderEmbed({ ...reply, private: false });
      const posted = (await client.rest.post(Routes.channelMessages(target.threadId ?? target.channelId), { body })) as RESTPostAPIChannelMessageResult;
      return { ...target, platform: "discord", messageId: posted.id };
    },
    async update(ref: MessageRef, reply): Promise<void> {
      const body = renderEmbed({ ...reply, private: false });
      await client.rest.patch(Routes.channelMessage(ref.threadId ?? ref.channelId, ref.messageId), { body });
    },
  };

  /**
   * One interaction's answer, for core: the first message core posts (a workflow's prompt) becomes
   * the interaction's reply, and an edit of the clicked message its update, each after the deferral
   * if the adapter deferred first; anything later goes through the REST messenger. `answered` tells
   * the adapter not to answer again.
   */
  function interactionAnswer(interaction: ChatInputCommandInteraction | ButtonInteraction) {
    let deferral: Promise<unknown> | undefined;
    const state = { answered: false };
    const respond: Messenger = {
      async post(target, reply) {
        if (state.answered) return messenger.post(target, reply);
        state.answered = true;
        const body = asOptions(renderEmbed({ ...reply, private: false }));
        if (deferral) {
          await deferral;
          const message = await interaction.editReply(body);
          return { ...target, platform: "discord", messageId: message.id };
        }
        const response = await interaction.reply({ ...body, withResponse: true });
        return { ...target, platform: "discord", messageId: response.resource?.message?.id ?? "" };
      },
      async update(ref, reply) {
        if (state.answered || !interaction.isButton() || interaction.message.id !== ref.messageId) return messenger.update(ref, reply);
        state.answered = true;
        const body = asOptions(renderEmbed({ ...reply, private: false }));
        if (deferral) {
          await deferral;
          await interaction.editReply(body);
        } else {
          await interaction.update(body);
        }
      },
    };
    return {
      respond,
      state,
      /** Acknowledges within Discord's deadline, unless core answered already. */
      defer(how: "reply" | "update"): Promise<unknown> | undefined {
        if (!state.answered && !deferral) deferral = how === "update" && interaction.isButton() ? interaction.deferUpdate() : interaction.deferReply();
        return deferral;
      },
    };
  }

  /** Errors from core become one plain message; details go to the log only. */
  async function safely(work: () => Promise<TrackedReply>, event: string): Promise<TrackedReply> {
    try {
      return await work();
    } catch (error) {
      log.error({ event, err: error }, "core call failed");
      return toUserReply(error);
    }
  }

  /**
   * Answer a command or a start-workflow button with a new message: directly when core is quick,
   * else defer first and edit. A private answer after a public defer replaces it with an ephemeral one.
   */
  async function answer(
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    pending: ReturnType<typeof interactionAnswer>,
    work: Promise<TrackedReply>,
  ): Promise<void> {
    const quick = await timeout(work, deferAfterMs);
    if (quick?.posted) return;
    if (quick) {
      const body = renderEmbed(quick);
      await interaction.reply({ ...asOptions(body), flags: body.flags });
      return;
    }
    await pending.defer("reply");
    const reply = await work;
    if (reply.posted) return;
    const body = renderEmbed(reply);
    if (reply.private) {
      await interaction.deleteReply();
      await interaction.followUp({ ...asOptions(body), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.editReply(asOptions(body));
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (interaction.commandName !== ROOT_COMMAND) return;
    const pending = interactionAnswer(interaction);
    const ctx = { ...contextOf(interaction, interaction.channelId), respond: pending.respond };
    const sub = interaction.options.getSubcommand(true);
    const values: Record<string, string | null> = {};
    for (const arg of specs.get(sub)?.args ?? []) {
      const value = interaction.options.getString(arg.name);
      values[arg.name] = value === null ? null : discordToMarkdown(value);
    }
    log.info({ event: "discord.command", sub, userId: ctx.actor.userId }, "slash command");
    const work =
      sub === "ask"
        ? safely(() => bot.ask(values.text ?? "", ctx), "discord.ask_failed")
        : safely(() => bot.command(commandText(sub, values), ctx), "discord.command_failed");
    await answer(interaction, pending, work);
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const option = focused.name === "service" || focused.name === "env" ? focused.name : undefined;
    let names: string[] = [];
    if (option) {
      try {
        names = (await timeout(bot.complete(option, String(focused.value)), AUTOCOMPLETE_BUDGET_MS)) ?? [];
      } catch (error) {
        log.warn({ event: "discord.autocomplete_failed", option, err: error }, "autocomplete failed");
      }
    }
    const choices = names
      .filter((n) => n.length >= 1 && n.length <= 100)
      .slice(0, 25)
      .map((n) => ({ name: n, value: n }));
    await interaction.respond(choices);
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const decoded = decodeCustomId(interaction.customId);
    if (!decoded) return;
    const pending = interactionAnswer(interaction);
    const ctx = { ...contextOf(interaction, interaction.channelId), respond: pending.respond };
    log.info({ event: "discord.button", kind: decoded.kind, userId: ctx.actor.userId }, "button click");
    const work = safely(() => bot.action(decoded.kind, decoded.value, ctx), "discord.action_failed");
    // Confirm and cancel change the status message in place (core edits it); other buttons answer with a new message.
    if (decoded.kind !== "confirm" && decoded.kind !== "cancel") return answer(interaction, pending, work);
    const quick = await timeout(work, deferAfterMs);
    if (quick?.posted) return;
    if (quick) {
      const body = renderEmbed(quick);
      if (quick.private) await interaction.reply({ ...asOptions(body), flags: MessageFlags.Ephemeral });
      else await interaction.update(asOptions(body));
      return;
    }
    await pending.defer("update");
    const reply = await work;
    if (reply.posted) return;
    const body = renderEmbed(reply);
    if (reply.private) {
      await interaction.followUp({ ...asOptions(body), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.editReply(asOptions(body));
  }

  async function onMessage(message: Message): Promise<void> {
    if (message.author.bot || !message.inGuild() || !client.user) return;
    const mention = new RegExp(`<@!?${client.user.id}>`, "g");
    if (!mention.test(message.content)) return;
    const text = discordToMarkdown(message.content.replace(mention, " "));
    const ctx = contextOf(message, message.channelId);
    log.info({ event: "discord.mention", userId: ctx.actor.userId }, "mention");
    const reply = text ? await safely(() => bot.ask(text, ctx), "discord.ask_failed") : await safely(() => bot.command("help", ctx), "discord.command_failed");
    const body = renderEmbed({ ...reply, private: false });
    if (reply.posted) return;
    await client.rest.post(Routes.channelMessages(message.channelId), {
      body: { ...body, message_reference: { message_id: message.id, fail_if_not_exists: false } },
    });
  }

  function contextOf(source: Interaction | Message, channelId: string | null): RequestContext {
    return { actor: actorOf(source), target: { platform: "discord", channelId: channelId ?? "" } };
  }

  function guard(event: string, work: () => Promise<void>): void {
    work().catch((error: unknown) => log.error({ event, err: error }, "discord handler failed"));
  }

  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) guard("discord.command_error", () => onCommand(interaction));
    else if (interaction.isAutocomplete()) guard("discord.autocomplete_error", () => onAutocomplete(interaction));
    else if (interaction.isButton()) guard("discord.button_error", () => onButton(interaction));
  });
  if (options.messageContent) client.on(Events.MessageCreate, (message) => guard("discord.mention_error", () => onMessage(message)));
  client.on(Events.Error, (error) => log.error({ event: "discord.client_error", err: error }, "discord client error"));

  return {
    client,
    messenger,
    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(options.token);
      } catch (error) {
        throw discordFailure(error, options.apiUrl);
      }
      await ready;
      log.info(
        { event: "discord.ready", userId: client.user?.id, guilds: client.guilds.cache.size, messageContent: options.messageContent },
        "discord connected",
      );
      if (!options.messageContent) {
        log.info({ event: "discord.mentions_off" }, "Message Content intent is off: mentions in channels are not read; /railcache ask covers every question");
      }
    },
    async stop() {
      await client.destroy();
    },
    async registerCommands(guildId?: string) {
      await registerCommands({ token: options.token, applicationId: options.applicationId, rest: client.rest, ...(guildId ? { guildId } : {}) });
      log.info({ event: "discord.commands_registered", scope: guildId ? "guild" : "global", guildId }, "commands registered");
    },
  };
}

/** `config check --probe`: asks Discord's REST API (GET /users/@me) whether it accepts the bot token. */
export async function checkDiscordToken(config: { token: string; apiUrl?: string | undefined }): Promise<string> {
  const rest = new REST({ retries: 0, timeout: 10_000, ...(config.apiUrl ? { api: config.apiUrl } : {}) }).setToken(config.token);
  try {
    const me = (await rest.get(Routes.user())) as { username?: string; id?: string };
    return `Discord accepts DISCORD_TOKEN (bot ${me.username ?? "?"}, id ${me.id ?? "?"})`;
  } catch (error) {
    throw discordFailure(error, config.apiUrl);
  }
}

/** Why a call with the bot token failed (login, registering commands), in one sentence naming the endpoint: a refused token is a setting to fix, no answer is an outage. */
export function discordFailure(error: unknown, apiUrl: string | undefined): KnownFailure {
  const endpoint = displayUrl(apiUrl ?? "https://discord.com/api");
  const network = describeNetworkError(error);
  if (network) return new KnownFailure(`Cannot reach Discord at ${endpoint}: ${network}.`, { cause: error, title: "Discord is not reachable" });
  const { code, status } = error as { code?: unknown; status?: unknown };
  if (code === "TokenInvalid" || status === 401) {
    return new KnownFailure(
      `Discord refused DISCORD_TOKEN at ${endpoint} (401 Unauthorized): reset the token on the Developer Portal's Bot page and copy it again.`,
      { cause: error, category: "configuration" },
    );
  }
  return new KnownFailure(`Could not log in to Discord at ${endpoint}: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
}
