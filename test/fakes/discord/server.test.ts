import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { Client, Events, GatewayIntentBits, REST, Routes, type Interaction } from "discord.js";
import { startFakeDiscord, type FakeDiscord } from "./server.js";

const TOKEN = "MTAxMDEwMTAxMDEwMTAxMDEw.fake.discord-bot-token";

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  // Destroy the client first, or it reconnects to a fake that is going away.
  await client?.destroy();
  client = undefined;
  await fake?.stop();
  fake = undefined;
});

async function login(intents: number[], token = TOKEN): Promise<Client> {
  client = new Client({ intents, rest: { api: fake!.apiUrl } });
  const ready = once(client, Events.ClientReady);
  await client.login(token);
  await ready;
  return client;
}

const railcacheCommand = {
  name: "railcache",
  description: "Railway build cache helper",
  options: [
    {
      type: 1,
      name: "clear",
      description: "Clear a service's build cache",
      options: [{ type: 3, name: "service", description: "Service", required: true, autocomplete: true }],
    },
  ],
};

async function registerCommand(): Promise<void> {
  const rest = new REST({ api: fake!.apiUrl }).setToken(TOKEN);
  await rest.put(Routes.applicationCommands(fake!.applicationId), { body: [railcacheCommand] });
}

describe("fake Discord gateway", () => {
  it("brings a discord.js client to ready with its guild available, well before discord.js's 15 s guild wait", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const started = Date.now();
    const c = await login([GatewayIntentBits.Guilds]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(c.user?.id).toBe(fake.botUser.id);
    expect(c.application?.id).toBe(fake.applicationId);
    expect(c.guilds.cache.get(fake.guild.id)?.available).toBe(true);
    expect(c.channels.cache.get(fake.channels[0]!.id)).toBeDefined();
  });

  it("refuses a login with the wrong token", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    await expect(client.login("wrong.token.value")).rejects.toThrow();
  });

  it("closes the gateway with 4014 when Message Content is requested but not enabled for the app", async () => {
    fake = await startFakeDiscord({ token: TOKEN, messageContentEnabled: false });
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: fake.apiUrl } });
    await expect(client.login(TOKEN)).rejects.toThrow(/intent/i);
  });

  it("delivers a slash command that the client answers with interaction.reply", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const c = await login([GatewayIntentBits.Guilds]);
    await registerCommand();
    const alice = fake.addMember("alice", ["deployers"]);
    c.on(Events.InteractionCreate, (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const service = interaction.options.getString("service", true);
      const roles = interaction.inCachedGuild() ? [...interaction.member.roles.cache.keys()] : [];
      void interaction.reply({
        content: `clear ${service} by ${interaction.user.username} ${roles.includes(fake!.role("deployers"))}`,
        allowedMentions: { parse: [] },
      });
    });
    const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "clear", options: { service: "web" } });
    await fake.waitForCall((call) => call.path === `/interactions/${sent.id}/${sent.token}/callback`);
    const reply = fake.messages.get(sent.originalMessageId!);
    expect(reply?.data.content).toBe("clear web by alice true");
    expect(sent.responseType).toBe(4);
  });

  it("answers heartbeats with heartbeat ACKs", async () => {
    fake = await startFakeDiscord({ token: TOKEN, heartbeatIntervalMs: 200 });
    const c = await login([GatewayIntentBits.Guilds]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    // discord.js measures ping from the ACK; without ACKs it would zombie-reconnect.
    expect(c.ws.ping).toBeGreaterThanOrEqual(0);
    expect(c.ws.status).toBe(0);
  });

  it("blanks message content without the Message Content intent unless the bot is mentioned", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const c = await login([GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const seen: string[] = [];
    c.on(Events.MessageCreate, (message) => seen.push(message.content));
    const bob = fake.addMember("bob");
    fake.userMessage({ member: bob, content: "just chatting" });
    fake.userMessage({ member: bob, content: `<@${fake.botUser.id}> is my cache stale?` });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual(["", `<@${fake.botUser.id}> is my cache stale?`]);
  });
});

