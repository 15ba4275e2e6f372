/**
 * The character n-grams of words as features of the linear model: 3 to 5 characters of each word
 * padded with a space at both ends, by a 30-bit hash of their characters (no string is made for
 * them). A typo, another ending or an unseen compound still shares most of them with the words it
 * resembles. Interned to ids with their inverse document frequencies, and nothing else: only the
 * linear model reads them, so they need no postings or centroids.
 */
import { storedFloat64, storedInt32 } from "./stored-arrays.js";
import { inverseDocumentFrequency, weighUnitTfIdf } from "./space.js";
import type { QueryVector, SparseRows } from "./space.js";
import { lowerBound } from "./sorted.js";

const MIN_GRAM = 3;
const MAX_GRAM = 5;
const SPACE = 32;

/**
 * A vocabulary's state: its features' hashes ascending with each one's id beside it, and each
 * id's inverse document frequency. Stored sorted, so a restore reads the arrays as they are.
 */
export interface VocabularyState {
  sortedKeys: Int32Array;
  sortedIds: Int32Array;
  idf: Float64Array;
}

export class Vocabulary {
  private constructor(
    /** The features' hashes ascending, and each one's id beside it: a binary search where a Map of 12,000 entries took ~0.4 MB. */
    private readonly sortedKeys: Int32Array,
    private readonly sortedIds: Int32Array,
    private readonly idf: Float64Array,
  ) {}

  /** The vocabulary of features with these hashes (id order) and inverse document frequencies. */
  private static fromKeys(keys: Int32Array, idf: Float64Array): Vocabulary {
    // Sorted as numbers (hash x 2^idBits + id: one float64 each, exact below 2^53), not with a
    // comparator; plain loops, no callback per feature.
    const count = keys.length;
    const scale = 2 ** Math.ceil(Math.log2(count + 1));
    if (scale * 2 ** 31 > Number.MAX_SAFE_INTEGER) throw new Error("vocabulary too large");
    const packed = new Float64Array(count);
    for (let id = 0; id < count; id++) packed[id] = keys[id]! * scale + id;
    packed.sort();
    const sortedKeys = new Int32Array(count);
    const sortedIds = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const id = packed[i]! % scale;
      sortedIds[i] = id;
      sortedKeys[i] = keys[id]!;
    }
    return new Vocabulary(sortedKeys, sortedIds, idf);
  }

  /** The id of the feature with this hash, or -1. */
  private idOf(key: number): number {
    const keys = this.sortedKeys;
    const low = lowerBound(keys, key);
    return low < keys.length && keys[low] === key ? this.sortedIds[low]! : -1;
  }

  /**
   * The n-grams of each document's words that are in at least `minDocs` documents (rarer ones are
   * mostly one example's own names and typos); also gives each document's vector (as vector() would).
   */
  static build(docs: readonly (readonly string[])[], minDocs: number): { vocabulary: Vocabulary; rows: SparseRows } {
    const { keys, occurrences, docStart } = provisionalIds(docs);
    const df = documentFrequencies(occurrences, docStart, keys.length);
    // Kept n-grams, numbered in that same order.
    const kept: number[] = [];
    const finalId = new Int32Array(keys.length).fill(-1);
    const idf: number[] = [];
    keys.forEach((key, id) => {
      if (df[id]! < minDocs) return;
      finalId[id] = idf.length;
      kept.push(key);
      idf.push(inverseDocumentFrequency(docs.length, df[id]!));
    });
    const vocabulary = Vocabulary.fromKeys(Int32Array.from(kept), Float64Array.from(idf));
    const rows = countRows(renumber(occurrences, finalId), docStart, idf.length);
    for (let d = 0; d < docs.length; d++) weighUnitTfIdf(rows.ids, rows.values, vocabulary.idf, rows.offsets[d]!, rows.offsets[d + 1]!);
    return { vocabulary, rows };
  }

  static restore(state: VocabularyState): Vocabulary {
    const sortedKeys = storedInt32(state.sortedKeys);
    const count = sortedKeys.length;
    const sortedIds = storedInt32(state.sortedIds, count);
    // Hashes of 30 bits (a non-negative int32 each), strictly ascending; each id once.
    const seen = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const id = sortedIds[i]!;
      if (sortedKeys[i]! < 0 || (i > 0 && sortedKeys[i]! <= sortedKeys[i - 1]!) || !(id >= 0 && id < count) || seen[id]) {
        throw new Error("stored vocabulary is inconsistent");
      }
      seen[id] = 1;
    }
    return new Vocabulary(sortedKeys, sortedIds, storedFloat64(state.idf, count));
  }

  state(): VocabularyState {
    return { sortedKeys: this.sortedKeys, sortedIds: this.sortedIds, idf: this.idf };
  }

  get size(): number {
    return this.idf.length;
  }

  /** The unit-length TF-IDF vector of the words' n-grams; unknown n-grams are dropped. */
  vector(words: readonly string[]): QueryVector {
    const grams: number[] = [];
    for (const word of words) charGrams(word, grams);
    // Known ids, sorted so that repeats of one feature sit together and are counted in one pass.
    const known = new Int32Array(grams.length);
    let found = 0;
    for (const key of grams) {
      const id = this.idOf(key);
      if (id >= 0) known[found++] = id;
    }
    known.subarray(0, found).sort();
    const ids: number[] = [];
    const counted: number[] = [];
    for (let i = 0; i < found;) {
      const id = known[i]!;
      let count = 0;
      while (i < found && known[i] === id) {
        count++;
        i++;
      }
      ids.push(id);
      counted.push(count);
    }
    weighUnitTfIdf(ids, counted, this.idf);
    return { ids, weights: counted };
  }
}

