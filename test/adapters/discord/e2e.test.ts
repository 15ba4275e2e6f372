/**
 * End to end, no network: the real discord.js client and adapter against the fake Discord, the
 * real core (answers, workflows, policy, SQLite store) against the Railway simulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../../src/runtime.js";
import { loadConfig } from "../../../src/config.js";
import { systemClock, type Clock } from "../../../src/core/ports/clock.js";
import { silentLogger } from "../../../src/log.js";
import { startHarness, type Harness } from "./harness.js";

interface Stack {
  runtime: Runtime;
  harness: Harness;
  /** Moves the bot's clock forward (confirmation expiry) without waiting. */
  skip(ms: number): void;
}

let stack: Stack | undefined;
let dir: string | undefined;

afterEach(async () => {
  await stack?.harness.stop();
  await stack?.runtime.close();
  stack = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function startStack(options: { messageContent?: boolean } = {}): Promise<Stack> {
  dir = mkdtempSync(join(tmpdir(), "railcache-discord-"));
  const policyPath = join(dir, "railcache.toml");
  writeFileSync(policyPath, 'default_environment = "production"\nconfirmation_ttl = "5m"\n');
  let offset = 0;
  const clock: Clock = { now: () => systemClock.now() + offset, sleep: systemClock.sleep };
  const config = loadConfig({ RAILCACHE_DB: join(dir, "railcache.db"), RAILCACHE_CONFIG: policyPath });
  const runtime = await createRuntime({ config, log: silentLogger(), demo: true, requireRailway: true, clock, timeouts: { pollMs: 50 } });
  const harness = await startHarness({ bot: runtime.bot, messageContent: options.messageContent ?? false });
  runtime.messengers.register("discord", harness.discord.messenger);
  stack = { runtime, harness, skip: (ms) => (offset += ms) };
  return stack;
}

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[] };
type Row = { components: { custom_id?: string; label?: string }[] };

const embedOf = (data: Record<string, unknown> | undefined) => ((data?.embeds ?? []) as Embed[])[0];
const buttonsOf = (data: Record<string, unknown> | undefined) => ((data?.components ?? []) as Row[]).flatMap((r) => r.components);

/** Every message body the bot sent carries allowed_mentions { parse: [] }. */
function expectNoPings(harness: Harness): void {
  const sent = harness.fake.calls.filter((c) => c.body && typeof c.body === "object" && ("embeds" in (c.body as object) || "data" in (c.body as object)));
  for (const call of sent) {
    const body = call.body as { allowed_mentions?: unknown; data?: { allowed_mentions?: unknown; embeds?: unknown } };
    if (body.data && !body.data.embeds) continue; // defer / autocomplete: no message content
    expect(body.allowed_mentions ?? body.data?.allowed_mentions, `${call.method} ${call.path}`).toEqual({ parse: [] });
  }
  for (const message of harness.fake.botMessages()) expect(message.pings).toEqual({ users: [], roles: [], everyone: false });
}

describe("Discord end to end", () => {
  it("answers /railcache ask with the knowledge-base answer as an embed", async () => {
    const { runtime, harness } = await startStack();
    const { fake } = harness;
    const question = "my Django app still runs old code after deploy, is the build cache stale?";
    const alice = fake.addMember("alice");
    const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "ask", options: { text: question } });
    await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
    const expected = await runtime.bot.ask(question, {
      actor: { platform: "discord", userId: alice.user.id, groups: [] },
      target: { platform: "discord", channelId: fake.channels[0]!.id },
    });
    const embed = embedOf(fake.messages.get(sent.originalMessageId!)?.data);
    expect(embed?.title).toBe(expected.title);
    expect(embed?.description).toContain(expected.body.slice(0, 40));
    expectNoPings(harness);
  });

  it("echoes no live link, bidi override or NUL from a question into the public answer", async () => {
    const { harness } = await startStack();
    const { fake } = harness;
    const alice = fake.addMember("alice");
    const text = "[click here](https://evil.example/phish) ModuleNotFoundError: No module named \u202eevil\u0000 after deploy";
    const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "ask", options: { text } });
    await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
    const shown = JSON.stringify(fake.messages.get(sent.originalMessageId!)?.data);
    expect(shown).toContain("click here");
    expect(shown).not.toMatch(/\]\(https?:|https?:\/\/evil|\\u202e|\\u0000/i);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    expect(shown).not.toMatch(/[\u202e\u0000]/);
  });

  it("answers a mention in a channel when the Message Content intent is on, as a reply to that message", async () => {
    const { harness } = await startStack({ messageContent: true });
    const { fake } = harness;
    const bob = fake.addMember("bob");
    const asked = fake.userMessage({ member: bob, content: `<@${fake.botUser.id}> pip install keeps using an old cached wheel on Railway` });
    const call = await fake.waitForCall((c) => c.method === "POST" && c.path === `/channels/${fake.channels[0]!.id}/messages`);
    expect(call.status).toBe(200);
    expect((call.body as { message_reference?: { message_id: string } }).message_reference?.message_id).toBe(asked);
    expect(embedOf(call.response as Record<string, unknown>)?.title).toBeTruthy();
    expectNoPings(harness);
  });

  it("says at start-up that mentions are off without the Message Content intent, and asks for no privileged intent", async () => {
    const { harness } = await startStack({ messageContent: false });
    expect(harness.logs.some((l) => l.event === "discord.mentions_off")).toBe(true);
    expect(harness.fake.identifies[0]?.intents).toBe(1);
    expect(JSON.stringify(harness.logs)).not.toContain("fake.discord-bot-token");
  });

  it("autocompletes service names from Railway", async () => {
    const { runtime, harness } = await startStack();
    const { fake } = harness;
    const alice = fake.addMember("alice");
    const sent = fake.autocomplete({ member: alice, command: "railcache", subcommand: "clear", options: { service: "w" }, focused: "service" });
    await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
    const names = await runtime.bot.complete("service", "w");
    expect(names.length).toBeGreaterThan(0);
    expect(sent.autocompleteChoices).toEqual(names.map((n) => ({ name: n, value: n })));
  });

  it("shows deploy status from the Railway simulator", async () => {
    const { harness } = await startStack();
    const { fake } = harness;
    const alice = fake.addMember("alice");
    const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "status", options: { env: "production" } });
    await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
    const text = JSON.stringify(embedOf(fake.messages.get(sent.originalMessageId!)?.data));
    expect(text).toContain("web");
    expect(text).toMatch(/SUCCESS|success|deployed|Deployed|running/i);
  });

  it("defers first when Railway is slow, then edits the deferred reply", async () => {
    const { runtime, harness } = await startStack();
    const { fake } = harness;
    runtime.railway!.simulator!.faults.add({ kind: "timeout", operationName: "ProjectStatus", delayMs: 2200 });
    const alice = fake.addMember("alice");
    const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "status" });
    await fake.waitForCall((c) => c.method === "PATCH" && c.path.includes(`/webhooks/${fake.applicationId}/${sent.token}/messages/@original`), 10_000);
    expect(sent.responseType).toBe(5);
    expect(sent.respondedAt! - sent.createdAt).toBeLessThan(3000);
    expect(embedOf(fake.messages.get(sent.originalMessageId!)?.data)?.title).toBeTruthy();
  });

  it("lets a member of a role the policy lists read the audit log and refuses one without it, naming the rule", async () => {
    const s = await startStack();
    const { fake } = s.harness;
    const dana = fake.addMember("dana", ["ops"]);
    const eve = fake.addMember("eve", ["visitors"]);
    const opsRole = dana.roles[0]!;
    writeFileSync(s.runtime.policy.source, `[[allow]]\nname = "audit readers"\npermissions = ["audit"]\ngroups = ["${opsRole}"]\n`);
    expect(await s.runtime.reloadPolicy()).toMatchObject({ outcome: "reloaded" });
    const shown = async (member: typeof dana) => {
      const sent = fake.slashCommand({ member, command: "railcache", subcommand: "audit", options: {} });
      await fake.waitForCall(
        (c) => c.path.startsWith(`/interactions/${sent.id}/`) || c.path.includes(`/webhooks/${fake.applicationId}/${sent.token}/`),
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      return embedOf(fake.messages.get(sent.originalMessageId!)?.data);
    };
    expect((await shown(dana))?.title).toMatch(/Audit log/);
    const refused = await shown(eve);
    expect(refused?.title).toBe("Not allowed");
    expect(refused?.description).toContain('"audit readers" ([[allow]] rule 1)');
    expect(refused?.description).not.toContain(s.runtime.policy.source);
  });

  describe("clear with confirmation", () => {
    async function requestClear(s: Stack) {
      const { fake } = s.harness;
      const alice = fake.addMember("alice");
      const sent = fake.slashCommand({ member: alice, command: "railcache", subcommand: "clear", options: { service: "web" } });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${sent.id}/`));
      const messageId = sent.originalMessageId!;
      const confirm = buttonsOf(fake.messages.get(messageId)?.data).find((b) => b.custom_id?.startsWith("rc:confirm:"));
      expect(confirm, "the confirmation has a Confirm button").toBeDefined();
      return { alice, messageId, confirmId: confirm!.custom_id! };
    }

    it("refuses a Confirm click from another user with an ephemeral message and leaves the prompt alone", async () => {
      const s = await startStack();
      const { fake } = s.harness;
      const { messageId, confirmId } = await requestClear(s);
      const before = JSON.stringify(fake.messages.get(messageId)?.data.embeds);
      const mallory = fake.addMember("mallory");
      const click = fake.clickButton({ member: mallory, messageId, customId: confirmId });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${click.id}/`));
      expect(click.responseType).toBe(4);
      expect(fake.messages.get(click.originalMessageId!)?.ephemeral).toBe(true);
      expect(JSON.stringify(fake.messages.get(messageId)?.data.embeds)).toBe(before);
      expectNoPings(s.harness);
    });

    it("runs the clear when the requester confirms, editing the same status message in place", async () => {
      const s = await startStack();
      const { fake } = s.harness;
      const { alice, messageId, confirmId } = await requestClear(s);
      const prompt = embedOf(fake.messages.get(messageId)?.data)?.title;
      const click = fake.clickButton({ member: alice, messageId, customId: confirmId });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${click.id}/`));
      expect([6, 7]).toContain(click.responseType);
      expect(click.originalMessageId).toBe(messageId);
      // Later workflow steps edit the same message through the Messenger (PATCH channel message).
      await fake.waitForCall((c) => c.method === "PATCH" && c.path === `/channels/${fake.channels[0]!.id}/messages/${messageId}`, 10_000);
      expect(embedOf(fake.messages.get(messageId)?.data)?.title).not.toBe(prompt);
      // Step the simulated deployment through its lifecycle; each step edits the message again.
      const simulator = s.runtime.railway!.simulator!;
      const editsBefore = fake.messages.get(messageId)!.edits;
      let finished = false;
      const idle = s.runtime.workflows!.idle().then(() => (finished = true));
      for (let i = 0; i < 150 && !finished; i++) {
        simulator.tick();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await idle;
      expect(fake.messages.get(messageId)!.edits).toBeGreaterThan(editsBefore);
      // The last edit is the outcome, in the success colour.
      expect((embedOf(fake.messages.get(messageId)?.data) as { color?: number }).color).toBe(0x57f287);
      expect(fake.botMessages(fake.channels[0]!.id).filter((m) => !m.ephemeral)).toHaveLength(1);
      expectNoPings(s.harness);
    }, 30_000);

    it("refuses a confirmation after it expired", async () => {
      const s = await startStack();
      const { fake } = s.harness;
      const { alice, messageId, confirmId } = await requestClear(s);
      s.skip(6 * 60_000);
      const click = fake.clickButton({ member: alice, messageId, customId: confirmId });
      await fake.waitForCall((c) => c.path.startsWith(`/interactions/${click.id}/`));
      const shown = click.responseType === 4 ? fake.messages.get(click.originalMessageId!) : fake.messages.get(messageId);
      expect(JSON.stringify(shown?.data.embeds)).toMatch(/expire/i);
      const variables = s.runtime.railway!.simulator!.requests.filter((r) => r.operationName === "VariableUpsert");
      expect(variables).toHaveLength(0);
    });
  });
});
