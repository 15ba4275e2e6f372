import { describe, expect, it } from "vitest";
import { clockTime, formatAgo, formatSpan } from "../../../src/core/text/time.js";

describe("times in messages", () => {
  it("writes spans from seconds to days", () => {
    expect(formatSpan(40_000)).toBe("40 s");
    expect(formatSpan(5 * 60_000)).toBe("5 min");
    expect(formatSpan(89 * 60_000)).toBe("89 min");
    expect(formatSpan(3 * 3_600_000)).toBe("3 h");
    expect(formatSpan(72 * 3_600_000)).toBe("3 d");
    expect(formatSpan(-5)).toBe("0 s");
  });

  it("says how long ago, and just now for under a minute or a time in the future", () => {
    expect(formatAgo(10_000)).toBe("just now");
    expect(formatAgo(5 * 60_000)).toBe("5 min ago");
    expect(formatAgo(3 * 3_600_000)).toBe("3 h ago");
    expect(formatAgo(72 * 3_600_000)).toBe("3 d ago");
    expect(formatAgo(-60_000)).toBe("just now");
  });

  it("writes a time of day in UTC", () => {
    expect(clockTime(Date.UTC(2026, 11, 6, 14, 5, 59))).toBe("14:05 UTC");
  });
});
