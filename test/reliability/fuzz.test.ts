/**
 * Property-based fuzzing of everything that takes outside input: slash-command text, chat text,
 * Railway webhook bodies, the environment and railcache.toml. Whatever comes in: no crash, no
 * mention that would ping anyone, and a clear error. Runs are bounded so the file stays fast.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderEmbed } from "../../src/adapters/discord/render.js";
import { renderBlocks } from "../../src/adapters/slack/render.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import type { RequestContext } from "../../src/core/bot-core.js";
import { parseCommand } from "../../src/core/commands.js";
import { MAX_ANSWER_CHARS } from "../../src/core/kb/index.js";
import { PolicyError, parsePolicy } from "../../src/core/policy/index.js";
import type { Reply } from "../../src/core/reply.js";
import { createWebhookHandler } from "../../src/http/webhooks.js";
import { silentLogger } from "../../src/log.js";
import { DEMO_PROJECT_ID } from "../../src/railway/simulator/index.js";
import { validateBlocks } from "../fakes/slack/block-kit.js";
import { createHarness, type Harness } from "../core/watcher/harness.js";
import { startTestRuntime, type TestRuntime } from "../support/runtime.js";
import { chatText, liveDiscordMentions, liveSlackMentions, mentionTokens } from "./mentions.js";

/** Bounded so the file runs in seconds; RAILCACHE_FUZZ_SCALE=20 digs deeper. */
const runs = (base: number) => Math.round(base * Number(process.env.RAILCACHE_FUZZ_SCALE ?? 1));

const commandNames = ["ask", "status", "clear", "redeploy", "cancel", "audit", "help"];
const ctx: RequestContext = {
  actor: { platform: "slack", userId: "U0FUZZ", displayName: "Fuzz", groups: [] },
  target: { platform: "slack", channelId: "C0GENERAL" },
};

/** Slash-command text: sometimes a real subcommand, then anything. */
const commandText = fc.oneof(
  chatText,
  fc.tuple(fc.constantFrom(...commandNames, "CLEAR", "Status", "frobnicate"), chatText).map(([name, rest]) => `${name} ${rest}`),
  fc
    .tuple(
      fc.constantFrom("clear", "redeploy", "status"),
      fc.constantFrom("web", "worker", "wbe", "<!channel>", "@here"),
      fc.constantFrom("", "production", "--env", "env=<@U123>", "--env=@everyone"),
    )
    .map((parts) => parts.join(" ")),
);

/** What every Reply must satisfy on both platforms. */
function expectSafeToPost(reply: Reply, input: string): void {
  const slack = renderBlocks(reply);
  expect(liveSlackMentions(slack), `Slack mention from ${JSON.stringify(input.slice(0, 200))}`).toEqual([]);
  expect(validateBlocks(slack.blocks), "Block Kit Slack accepts").toEqual([]);
  const discord = renderEmbed(reply);
  expect(liveDiscordMentions(discord), `Discord mention from ${JSON.stringify(input.slice(0, 200))}`).toEqual([]);
}

describe("the mention checks themselves", () => {
  it("spot a raw mention on either platform (so the properties below can fail)", () => {
    expect(liveSlackMentions({ text: "deploy done <!channel>", blocks: [] })).toEqual(["<!channel>"]);
    expect(liveSlackMentions({ text: "", blocks: [{ type: "section", text: { type: "mrkdwn", text: "cc <@U0ALICE>" } }] })).toEqual(["<@U0ALICE>"]);
    expect(liveDiscordMentions({ embeds: [{ description: "hey @everyone" }], components: [], allowed_mentions: { parse: [] } })).toEqual(["@everyone"]);
    expect(liveDiscordMentions({ embeds: [], components: [], allowed_mentions: { parse: ["everyone" as never] } })).toHaveLength(1);
  });
});

describe("parseCommand on arbitrary text", () => {
  it("never throws, and its errors are short and echo at most a cut piece of the input", () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const result = parseCommand(text);
        if (result.ok) {
          expect(commandNames).toContain(result.command.name);
          return;
        }
        expect(result.error.length).toBeGreaterThan(0);
        expect(result.error.length).toBeLessThanOrEqual(200);
        expect(result.usage).toMatch(/\/railcache/);
      }),
      { numRuns: runs(500) },
    );
  });

  it("puts no live mention in an error shown the way BotCore shows it", async () => {
    // Exhaustive over the mention tokens, in every argument position.
    const t = await startTestRuntime();
    try {
      for (const token of mentionTokens) {
        for (const text of [token, `clear ${token}`, `clear web ${token}`, `status web production ${token}`, `audit ${token}`, `clear --env ${token} web`]) {
          const reply = await t.runtime.bot.command(text, ctx);
          expectSafeToPost(reply, text);
        }
      }
    } finally {
      await t.close();
    }
  });
});

