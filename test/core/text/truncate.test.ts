import { describe, expect, it } from "vitest";
import { truncate } from "../../../src/core/text/truncate.js";

describe("truncate", () => {
  it("leaves text within the limit as it is", () => {
    expect(truncate("web", 3)).toBe("web");
  });

  it("cuts to the limit, ellipsis included, without a space before it", () => {
    expect(truncate("x".repeat(100), 20)).toBe(`${"x".repeat(19)}…`);
    expect(truncate("Fix the checkout page", 9)).toBe("Fix the…");
  });

  it("never splits an emoji in two", () => {
    const cut = truncate("deploy 🚀🚀 done", 9);
    expect(cut).toBe("deploy…");
    expect(cut.length).toBeLessThanOrEqual(9);
    expect(truncate("ab🚀cd", 4)).toBe("ab…");
  });
});
