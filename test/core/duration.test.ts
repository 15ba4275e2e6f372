import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/core/duration.js";

describe("the duration grammar", () => {
  it("reads every unit from milliseconds to weeks", () => {
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("2w")).toBe(1_209_600_000);
  });

  it("adds up several parts, with any case and spacing", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1d 12h")).toBe(129_600_000);
    expect(parseDuration(" 7 D ")).toBe(604_800_000);
    expect(parseDuration("1m500ms")).toBe(60_500);
  });

  it("refuses anything else", () => {
    for (const text of ["", "5", "5 minutes", "yesterday", "1.5h", "-1h", "1y", "h", "1h x"]) expect(parseDuration(text), text).toBeNull();
    expect(parseDuration(`${"9".repeat(30)}w`)).toBeNull();
  });
});