describe("BotCore on arbitrary chat text", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await startTestRuntime();
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers any question (mentions, unicode, zero-width characters, 50k pastes) with a short, mention-free reply", async () => {
    await fc.assert(
      fc.asyncProperty(chatText, async (text) => {
        const reply = await t.runtime.bot.ask(text, ctx);
        expect(reply.title.length).toBeGreaterThan(0);
        expect(reply.body.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
        expectSafeToPost(reply, text);
      }),
      { numRuns: runs(120) },
    );
  });

  it("answers any /railcache text with a reply or a usage error, never a crash or a mention", async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const reply = await t.runtime.bot.command(text, ctx);
        expect(reply.title.length).toBeGreaterThan(0);
        expectSafeToPost(reply, text);
      }),
      { numRuns: runs(120) },
    );
    await t.runtime.workflows?.idle();
  });

  const isLiveQuestion = (question: string): boolean => {
    if (!question.trim()) return false;
    const result = t.runtime.answers.answer(question);
    return Boolean(result.matched && result.section && t.runtime.answers.section(result.section.id)?.live);
  };

  it("answers instantly exactly the /railcache texts that need no I/O, with the reply `command` would give", async () => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const before = t.sim.requests.length;
        const instant = t.runtime.bot.instantReply(text);
        // Computed from memory: not one Railway request.
        expect(t.sim.requests.length).toBe(before);
        const parsed = parseCommand(text);
        // A question routed to a `live: setup` section is answered from Railway: that needs I/O.
        const liveAsk = parsed.ok && parsed.command.name === "ask" && isLiveQuestion(parsed.command.args.text ?? "");
        const needsNoIo = !parsed.ok || (parsed.command.name === "ask" && !liveAsk) || parsed.command.name === "help";
        expect(instant !== undefined).toBe(needsNoIo);
        if (instant) {
          expectSafeToPost(instant, text);
          expect(instant).toEqual(await t.runtime.bot.command(text, ctx));
        }
      }),
      { numRuns: runs(200) },
    );
    await t.runtime.workflows?.idle();
  });

  it("survives arbitrary button values", async () => {
    const kinds = ["clear", "redeploy", "confirm", "cancel", "see_more", "mute", "unmute", "remove_no_cache", "link"] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...kinds), chatText, async (kind, value) => {
        const reply = await t.runtime.bot.action(kind, value.slice(0, 2_000), ctx);
        expectSafeToPost(reply, value);
      }),
      { numRuns: runs(80) },
    );
    await t.runtime.workflows?.idle();
  });
});

describe("Railway webhook bodies", () => {
  const SECRET = "wh-fuzz-7c2e9a1b3d5f7a9c1e3b5d7f";
  let h: Harness;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    h = await createHarness({ watcher: { rules: { configFile: { enabled: false } } } });
    const handler = createWebhookHandler({ secret: SECRET, watcher: h.watcher, log: silentLogger(), maxBytes: 4096 });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  async function deliver(body: string | Uint8Array, path = `/webhooks/railway/${SECRET}`): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await response.text();
    return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
  }

  const id = fc.oneof(fc.constant(DEMO_PROJECT_ID), fc.uuid(), fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null));
  const ref = fc.oneof(fc.record({ id, name: fc.option(fc.string({ maxLength: 12 })) }), fc.jsonValue({ maxDepth: 2 }));
  /** Shaped like Railway's payloads, with every field possibly wrong. */
  const railwayish = fc.record(
    {
      type: fc.oneof(
        fc.constantFrom("Deployment.failed", "Deployment.crashed", "Deployment.deployed", "DEPLOY", "Volume.alert", "Deployment."),
        fc.string({ maxLength: 20 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      status: fc.oneof(fc.constantFrom("CRASHED", "FAILED", "SUCCESS", "building"), fc.string({ maxLength: 10 })),
      resource: fc.record({ project: ref, environment: ref, service: ref, deployment: ref }, { requiredKeys: [] }),
      project: ref,
      deployment: ref,
      details: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 })),
      timestamp: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string({ maxLength: 10 }),
      ),
    },
    { requiredKeys: [] },
  );

  it("answers 2xx or 4xx with a JSON error to any body, never 5xx, and warns nobody", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          railwayish.map((v) => JSON.stringify(v)),
          fc.json({ maxDepth: 4 }),
          fc.string({ unit: "binary", maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ minLength: 4_097, maxLength: 6_000 }),
        ),
        async (body) => {
          const { status, json } = await deliver(body);
          expect(status, JSON.stringify(json)).toBeGreaterThanOrEqual(200);
          expect(status, JSON.stringify(json)).toBeLessThan(500);
          if (status >= 400) {
            expect(typeof json.error).toBe("string");
            expect((json.error as string).length).toBeLessThanOrEqual(600);
          }
        },
      ),
      { numRuns: runs(250) },
    );
    await h.watcher.idle();
    // No body named a real deployment of the project: nothing may have been posted.
    expect(h.messenger.posts).toEqual([]);
  });

  it("answers 404 to any wrong secret in the path, however it is encoded", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 60 }), async (guess) => {
        fc.pre(guess !== SECRET);
        const { status } = await deliver("{}", `/webhooks/railway/${encodeURIComponent(guess)}`);
        expect(status).toBe(404);
      }),
      { numRuns: runs(60) },
    );
    for (const raw of ["%", "%E0%A4%A", "%00", "..%2F..%2F", `${SECRET}%`]) expect((await deliver("{}", `/webhooks/railway/${raw}`)).status).toBe(404);
  });
});

