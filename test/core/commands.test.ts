import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/commands.js";

describe("parseCommand", () => {
  it.each([
    "how do I clear the cache?",
    "can I clear prod?",
    "why is prod on old code",
    "deploy shows old code after adding a model",
    "FieldError: Cannot resolve keyword 'x' into field",
    "web is broken?",
  ])("reads %j, typed without `ask`, as a question", (text) => {
    expect(parseCommand(text)).toEqual({ ok: true, command: { name: "ask", args: { text } } });
  });

  it("names the command a short typo was probably meant to be", () => {
    const result = parseCommand("clera web staging");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe("Unknown command `clera`. Did you mean `clear`?");
    const status = parseCommand("stauts");
    if (!status.ok) expect(status.error).toContain("Did you mean `status`?");
  });

  it("still refuses a lone unknown word, and parses real commands as before", () => {
    expect(parseCommand("bogus")).toMatchObject({ ok: false, error: "Unknown command `bogus`." });
    expect(parseCommand("cancel")).toEqual({ ok: true, command: { name: "cancel", args: {} } });
    expect(parseCommand("clear web --env staging")).toEqual({ ok: true, command: { name: "clear", args: { service: "web", env: "staging" } } });
  });
});
