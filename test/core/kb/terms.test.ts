import { describe, expect, it } from "vitest";
import { processTerm, queryTerms, tokenize } from "../../../src/core/kb/terms.js";

/** The terms as reading the whole text token by token gives them: what queryTerms must equal, however it reads. */
function termsOfWholeText(text: string, limit: number): string[] {
  const out = new Set<string>();
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term) out.add(term);
    if (out.size >= limit) break;
  }
  return [...out];
}

describe("queryTerms", () => {
  it("reads a long paste in pieces without splitting a word, a letter outside the BMP or a repeated token differently", () => {
    // Words of every length straddle the piece boundaries; "𝒜lpha" starts with a letter outside the BMP.
    const words = Array.from({ length: 900 }, (_, i) => `${"x".repeat(1 + (i % 13))}word${i} 𝒜lpha${i % 7} Migrations café's`);
    // Spaces, newlines and tabs between words: a piece ends at any of them.
    const text = words.join(" \n\t ");
    for (const limit of [1, 5, 64, 300, 10_000]) expect(queryTerms(text, limit)).toEqual(termsOfWholeText(text, limit));
    expect(queryTerms(text, 10_000).length).toBeGreaterThan(900);
  });

  it("stops at the limit and drops stopwords and one-letter tokens", () => {
    expect(queryTerms("How do I clear the build cache? a b c caching cached", 10)).toEqual(["clear", "build", "cach"]);
    expect(queryTerms("deploy deploys deployed migrations", 2)).toEqual(["deploy", "migrat"]);
  });
});
