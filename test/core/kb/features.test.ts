import { describe, expect, it } from "vitest";
import { extractFeatures } from "../../../src/core/kb/features.js";

function shared(a: number[], b: number[]): number {
  const other = new Set(b);
  return new Set(a.filter((gram) => other.has(gram))).size / new Set(a).size;
}

describe("character n-grams", () => {
  it("are mostly shared by a word and its typo or another ending, and not by another word", () => {
    const word = extractFeatures("migrations").chars;
    expect(shared(word, extractFeatures("migratons").chars)).toBeGreaterThan(0.4);
    expect(shared(word, extractFeatures("migration").chars)).toBeGreaterThan(0.6);
    expect(shared(word, extractFeatures("requirements").chars)).toBeLessThan(0.1);
  });

  it("stay within a word: two words give the n-grams of each, in any order", () => {
    const both = extractFeatures("cache stale").chars;
    const sorted = (grams: number[]) => [...grams].sort((a, b) => a - b);
    expect(sorted(both)).toEqual(sorted([...extractFeatures("stale").chars, ...extractFeatures("cache").chars]));
    expect(both.every((gram) => Number.isInteger(gram) && gram >= 0 && gram < 2 ** 30)).toBe(true);
  });
});