/**
 * Every n-gram of every document's words, as provisional ids numbered in order of first
 * appearance, in one flat array (document d's at docStart[d] .. docStart[d + 1]), and each id's
 * hash. A word recurs in many documents: its n-grams are hashed and looked up once, the first time
 * it is met, which numbers them as reading every document n-gram by n-gram would.
 */
function provisionalIds(docs: readonly (readonly string[])[]): { keys: number[]; occurrences: Int32Array; docStart: Int32Array } {
  const provisional = new Map<number, number>();
  const keys: number[] = [];
  const wordIds = new Map<string, Int32Array>();
  const grams: number[] = [];
  const idsOf = (word: string): Int32Array => {
    let ids = wordIds.get(word);
    if (ids === undefined) {
      grams.length = 0;
      charGrams(word, grams);
      ids = new Int32Array(grams.length);
      for (let i = 0; i < grams.length; i++) {
        let id = provisional.get(grams[i]!);
        if (id === undefined) {
          provisional.set(grams[i]!, (id = keys.length));
          keys.push(grams[i]!);
        }
        ids[i] = id;
      }
      wordIds.set(word, ids);
    }
    return ids;
  };
  const parts = docs.map((words) => words.map(idsOf));
  const docStart = new Int32Array(docs.length + 1);
  parts.forEach((doc, d) => (docStart[d + 1] = doc.reduce((n, part) => n + part.length, docStart[d]!)));
  const occurrences = new Int32Array(docStart[docs.length]!);
  parts.forEach((doc, d) => {
    let at = docStart[d]!;
    for (let w = 0; w < doc.length; w++) {
      const part = doc[w]!;
      occurrences.set(part, at);
      at += part.length;
    }
  });
  return { keys, occurrences, docStart };
}

// The helpers below each run one loop over flat arrays and nothing after it: in a fresh process
// V8 optimises a long loop while it runs, and code after it that had not run yet threw that away.

/** In how many documents each id is, counted once per document. */
function documentFrequencies(occurrences: Int32Array, docStart: Int32Array, idCount: number): Int32Array {
  const df = new Int32Array(idCount);
  const lastDoc = new Int32Array(idCount).fill(-1);
  for (let d = 0; d + 1 < docStart.length; d++) {
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
      const id = occurrences[i]!;
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        df[id]!++;
      }
    }
  }
  return df;
}

/** The occurrences with each id replaced by its final id (-1 for a dropped one), in place. */
function renumber(occurrences: Int32Array, finalId: Int32Array): Int32Array {
  for (let i = 0; i < occurrences.length; i++) occurrences[i] = finalId[occurrences[i]!]!;
  return occurrences;
}

/**
 * Each document's distinct features (ascending) with their counts, from its occurrences (-1 for
 * none): the distinct ones are collected while counting, then only they are sorted.
 */
function countRows(occurrences: Int32Array, docStart: Int32Array, featureCount: number): SparseRows {
  const docCount = docStart.length - 1;
  const ids = new Int32Array(occurrences.length);
  const values = new Float64Array(occurrences.length);
  const offsets = new Int32Array(docCount + 1);
  // Counts of the current document's features, back to zero once its row is written.
  const count = new Float64Array(featureCount);
  let end = 0;
  for (let d = 0; d < docCount; d++) {
    const start = end;
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
      const f = occurrences[i]!;
      if (f < 0) continue;
      if (count[f] === 0) ids[end++] = f;
      count[f]!++;
    }
    ids.subarray(start, end).sort();
    for (let k = start; k < end; k++) {
      values[k] = count[ids[k]!]!;
      count[ids[k]!] = 0;
    }
    offsets[d + 1] = end;
  }
  return { offsets, ids: ids.subarray(0, end), values: values.subarray(0, end) };
}

/** Appends the padded word's n-grams: FNV-1a over their UTF-16 code units, extended one unit at a time from each start. */
export function charGrams(word: string, out: number[]): void {
  const length = word.length + 2;
  for (let start = 0; start + MIN_GRAM <= length; start++) {
    let hash = 0x811c9dc5;
    const end = Math.min(length, start + MAX_GRAM);
    // Unit i of the padded word, written out (no closure call per unit: a build hashes a few thousand words unoptimised).
    for (let i = start; i < end; i++) {
      hash = Math.imul(hash ^ (i === 0 || i === length - 1 ? SPACE : word.charCodeAt(i - 1)), 0x01000193);
      // 30 bits: a small integer to V8, not a number boxed on the heap.
      if (i - start + 1 >= MIN_GRAM) out.push(hash >>> 2);
    }
  }
}
