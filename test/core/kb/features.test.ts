import { describe, expect, it } from "vitest";
import { WordMemo, extractFeatures } from "../../../src/core/kb/features.js";
import { rowVector, withoutRarePairs } from "../../../src/core/kb/space.js";
import { Vocabulary, charGrams } from "../../../src/core/kb/vocabulary.js";

function gramsOf(...words: string[]): number[] {
  const out: number[] = [];
  for (const word of words) charGrams(word, out);
  return out;
}

function shared(a: number[], b: number[]): number {
  const other = new Set(b);
  return new Set(a.filter((gram) => other.has(gram))).size / new Set(a).size;
}

describe("character n-grams", () => {
  it("are mostly shared by a word and its typo or another ending, and not by another word", () => {
    const word = gramsOf("migrations");
    expect(shared(word, gramsOf("migratons"))).toBeGreaterThan(0.4);
    expect(shared(word, gramsOf("migration"))).toBeGreaterThan(0.6);
    expect(shared(word, gramsOf("requirements"))).toBeLessThan(0.1);
  });

  it("stay within a word: two words give the n-grams of each, in any order", () => {
    const both = gramsOf(...extractFeatures("Cache, stale!").tokens);
    const sorted = (grams: number[]) => [...grams].sort((a, b) => a - b);
    expect(sorted(both)).toEqual(sorted(gramsOf("stale", "cache")));
    expect(both.every((gram) => Number.isInteger(gram) && gram >= 0 && gram < 2 ** 30)).toBe(true);
  });

  it("give each document the vector the vocabulary gives the same words as a query", () => {
    // The third document meets "clear" (numbered after "stale") first: its row must still come out in feature order.
    const docs = [["stale", "cache"], ["cache", "clear", "cache"], ["clear", "stale", "build"], ["clear"]];
    const { vocabulary, rows } = Vocabulary.build(docs, 2);
    docs.forEach((words, d) => {
      const query = vocabulary.vector(words);
      const row = rowVector(rows, d);
      expect(Array.from(row.ids)).toEqual(query.ids);
      expect(Array.from(row.weights)).toEqual(query.weights);
    });
    // "build" is in one document only: none of its own n-grams are features.
    expect(vocabulary.vector(["uil"]).ids).toEqual([]);
    expect(vocabulary.vector(["cache"]).ids.length).toBeGreaterThan(0);
  });
});

describe("word memo", () => {
  it("gives the features extractFeatures gives without it, text after text", () => {
    const memo = new WordMemo();
    const texts = [
      "Why don't we clear the cache without editing railway.toml? NO_CACHE then redeploy",
      "our railway.toml: we don't clear NO_CACHE, how do we redeploy the cache?",
    ];
    for (const text of [...texts, ...texts]) {
      const plain = extractFeatures(text, ["§sig:field_error"]);
      const memoised = extractFeatures(text, ["§sig:field_error"], { memo });
      expect([...memoised.words]).toEqual([...plain.words]);
      expect([...memoised.signals]).toEqual([...plain.signals]);
      expect(memoised.tokens).toEqual(plain.tokens);
    }
  });
});

describe("kept question words", () => {
  it("mark our/why/how, and no word finds a property every object inherits", () => {
    const words = [...extractFeatures("why does our constructor toString __proto__ hasOwnProperty valueOf break").words.keys()];
    expect(words).toContain("~why");
    expect(words).toContain("~our");
    expect(words.every((word) => typeof word === "string")).toBe(true);
    expect(words.filter((word) => word.startsWith("~"))).toEqual(["~why", "~our"]);
  });
});

describe("word pairs in the word space", () => {
  it("are kept when two documents have them and left out when only one does; single words always stay", () => {
    const [first, second, third] = withoutRarePairs([
      extractFeatures("clear cache now").words,
      extractFeatures("please clear cache").words,
      extractFeatures("nuke build layers").words,
    ]);
    expect([...first!.keys()]).toContain("clear cach");
    expect([...second!.keys()]).toContain("clear cach");
    expect([...third!.keys()].filter((key) => key.includes(" "))).toEqual([]);
    expect([...third!.keys()]).toEqual(expect.arrayContaining(["nuk", "build", "layer"]));
  });
});

describe("another platform named", () => {
  const shared = (text: string) => extractFeatures(text).words.get("~elsewhere");

  it("adds one shared feature per name when the message names another platform and not Railway", () => {
    expect(shared("how do I clear the build cache on Heroku?")).toBe(1);
    expect(shared("moving from gitlab CI to circleci, which one caches pip better?")).toBe(2);
    expect(shared("our app on Render keeps deploying an old commit")).toBe(1);
    expect(shared("Render: clear build cache & deploy, or is Render's cache fine?")).toBe(2);
    // Its own word stays a feature too: the model weighs both.
    expect([...extractFeatures("clear build cache on pythonanywhere").words.keys()]).toContain("pythonanywher");
  });

  it("adds nothing when Railway is named too, or when no platform is", () => {
    expect(shared("we moved from Heroku to Railway, how do I clear the build cache?")).toBeUndefined();
    expect(shared("gitlab mirror pushes to github, and railway.toml has the pre-deploy migrate")).toBeUndefined();
    expect(shared("the site at app.up.railway.app still shows what netlify served")).toBeUndefined();
    // Render counts only as a name: templates render, too.
    expect(shared("prod templates render the old navbar after deploy")).toBeUndefined();
    expect(shared("Render the admin page and it still shows the old field")).toBeUndefined();
  });
});
