/**
 * Typo tolerance for the router: a word the knowledge base never uses is replaced by a word it
 * does use that is one edit away (a letter dropped, added, changed or two swapped), the most
 * common one when several are. Lookups go through an index of every word with one letter
 * deleted (the symmetric-delete method), so a correction costs a few map lookups; the index is
 * built on the first correction that needs it, not while the knowledge base loads.
 */

/** Words shorter than this are left alone: one edit turns "pip" into "pipe" or "zip". */
const MIN_CORRECTED_LENGTH = 5;
const MAX_WORD_LENGTH = 30;

export class Speller {
  private readonly counts: Map<string, number>;
  private deletes: Map<string, string[]> | undefined;

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

  private index(): Map<string, string[]> {
    if (this.deletes) return this.deletes;
    const deletes = new Map<string, string[]>();
    for (const word of this.counts.keys()) {
      if (word.length < MIN_CORRECTED_LENGTH - 1) continue;
      for (const variant of oneDeleted(word)) {
        const list = deletes.get(variant);
        if (list) list.push(word);
        else deletes.set(variant, [word]);
      }
    }
    return (this.deletes = deletes);
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
      for (const candidate of deletes.get(variant) ?? []) if (candidate.length === word.length) consider(candidate);
    }
    // A letter dropped: the known word minus one letter is the word.
    for (const candidate of deletes.get(word) ?? []) consider(candidate);
    return best;
  }
}

function oneDeleted(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return out;
}
