import { describe, expect, it } from "vitest";
import { markdownToPlain, renderMarkdown, type MarkdownRules } from "../../../src/core/text/markdown.js";
import { renderText } from "../../../src/adapters/console/render.js";

const shouting: MarkdownRules = {
  text: (text) => text.toUpperCase(),
  strong: (inner) => `!${inner}!`,
  em: (inner) => inner,
  del: (inner) => inner,
  code: (text) => `[${text}]`,
  link: (label) => label,
  heading: (inner) => inner,
  codeBlock: (text) => text,
  quote: (inner) => inner,
  listItem: (inner, marker) => `${marker} ${inner}`,
};

describe("renderMarkdown", () => {
  it("renders a text again with each rule set, however often it was rendered with another", () => {
    const text = "**web** runs `0101010`";
    for (let i = 0; i < 3; i += 1) expect(markdownToPlain(text)).toBe("web runs 0101010");
    expect(renderMarkdown(text, shouting)).toBe("!WEB! RUNS [0101010]");
    expect(markdownToPlain(text)).toBe("web runs 0101010");
  });

  it("the console's colour and plain renderings of one reply stay apart", () => {
    const reply = { title: "Status", body: "**web** is up" };
    const coloured = renderText(reply, { colour: true });
    expect(renderText(reply, { colour: false })).toBe("Status\nweb is up");
    expect(coloured).toContain("\u001b[1mweb\u001b[0m");
    expect(renderText(reply, { colour: true })).toBe(coloured);
  });
});
