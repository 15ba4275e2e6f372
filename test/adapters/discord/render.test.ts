import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { renderEmbed } from "../../../src/adapters/discord/render.js";
import { decodeCustomId, encodeCustomId } from "../../../src/adapters/discord/custom-id.js";
import { MAX_SECTION_ID } from "../../../src/core/kb/loader.js";
import { inviteUrl } from "../../../src/adapters/discord/invite.js";
import { discordToMarkdown } from "../../../src/adapters/discord/markup.js";
import type { Reply } from "../../../src/core/reply.js";
import { checkMessage } from "../../fakes/discord/limits.js";

const base: Reply = { title: "Stale build cache", body: "Clear the cache, then redeploy." };

describe("renderEmbed", () => {
  it("puts title, body, code blocks, fields and context into one embed", () => {
    const body = renderEmbed({
      ...base,
      code: [{ lang: "toml", text: "[build]\nnixpacksConfigPath = 'x'" }],
      fields: [{ name: "Service", value: "web", inline: true }],
      context: "From: Fix option 1",
      tone: "success",
    });
    const [embed] = body.embeds;
    expect(embed!.title).toBe("Stale build cache");
    expect(embed!.description).toBe("Clear the cache, then redeploy.\n\n```toml\n[build]\nnixpacksConfigPath = 'x'\n```");
    expect(embed!.fields).toEqual([{ name: "Service", value: "web", inline: true }]);
    expect(embed!.footer?.text).toBe("From: Fix option 1");
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it("writes the body's Markdown in Discord's dialect: bold stays bold, stray markup is escaped, mentions are inert", () => {
    const [embed] = renderEmbed({
      ...base,
      body: "**Why:** a *stale* cache; NO_CACHE=1 for <@123> and @everyone\n\n- `pip install` in [the docs](https://docs.railway.com)",
    }).embeds;
    expect(embed!.description).toBe(
      "**Why:** a *stale* cache; NO\\_CACHE=1 for @\u200b123 and @\u200beveryone\n\n• `pip install` in [the docs](https://docs.railway.com)",
    );
  });

  it("escapes mentions inside code blocks too", () => {
    const [embed] = renderEmbed({ ...base, body: "", code: [{ text: "ping @here <@&42>" }] }).embeds;
    expect(embed!.description).not.toMatch(/(^|[^\u200b])@(here|&42)/);
  });

  it("turns actions into buttons whose custom ids carry kind and value", () => {
    const body = renderEmbed({
      ...base,
      actions: [
        { kind: "confirm", label: "Confirm", value: "wf_123", style: "danger" },
        { kind: "cancel", label: "Cancel", value: "wf_123" },
        { kind: "link", label: "Dashboard", url: "https://railway.com/project/p" },
      ],
    });
    const buttons = body.components[0]!.components;
    expect(buttons.map((b) => ("custom_id" in b ? b.custom_id : "url" in b ? b.url : undefined))).toEqual([
      "rc:confirm:wf_123",
      "rc:cancel:wf_123",
      "https://railway.com/project/p",
    ]);
    expect(buttons[0]!.style).toBe(4);
    expect(decodeCustomId("rc:confirm:wf_123")).toEqual({ kind: "confirm", value: "wf_123" });
    expect(decodeCustomId(encodeCustomId("show_answer", "fix-dashboard")!)).toEqual({ kind: "show_answer", value: "fix-dashboard" });
    // A section's buttons fit whatever its id (team section ids are capped for this).
    const longest = "t".repeat(MAX_SECTION_ID);
    for (const kind of ["see_more", "show_answer"] as const) expect(decodeCustomId(encodeCustomId(kind, longest)!)).toEqual({ kind, value: longest });
  });

  it("makes mentions in any text inert", () => {
    const body = renderEmbed({ title: "@everyone", body: "ask <@123456789012345678> or <@&987654321098765432>", fields: [{ name: "@here", value: "x" }] });
    const text = JSON.stringify(body.embeds);
    expect(text).not.toMatch(/<@[!&]?\d+>|@everyone|@here/);
  });

  it("marks private replies ephemeral", () => {
    expect(renderEmbed({ ...base, private: true }).flags).toBe(64);
    expect(renderEmbed(base).flags).toBeUndefined();
  });

  it("never produces a message Discord would reject, whatever the reply", () => {
    const text = (max: number) => fc.string({ maxLength: max });
    const reply = fc.record({
      title: text(400),
      body: text(7000),
      code: fc.array(fc.record({ lang: fc.constantFrom("python", "toml", undefined), text: text(3000) }), { maxLength: 3 }),
      fields: fc.array(fc.record({ name: text(300), value: text(1500) }), { maxLength: 30 }),
      context: fc.option(text(2500), { nil: undefined }),
      actions: fc.array(
        fc.record({
          kind: fc.constantFrom("clear", "confirm", "see_more", "show_answer", "link" as const),
          label: text(100),
          value: text(120),
          url: fc.constant("https://railway.com/x"),
        }),
        { maxLength: 30 },
      ),
    });
    fc.assert(
      fc.property(reply, (r) => {
        expect(checkMessage(renderEmbed(r as Reply), true)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it("keeps a cut code block closed", () => {
    const body = renderEmbed({ ...base, code: [{ lang: "python", text: "x = 1\n".repeat(2000) }] });
    const description = body.embeds[0]!.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description.endsWith("\n```")).toBe(true);
  });
});

describe("custom ids", () => {
  it("refuse values that would not fit Discord's 100 characters", () => {
    expect(encodeCustomId("confirm", "w".repeat(90))).toBeUndefined();
    expect(encodeCustomId("confirm", "w".repeat(80))).toHaveLength(91);
  });

  it("ignore ids that railcache did not write", () => {
    expect(decodeCustomId("other:confirm:1")).toBeUndefined();
    expect(decodeCustomId("rc:format_disk:1")).toBeUndefined();
  });
});

describe("inviteUrl", () => {
  it("asks for the bot and applications.commands scopes and only the permissions the bot uses", () => {
    const url = new URL(inviteUrl("123456789012345678"));
    expect(url.origin + url.pathname).toBe("https://discord.com/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe("123456789012345678");
    expect(url.searchParams.get("scope")).toBe("bot applications.commands");
    const permissions = BigInt(url.searchParams.get("permissions")!);
    // View Channel, Send Messages, Embed Links, Read Message History, Send Messages in Threads; never Administrator.
    expect(permissions).toBe((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 38n));
  });
});

describe("renderEmbed footers", () => {
  it("move a markdown link out of the footer (which shows no markdown) onto the title", () => {
    const body = renderEmbed({ ...base, context: "[Open in Railway](https://railway.com/project/p/service/s)" });
    expect(body.embeds[0]!.footer?.text).toBe("Open in Railway");
    expect(body.embeds[0]!.url).toBe("https://railway.com/project/p/service/s");
  });
});

describe("discordToMarkdown", () => {
  it("drops user, role and channel mentions, custom emoji and timestamps", () => {
    expect(discordToMarkdown("<@123> <@!45> <@&6> in <#789> ImportError: x <:blob:123456> <t:1700000000:R> :fire:")).toBe("in ImportError: x");
  });
});
