import { describe, expect, it } from "vitest";
import { cardStep, type CardMoment } from "../../../src/core/watcher/lifecycle.js";
import { defaultWatcherRules } from "../../../src/core/watcher/rules.js";

const rules = defaultWatcherRules();
const minute = 60_000;
const moment = (m: Partial<CardMoment>): CardMoment => ({ status: "SUCCESS", changed: true, shown: null, elapsedMs: 0, rules, ...m });
const shown = (kind: "failure" | "building" | "stale_cache", status: CardMoment["status"]) => ({ kind, status, title: `${kind} card` });

describe("the card lifecycle table", () => {
  it("shows a failure once, when the deployment fails or crashes", () => {
    expect(cardStep(moment({ status: "FAILED" }))).toBe("failure");
    expect(cardStep(moment({ status: "CRASHED", shown: shown("building", "BUILDING") }))).toBe("failure");
    expect(cardStep(moment({ status: "CRASHED", changed: false, shown: shown("stale_cache", "CRASHED") }))).toBe("nothing");
  });

  it("leaves a failure alone, even on a card that shows another status, when failure cards are off", () => {
    const off = { ...rules, failures: { ...rules.failures, enabled: false } };
    expect(cardStep(moment({ status: "FAILED", rules: off, shown: shown("building", "BUILDING") }))).toBe("nothing");
  });

  it("raises a building card only once the build has run longer than the rule allows", () => {
    expect(cardStep(moment({ status: "BUILDING", changed: false, elapsedMs: 19 * minute }))).toBe("nothing");
    expect(cardStep(moment({ status: "BUILDING", changed: false, elapsedMs: 20 * minute }))).toBe("building");
    expect(cardStep(moment({ status: "BUILDING", changed: false, elapsedMs: 40 * minute, shown: shown("building", "BUILDING") }))).toBe("nothing");
  });

  it("raises an approval card as soon as a deployment waits for approval", () => {
    expect(cardStep(moment({ status: "NEEDS_APPROVAL" }))).toBe("approval");
  });

  it("edits an existing card when its deployment moves on, and posts nothing for a deployment without one", () => {
    expect(cardStep(moment({ status: "SUCCESS", shown: shown("building", "BUILDING") }))).toBe("status");
    expect(cardStep(moment({ status: "DEPLOYING", shown: shown("building", "BUILDING") }))).toBe("status");
    expect(cardStep(moment({ status: "SUCCESS" }))).toBe("nothing");
    expect(cardStep(moment({ status: "SUCCESS", changed: false, shown: shown("building", "BUILDING") }))).toBe("nothing");
  });
});
