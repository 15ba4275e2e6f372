import { describe, expect, it } from "vitest";
import { Speller } from "../../../src/core/kb/speller.js";

const KNOWN: [string, number][] = [
  ["cache", 40],
  ["caches", 3],
  ["cached", 5],
  ["django", 30],
  ["deploy", 25],
  ["deploys", 4],
  ["railway", 20],
  ["requirements", 12],
  ["migrations", 9],
  ["migration", 6],
  ["collectstatic", 3],
  ["static", 8],
  ["settings", 7],
  ["setting", 7],
  ["buildpack", 2],
  ["pip", 10],
  ["pipe", 1],
  ["stale", 11],
  ["scale", 2],
  ["aabbb", 1],
  ["ababb", 1],
  ["über", 2],
];

/** The index the speller kept before: every word of 4+ letters by each of its one-letter deletions, as strings. */
function reference(known: [string, number][]): (word: string) => string {
  const counts = new Map(known);
  const deleted = (word: string) => new Set(Array.from(word, (_, i) => word.slice(0, i) + word.slice(i + 1)));
  const deletes = new Map<string, string[]>();
  for (const word of counts.keys()) {
    if (word.length < 4) continue;
    for (const variant of deleted(word)) deletes.set(variant, [...(deletes.get(variant) ?? []), word]);
  }
  return (word) => {
    if (word.length < 5 || word.length > 30 || counts.has(word) || /\d/.test(word)) return word;
    let best = word;
    let bestCount = 0;
    const consider = (candidate: string) => {
      const count = counts.get(candidate) ?? 0;
      if (count > bestCount || (count === bestCount && count > 0 && candidate < best)) [best, bestCount] = [candidate, count];
    };
    for (const variant of deleted(word)) {
      consider(variant);
      for (const candidate of deletes.get(variant) ?? []) if (candidate.length === word.length) consider(candidate);
    }
    for (const candidate of deletes.get(word) ?? []) consider(candidate);
    return best;
  };
}

/** Every word one edit (drop, add, change, swap) from a known word, and some further away. */
function typos(): string[] {
  const out = new Set<string>(["cahce", "djnago", "deploi", "raliway", "requirments", "migratons", "colectstatic", "stael", "aabb", "abbbb", "uber", "xyzzyx"]);
  for (const [word] of KNOWN) {
    for (let i = 0; i <= word.length; i++) {
      out.add(word.slice(0, i) + word.slice(i + 1));
      out.add(`${word.slice(0, i)}e${word.slice(i)}`);
      out.add(`${word.slice(0, i)}a${word.slice(i + 1)}`);
      if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2));
    }
  }
  return [...out];
}

describe("speller", () => {
  it("corrects a word one edit from a known one to the most common such word", () => {
    const speller = new Speller(KNOWN);
    expect(speller.correct("cahce")).toBe("cache");
    expect(speller.correct("djnago")).toBe("django");
    expect(speller.correct("requirments")).toBe("requirements");
    expect(speller.correct("raliway")).toBe("railway");
    // One edit from both "migration" and "migrations": the more common one.
    expect(speller.correct("migratio")).toBe("migration");
    expect(speller.correct("migrationx")).toBe("migrations");
    // Nothing one edit away, too short, or with digits: left alone.
    expect(speller.correct("xyzzyx")).toBe("xyzzyx");
    expect(speller.correct("stal")).toBe("stal");
    expect(speller.correct("cach3")).toBe("cach3");
  });

  it("corrects every word exactly as the index of deletion strings did", () => {
    const speller = new Speller(KNOWN);
    const want = reference(KNOWN);
    const words = typos();
    expect(words.length).toBeGreaterThan(500);
    const changed = words.filter((word) => want(word) !== word);
    expect(changed.length).toBeGreaterThan(200);
    for (const word of words) expect([word, speller.correct(word)]).toEqual([word, want(word)]);
  });

  it("learns words after its index was built", () => {
    const speller = new Speller(KNOWN);
    expect(speller.correct("gunicron")).toBe("gunicron");
    speller.learn("gunicorn");
    expect(speller.correct("gunicron")).toBe("gunicorn");
    expect(new Speller(speller.state()).correct("gunicron")).toBe("gunicorn");
  });
});
