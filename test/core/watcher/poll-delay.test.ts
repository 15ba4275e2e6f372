import { describe, expect, it } from "vitest";
import { nextPollDelay } from "../../../src/core/watcher/index.js";

const now = Date.UTC(2026, 10, 25, 9);
const base = 30_000;
const hour = 3_600_000;

describe("nextPollDelay", () => {
  it("polls at the base interval while Railway has not reported a budget", () => {
    expect(nextPollDelay({ limit: null, remaining: null, resetAt: null }, base, now)).toBe(base);
  });

  it("keeps the base interval with a healthy Hobby budget", () => {
    expect(nextPollDelay({ limit: 1000, remaining: 900, resetAt: now + 30 * 60_000 }, base, now)).toBe(base);
  });

  it("spreads polls over the time left when the budget runs low", () => {
    // 240 left, 200 (a fifth of the limit) kept in reserve, half of the other 40 for 30 minutes of polls: every 90 s.
    expect(nextPollDelay({ limit: 1000, remaining: 240, resetAt: now + 30 * 60_000 }, base, now)).toBe(90_000);
  });

  it("waits for the reset once only the reserve is left", () => {
    expect(nextPollDelay({ limit: 1000, remaining: 150, resetAt: now + 10 * 60_000 }, base, now)).toBe(10 * 60_000 + 1_000);
  });

  it("never polls faster than the base interval, even right before a reset", () => {
    expect(nextPollDelay({ limit: 100, remaining: 5, resetAt: now - 1_000 }, base, now)).toBe(base);
  });

  it("uses at most half of a Free plan hour for polling", () => {
    // Simulate an hour of polls against a 100/h budget: each poll spends one request.
    let remaining = 100;
    let t = now;
    let polls = 0;
    while (t < now + hour) {
      remaining -= 1;
      polls += 1;
      t += nextPollDelay({ limit: 100, remaining, resetAt: now + hour }, base, t);
    }
    expect(polls).toBeLessThanOrEqual(80);
    expect(remaining).toBeGreaterThanOrEqual(20);
  });
});
