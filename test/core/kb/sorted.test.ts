import { describe, expect, it } from "vitest";
import { lowerBound } from "../../../src/core/kb/sorted.js";

describe("lowerBound", () => {
  it("finds the first value not below the key, or the end", () => {
    const sorted = Int32Array.from([2, 4, 4, 9]);
    expect([1, 2, 3, 4, 5, 9, 10].map((key) => lowerBound(sorted, key))).toEqual([0, 0, 1, 1, 3, 3, 4]);
    expect(lowerBound([], 7)).toBe(0);
  });
});
