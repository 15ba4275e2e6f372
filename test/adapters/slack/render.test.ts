import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Reply } from "../../../src/core/reply.js";
import { slackToMarkdown } from "../../../src/adapters/slack/mrkdwn.js";
import { decodeAction, encodeActionId, renderBlocks } from "../../../src/adapters/slack/render.js";
import { validateBlocks } from "../../fakes/slack/block-kit.js";

type AnyBlock = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function blocksOf(reply: Reply): AnyBlock[] {
  return renderBlocks(reply).blocks as AnyBlock[];
}

function sectionTexts(reply: Reply): string[] {
  return blocksOf(reply)
    .filter((b) => b.type === "section" && b.text)
    .map((b) => b.text.text as string);
}

describe("renderBlocks", () => {
  it("puts the title in a header, the body in mrkdwn and the context line last", () => {
    const blocks = blocksOf({ title: "Stale cache", body: "Clear it.", context: "From: Build cache", tone: "warning" });
    expect(blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text", text: "⚠️ Stale cache" } });
    expect(blocks[1]).toMatchObject({ type: "section", text: { type: "mrkdwn", text: "Clear it." } });
    expect(blocks.at(-1)).toMatchObject({ type: "context", elements: [{ type: "mrkdwn", text: "From: Build cache" }] });
  });

  it("makes the notification text a summary: the title and the body's first paragraph, cut short", () => {
    const reply: Reply = { title: "What railcache can do", body: "Ask me about stale caches.\n\nTopics I know:\n• One\n• Two", tone: "warning" };
    expect(renderBlocks(reply).text).toBe("⚠️ What railcache can do\nAsk me about stale caches.");
    const long = renderBlocks({ title: "t", body: "word ".repeat(200) }).text;
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith("…")).toBe(true);
    // The whole body is still in the blocks.
    expect(sectionTexts(reply).join("\n")).toContain("• Two");
  });

  it("escapes &, < and > in body, fields and context", () => {
    const reply: Reply = { title: "t", body: "a & b <c>", fields: [{ name: "x<y", value: "1 > 0" }], context: "R&D" };
    const json = JSON.stringify(renderBlocks(reply));
    expect(sectionTexts(reply)[0]).toBe("a &amp; b &lt;c&gt;");
    expect(json).toContain("*x&lt;y*\\n1 &gt; 0");
    expect(json).toContain("R&amp;D");
  });

  it("turns broadcasts and mentions in the text into inert text", () => {
    const reply: Reply = { title: "<!here> hi", body: "ping <!channel> <!everyone> <@U123> @here", context: "<!subteam^S1|@ops>" };
    const json = JSON.stringify(renderBlocks(reply));
    expect(json).not.toMatch(/<!|<@/);
    expect(json).not.toMatch(/(^|[^\u200b])@(here|channel|everyone)/);
  });

  it("converts light Markdown to mrkdwn: bold, strike, headings, bullets and links", () => {
    const [text] = sectionTexts({
      title: "t",
      body: "# Fix\n**Set** ~~old~~ NO_CACHE\n- see [the docs](https://docs.railway.com/builds?a=1&b=2)",
    });
    expect(text).toBe("*Fix*\n\n*Set* ~old~ NO_CACHE\n\n• see <https://docs.railway.com/builds?a=1&amp;b=2|the docs>");
  });

  it("reads the body as CommonMark: single stars are emphasis, inline HTML and stray markup are text", () => {
    const [text] = sectionTexts({ title: "t", body: "A *stale* cache in <module>: run `echo <@U1>` and **redeploy**" });
    expect(text).toBe("A _stale_ cache in &lt;module&gt;: run `echo @\u200bU1` and *redeploy*");
  });

  it("renders code as fenced blocks, from the code list and from fences in the body", () => {
    const texts = sectionTexts({ title: "t", body: 'Use:\n```toml\n[build]\nx = "<y>"\n```', code: [{ lang: "bash", text: "railway up" }] });
    expect(texts).toEqual(["Use:", '```\n[build]\nx = "&lt;y&gt;"\n```', "```\nrailway up\n```"]);
  });

  it("splits a long body into sections of at most 3000 characters and at most 50 blocks", () => {
    const body = Array.from({ length: 4000 }, (_, i) => `line ${i} & more text to fill the section`).join("\n");
    const blocks = blocksOf({ title: "t", body, actions: [{ kind: "clear", label: "Clear", value: "web" }], context: "c" });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.at(-2)?.type).toBe("actions");
    expect(blocks.at(-3)?.text.text).toContain("shortened");
    for (const b of blocks) if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(validateBlocks(blocks)).toEqual([]);
  });

  it("never cuts a long line inside an entity or a link", () => {
    const body = `${"x".repeat(2997)}&&& [docs](https://example.com/a)`;
    const [text] = sectionTexts({ title: "t", body });
    expect(text?.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/x…$/);
  });

  it("renders actions as buttons whose action_id carries kind and value, with styles and link urls", () => {
    const blocks = blocksOf({
      title: "t",
      body: "b",
      actions: [
        { kind: "clear", label: "Clear build cache for web", value: "web", style: "danger" },
        { kind: "link", label: "Dashboard", url: "https://railway.com/project/p1" },
        { kind: "link", label: "Bad", url: "javascript:alert(1)" },
        { kind: "confirm", label: "x".repeat(100), value: "wf_1", style: "primary" },
      ],
    });
    const elements = blocks.find((b) => b.type === "actions")?.elements as AnyBlock[];
    expect(elements).toHaveLength(3);
    expect(elements[0]).toMatchObject({ action_id: "railcache:clear:web", value: "web", style: "danger" });
    expect(elements[1]).toMatchObject({ url: "https://railway.com/project/p1" });
    expect(elements[2]?.text.text).toHaveLength(75);
    expect(decodeAction(elements[0]?.action_id, elements[0]?.value)).toEqual({ kind: "clear", value: "web" });
  });

  it("falls back to a short action_id when the value is long and decodes the value from the button", () => {
    const id = encodeActionId("see_more", "s".repeat(300), 2);
    expect(id).toBe("railcache:see_more:#2");
    expect(decodeAction(id, "s".repeat(300))?.value).toHaveLength(300);
    expect(decodeAction("other:clear:web", "web")).toBeUndefined();
    expect(decodeAction(encodeActionId("show_answer", "fix-dashboard", 0), "fix-dashboard")).toEqual({ kind: "show_answer", value: "fix-dashboard" });
  });

  it("puts fields into sections of at most ten", () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ name: `svc${i}`, value: i % 2 ? "SUCCESS" : "" }));
    const sections = blocksOf({ title: "t", body: "", fields }).filter((b) => b.fields);
    expect(sections.map((s) => s.fields.length)).toEqual([10, 2]);
    expect(sections[0]?.fields[0].text).toBe("*svc0*\n—");
  });

  it("produces blocks the fake Slack accepts and no mention for any reply (property)", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", " ", "\n", "&", "<", ">", "!", "@", "here", "channel", "`", "*", "#", "[", "]", "(", ")", "https://x.io", "é", "😀"),
    });
    const reply = fc.record({
      title: text,
      body: text,
      context: fc.option(text, { nil: undefined }),
      code: fc.option(fc.array(fc.record({ text: fc.string({ maxLength: 5000 }) }), { maxLength: 3 }), { nil: undefined }),
      fields: fc.option(fc.array(fc.record({ name: text, value: text }), { maxLength: 12 }), { nil: undefined }),
      actions: fc.option(
        fc.array(
          fc.record({
            kind: fc.constantFrom("clear", "confirm", "cancel", "see_more", "show_answer", "link" as const),
            label: text,
            value: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
            url: fc.option(fc.webUrl(), { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(reply, (r) => {
        const message = renderBlocks(r as Reply);
        expect(validateBlocks(message.blocks)).toEqual([]);
        expect(message.text).not.toBe("");
        expect(JSON.stringify(message)).not.toMatch(/<!(here|channel|everyone)(\|[^>]*)?>|<@[A-Za-z0-9]+(\|[^>]*)?>/);
      }),
      { numRuns: 150 },
    );
  });
});

describe("slackToMarkdown", () => {
  it("drops mentions, broadcasts and emoji shortcodes but keeps the words", () => {
    expect(slackToMarkdown("<@U012AB> <!here> prod is down :fire: :+1::skin-tone-2:")).toBe("prod is down");
  });

  it("turns Slack links into Markdown links and channel references into #names", () => {
    const out = slackToMarkdown("see <https://railway.com/project/abc|the deploy> in <#C0123|deploys> or <https://docs.railway.com>");
    expect(out).toBe("see [the deploy](https://railway.com/project/abc) in #deploys or https://docs.railway.com");
  });

  it("passes plain text through unchanged, but still trims it and collapses runs of blanks", () => {
    for (const text of ["help", "status web", "clear web --env production", "why? (pip) [x]"]) expect(slackToMarkdown(text)).toBe(text);
    expect(slackToMarkdown("  help ")).toBe("help");
    expect(slackToMarkdown("\u00a0status\n")).toBe("status");
    expect(slackToMarkdown("clear   web\t\t--env x")).toBe("clear web --env x");
    expect(slackToMarkdown("prod is down :fire: again")).toBe("prod is down again");
    expect(slackToMarkdown("pip &amp; poetry")).toBe("pip & poetry");
  });

  it("decodes Slack's entities after removing its special tokens", () => {
    expect(slackToMarkdown("in &lt;module&gt; &amp; <@U1> &lt;@U2&gt;")).toBe("in <module> & <@U2>");
  });
});
