import { describe, expect, it } from "vitest";
import { MAX_INPUT_CHARS, cleanChatText, truncateInput } from "../../../src/core/text/chat-format.js";

describe("cleanChatText", () => {
  it("removes code fences and inline backticks but keeps the code", () => {
    const out = cleanChatText("error:\n```python\nFieldError: Cannot resolve keyword 'x'\n```\nrun `migrate`");
    expect(out).toContain("FieldError: Cannot resolve keyword 'x'");
    expect(out).toContain("run migrate");
    expect(out).not.toContain("`");
  });

  it("drops quote markers but keeps the quoted line", () => {
    expect(cleanChatText("> ImportError: x")).toBe("ImportError: x");
  });

  it("keeps times, URLs with ports and traceback colons intact", () => {
    const text = 'at 12:30:45 postgres://u:p@host:5432/db File "/app/x.py", line 5, in <module>';
    expect(cleanChatText(text)).toBe(text);
  });
});

describe("truncateInput", () => {
  it("keeps short input as it is", () => {
    expect(truncateInput("hello")).toBe("hello");
  });

  it("keeps the head and the tail of an over-long input within the limit", () => {
    const text = `QUESTION ${"x".repeat(50_000)} FINAL-LINE`;
    const out = truncateInput(text);
    expect(out.length).toBeLessThanOrEqual(MAX_INPUT_CHARS + 3);
    expect(out.startsWith("QUESTION")).toBe(true);
    expect(out.endsWith("FINAL-LINE")).toBe(true);
  });
});
