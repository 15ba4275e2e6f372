/**
 * Typo tolerance for the router: a word the knowledge base never uses is replaced by a word it
 * does use that is one edit away (a letter dropped, added, changed or two swapped), the most
 * common one when several are. Lookups go through an index of every word with one letter
 * deleted (the symmetric-delete method), so a correction costs a few map lookups; the index is
 * built on the first correction that needs it, not while the knowledge base loads.
 */
import { lowerBound } from "./sorted.js";

/** Words shorter than this are left alone: one edit turns "pip" into "pipe" or "zip". */
const MIN_CORRECTED_LENGTH = 5;
const MAX_WORD_LENGTH = 30;

export class Speller {
  private readonly counts: Map<string, number>;
  private deletes: DeleteIndex | undefined;

  constructor(known: Iterable<[string, number]> = []) {
    this.counts = new Map(known);
  }

  /** The known words with their counts, to restore the speller later. */
  state(): [string, number][] {
    return [...this.counts];
  }

  /** Learns one word (lower-cased, as the features see it). */
  learn(word: string): void {
    if (word.length > MAX_WORD_LENGTH) return;
    this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    this.deletes = undefined;
  }

  private index(): DeleteIndex {
    return (this.deletes ??= DeleteIndex.of([...this.counts.keys()].filter((word) => word.length >= MIN_CORRECTED_LENGTH - 1)));
  }

  /** `word` itself when known or too short; else the most common known word one edit away. */
  correct(word: string): string {
    if (word.length < MIN_CORRECTED_LENGTH || word.length > MAX_WORD_LENGTH || this.counts.has(word) || /\d/.test(word)) return word;
    const deletes = this.index();
    let best = word;
    let bestCount = 0;
    const consider = (candidate: string) => {
      const count = this.counts.get(candidate) ?? 0;
      // Ties go to the alphabetically first word, so the answer never depends on load order.
      if (count > bestCount || (count === bestCount && count > 0 && candidate < best)) [best, bestCount] = [candidate, count];
    };
    // A letter added: the word minus one letter is known.
    for (const variant of oneDeleted(word)) {
      consider(variant);
      // A letter changed or two swapped: both lose one letter to the same string.
      deletes.forEach(variant, (candidate) => {
        if (candidate.length === word.length) consider(candidate);
      });
    }
    // A letter dropped: the known word minus one letter is the word.
    deletes.forEach(word, consider);
    return best;
  }
}

function oneDeleted(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * The known words by each of their one-letter deletions, without a string per deletion: the
 * deletions' hashes (FNV-1a over UTF-16 units, the word's id in the low bits) sorted in one typed
 * array. A lookup finds the deletion's hash by binary search and checks each word under it, so a
 * hash two deletions share never gives a word that is not one deletion away. A Map of the
 * deletion strings took 2.8 MB for the built-in knowledge base's 2,900 words; this takes 0.2 MB.
 * (Which words a lookup gives, not their order, decides a correction: see correct().)
 */
class DeleteIndex {
  private constructor(
    private readonly words: readonly string[],
    /** hash x 2^idBits + word id, ascending. */
    private readonly entries: Float64Array,
    private readonly idBits: number,
    private readonly hashShift: number,
  ) {}

  static of(words: readonly string[]): DeleteIndex {
    const idBits = Math.max(1, Math.ceil(Math.log2(words.length + 1)));
    // The hash keeps the bits a float64 holds exactly beside the id.
    const hashShift = Math.max(0, 32 - (53 - idBits));
    const entries: number[] = [];
    for (let id = 0; id < words.length; id++) {
      const word = words[id]!;
      for (let i = 0; i < word.length; i++) {
        // Deleting one of a run of equal letters gives the same string: counted once, at the run's first letter.
        if (i > 0 && word.charCodeAt(i) === word.charCodeAt(i - 1)) continue;
        entries.push((hashWithout(word, i) >>> hashShift) * 2 ** idBits + id);
      }
    }
    return new DeleteIndex(words, Float64Array.from(entries).sort(), idBits, hashShift);
  }

  /** Calls `each` with every word that `deleted` is with one letter deleted. */
  forEach(deleted: string, each: (word: string) => void): void {
    const { entries, idBits, hashShift } = this;
    const key = (hashWithout(deleted, -1) >>> hashShift) * 2 ** idBits;
    const end = key + 2 ** idBits;
    for (let at = lowerBound(entries, key); at < entries.length && entries[at]! < end; at++) {
      const word = this.words[entries[at]! - key]!;
      if (isOneDeleted(word, deleted)) each(word);
    }
  }
}

/** FNV-1a (32 bits, unsigned) over the word's UTF-16 units, the one at `skip` left out (-1: none). */
function hashWithout(word: string, skip: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) if (i !== skip) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Whether `deleted` is `word` with one letter deleted. */
function isOneDeleted(word: string, deleted: string): boolean {
  if (word.length !== deleted.length + 1) return false;
  let i = 0;
  while (i < deleted.length && word.charCodeAt(i) === deleted.charCodeAt(i)) i++;
  for (let j = i; j < deleted.length; j++) if (word.charCodeAt(j + 1) !== deleted.charCodeAt(j)) return false;
  return true;
}
