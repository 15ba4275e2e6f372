import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../../../src/core/kb/model-file.js";
import { Vocabulary, charGrams } from "../../../src/core/kb/vocabulary.js";
import type { VocabularyState } from "../../../src/core/kb/vocabulary.js";

const DOCS = [
  ["clear", "the", "build", "cache"],
  ["cache", "cleared", "build", "failed"],
  ["clearing", "caches", "on", "railway"],
  ["railway", "build", "cache", "stale"],
  ["django", "migrations", "railway"],
];

/** The unit-length TF-IDF vector the vocabulary's state says the words have: ids by a Map of its hashes, ascending. */
function expected(stored: VocabularyState, words: string[]): { ids: number[]; weights: number[] } {
  const state = { idf: stored.idf };
  const ids = new Map([...stored.sortedKeys].map((key, i) => [key, stored.sortedIds[i]!]));
  const grams: number[] = [];
  for (const word of words) charGrams(word, grams);
  const counts = new Map<number, number>();
  for (const gram of grams) {
    const id = ids.get(gram);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const sorted = [...counts.keys()].sort((a, b) => a - b);
  const weights = sorted.map((id) => (1 + Math.log(counts.get(id)!)) * state.idf[id]!);
  const norm = Math.sqrt(weights.reduce((sum, w) => sum + w * w, 0));
  return { ids: sorted, weights: weights.map((w) => w * (norm > 0 ? 1 / norm : 0)) };
}

describe("character n-gram vocabulary", () => {
  it("finds each known n-gram's id by its hash and drops unknown ones", () => {
    const { vocabulary } = Vocabulary.build(DOCS, 2);
    const state = vocabulary.state();
    expect(state.sortedKeys.length).toBeGreaterThan(20);
    expect([...state.sortedIds].sort((a, b) => a - b)).toEqual(Array.from(state.sortedIds, (_, id) => id));
    for (const words of [["clear", "cache"], ["cleared", "caches", "railway"], ["zzz"], ["build", "build", "stale"], ["djangoo", "migration"]]) {
      expect(vocabulary.vector(words)).toEqual(expected(state, words));
    }
    expect(vocabulary.vector(["qqqq"]).ids).toEqual([]);
  });

  it("restores the same vectors from its stored state, and refuses a state with a feature or an id twice, or out of order", () => {
    const { vocabulary } = Vocabulary.build(DOCS, 2);
    const state = vocabulary.state();
    const restored = Vocabulary.restore(decodeModel(encodeModel(state)) as VocabularyState);
    expect(restored.state()).toEqual(state);
    expect(restored.vector(["clear", "railway", "cache"])).toEqual(vocabulary.vector(["clear", "railway", "cache"]));
    const { sortedKeys, sortedIds, idf } = state;
    const count = sortedKeys.length;
    const longer = { idf: Float64Array.from([...idf, 1]) };
    const last = sortedKeys[count - 1]!;
    expect(() =>
      Vocabulary.restore({ ...longer, sortedKeys: Int32Array.from([...sortedKeys, last]), sortedIds: Int32Array.from([...sortedIds, count]) }),
    ).toThrow(/inconsistent/);
    expect(() =>
      Vocabulary.restore({ ...longer, sortedKeys: Int32Array.from([...sortedKeys, last + 1]), sortedIds: Int32Array.from([...sortedIds, sortedIds[0]!]) }),
    ).toThrow(/inconsistent/);
    expect(() =>
      Vocabulary.restore({ ...longer, sortedKeys: Int32Array.from([...sortedKeys, last + 1]), sortedIds: Int32Array.from([...sortedIds, count + 1]) }),
    ).toThrow(/inconsistent/);
    expect(() => Vocabulary.restore({ ...state, sortedKeys: Int32Array.from(sortedKeys).reverse() })).toThrow(/inconsistent/);
    expect(() => Vocabulary.restore({ sortedKeys: Int32Array.of(-5), sortedIds: Int32Array.of(0), idf: Float64Array.of(1) })).toThrow(/inconsistent/);
    expect(() => Vocabulary.restore({ ...state, idf: idf.subarray(1) })).toThrow(/wrong length/);
    expect(() => Vocabulary.restore({ ...state, sortedIds: sortedIds.subarray(1) })).toThrow(/wrong length/);
  });
});