describe("loadConfig on arbitrary environments", () => {
  const known = [
    "RAILWAY_API_TOKEN",
    "RAILWAY_TOKEN",
    "RAILWAY_PROJECT_ID",
    "RAILWAY_API_URL",
    "RAILWAY_TIMEOUT_MS",
    "RAILCACHE_CONFIG",
    "RAILCACHE_DB",
    "DATABASE_URL",
    "RAILCACHE_WEBHOOK_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_WARN_CHANNEL",
    "DISCORD_TOKEN",
    "DISCORD_APPLICATION_ID",
    "DISCORD_GUILD_ID",
    "DISCORD_MESSAGE_CONTENT",
    "PORT",
    "LOG_LEVEL",
  ];
  const isSecretName = (name: string) => /_(TOKEN|SECRET)$/.test(name);
  /** Distinctive enough that finding it in a message means it was echoed. */
  const secretValue = fc
    .tuple(fc.constantFrom("", "xoxb-", "xapp-", " "), fc.stringMatching(/^[A-Za-z0-9]{14,30}$/))
    .map(([prefix, body]) => `${prefix}${body}`);
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom("", " ", "true", "0", "65536", "https://example.com/graphql", "postgres://u:p@h/db", "123456789012345678"),
  );
  const env = fc
    .dictionary(fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 12 })), value, { maxKeys: 12 })
    .chain((base) => fc.dictionary(fc.constantFrom(...known.filter(isSecretName)), secretValue, { maxKeys: 4 }).map((secrets) => ({ ...base, ...secrets })));

  it("returns a config or throws a ConfigError that never echoes a token or secret", () => {
    fc.assert(
      fc.property(env, (vars) => {
        let error: unknown;
        try {
          const config = loadConfig(vars);
          // 0 asks the system for a free port.
          expect(config.port).toBeGreaterThanOrEqual(0);
          return;
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const { message, problems } = error as ConfigError;
        expect(problems.length).toBeGreaterThan(0);
        for (const [name, raw] of Object.entries(vars)) {
          const secret = raw.trim();
          if (isSecretName(name) && secret.length >= 12) expect(message, `${name} echoed`).not.toContain(secret);
        }
      }),
      { numRuns: runs(400) },
    );
  });
});

describe("parsePolicy on arbitrary and mutated railcache.toml", () => {
  const example = readFileSync(new URL("../fixtures/policy/railcache.example.toml", import.meta.url), "utf8");

  /** One edit of the valid example: delete, insert, duplicate a line or swap a value. */
  const mutated = fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant("delete" as const), fc.nat(), fc.integer({ min: 1, max: 40 })),
        fc.tuple(
          fc.constant("insert" as const),
          fc.nat(),
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.constantFrom(
              "[",
              "]",
              "=",
              '"',
              "\n",
              "[[allow]]\n",
              "users = 1\n",
              'cooldown = "forever"\n',
              "confirmation_ttl = 1\n",
              "permissions = []\n",
              "nope = true\n",
              '[aliases]\napi = ""\n',
            ),
          ),
        ),
        fc.tuple(fc.constant("dupline" as const), fc.nat(), fc.constant(0)),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let text = example;
      for (const [kind, at, arg] of edits) {
        const pos = at % (text.length + 1);
        if (kind === "delete") text = text.slice(0, pos) + text.slice(pos + (arg as number));
        else if (kind === "insert") text = text.slice(0, pos) + (arg as string) + text.slice(pos);
        else {
          const lines = text.split("\n");
          const i = at % lines.length;
          lines.splice(i, 0, lines[i] as string);
          text = lines.join("\n");
        }
      }
      return text;
    });

  it("keeps the documented defaults (5 min to confirm, 2 min cooldown) when a railcache.toml leaves them out", () => {
    // zod 4 returns a .default() as the parsed output, skipping the seconds-to-ms transform.
    const policy = parsePolicy('[aliases]\napi = "web"\n');
    expect(policy.confirmationTtlMs).toBe(5 * 60_000);
    expect(policy.cooldownMs).toBe(2 * 60_000);
  });

  it("returns a Policy or a PolicyError whose every problem names its line", () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 })), (text) => {
        let error: unknown;
        try {
          const policy = parsePolicy(text);
          expect(policy.confirmationTtlMs).toBeGreaterThanOrEqual(10_000);
          return;
        } catch (caught) {
          error = caught;
        }
        expect(error, String(error)).toBeInstanceOf(PolicyError);
        const lines = text.split(/\r?\n/).length;
        for (const problem of (error as PolicyError).problems) {
          const match = /^line (\d+)[,:]/.exec(problem);
          expect(match, `${JSON.stringify(problem)} for ${JSON.stringify(text)}`).not.toBeNull();
          expect(Number(match?.[1])).toBeGreaterThanOrEqual(1);
          expect(Number(match?.[1])).toBeLessThanOrEqual(lines + 1);
        }
      }),
      { numRuns: runs(600) },
    );
  });
});