describe("fake Discord REST", () => {
  it("rejects requests without the bot token", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken("not-the-token");
    await expect(rest.get(Routes.gatewayBot())).rejects.toMatchObject({ status: 401 });
  });

  it("validates command JSON like Discord: uppercase names and long descriptions are 50035", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl }).setToken(TOKEN);
    const bad = { ...railcacheCommand, name: "RailCache", description: "x".repeat(101) };
    await expect(rest.put(Routes.applicationCommands(fake.applicationId), { body: [bad] })).rejects.toMatchObject({
      status: 400,
      code: 50035,
      rawError: { errors: { "0": { name: { _errors: [expect.anything()] }, description: { _errors: [expect.anything()] } } } },
    });
  });

  it("refuses required options after optional ones and mixing subcommands with plain options", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl }).setToken(TOKEN);
    const bad = {
      name: "railcache",
      description: "d",
      options: [
        {
          type: 1,
          name: "clear",
          description: "d",
          options: [
            { type: 3, name: "env", description: "d" },
            { type: 3, name: "service", description: "d", required: true },
          ],
        },
        { type: 3, name: "loose", description: "d" },
      ],
    };
    await expect(rest.put(Routes.applicationCommands(fake.applicationId), { body: [bad] })).rejects.toMatchObject({ status: 400, code: 50035 });
  });

  it("keeps command ids across an identical bulk overwrite", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    await registerCommand();
    const first = fake.commands.global[0]!.id;
    await registerCommand();
    expect(fake.commands.global).toHaveLength(1);
    expect(fake.commands.global[0]!.id).toBe(first);
  });

  it("rejects embeds and buttons beyond Discord's limits", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl }).setToken(TOKEN);
    const channel = fake.channels[0]!.id;
    const tooManyFields = { embeds: [{ title: "t", fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: "v" })) }] };
    await expect(rest.post(Routes.channelMessages(channel), { body: tooManyFields })).rejects.toMatchObject({ status: 400, code: 50035 });
    const tooBig = {
      embeds: [
        {
          title: "t",
          description: "d".repeat(4096),
          fields: [
            { name: "n", value: "v".repeat(1024) },
            { name: "n", value: "v".repeat(1024) },
          ],
        },
      ],
    };
    await expect(rest.post(Routes.channelMessages(channel), { body: tooBig })).rejects.toMatchObject({ status: 400, code: 50035 });
    const longId = { content: "x", components: [{ type: 1, components: [{ type: 2, style: 1, label: "ok", custom_id: "c".repeat(101) }] }] };
    await expect(rest.post(Routes.channelMessages(channel), { body: longId })).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(rest.post(Routes.channelMessages(channel), { body: {} })).rejects.toMatchObject({ status: 400, code: 50006 });
    expect(fake.botMessages()).toHaveLength(0);
  });

  it("retries after an injected 429 and records both attempts", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl }).setToken(TOKEN);
    const channel = fake.channels[0]!.id;
    fake.rateLimitNext("POST", /\/channels\/\d+\/messages$/, 150);
    const started = Date.now();
    await rest.post(Routes.channelMessages(channel), { body: { content: "hello", allowed_mentions: { parse: [] } } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.calls.filter((c) => c.method === "POST").map((c) => c.status)).toEqual([429, 200]);
  });

  it("counts who a message would ping given allowed_mentions", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    const rest = new REST({ api: fake.apiUrl }).setToken(TOKEN);
    const channel = fake.channels[0]!.id;
    const bob = fake.addMember("bob");
    await rest.post(Routes.channelMessages(channel), { body: { content: `hi <@${bob.user.id}> @everyone` } });
    await rest.post(Routes.channelMessages(channel), { body: { content: `hi <@${bob.user.id}> @everyone`, allowed_mentions: { parse: [] } } });
    const [loud, quiet] = fake.botMessages(channel);
    expect(loud!.pings).toEqual({ users: [bob.user.id], roles: [], everyone: true });
    expect(quiet!.pings).toEqual({ users: [], roles: [], everyone: false });
  });
});
