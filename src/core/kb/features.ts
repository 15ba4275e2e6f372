/**
 * Turns a cleaned message into the features the router compares: stemmed words and word pairs
 * (with negated words marked, so "without editing railway.toml" does not count as asking about
 * railway.toml), question words that matter ("our", "why"), and the tokens of the signals
 * extracted from pasted logs, kept apart from the words.
 */
import { processTerm } from "./terms.js";

export interface TextFeatures {
  /** Word features with their counts: terms, "a b" pairs, "!term" for a negated term, signal tokens. */
  words: Map<string, number>;
  /** Signal tokens ("§sig:field_error"): compared on their own, so a recognised error weighs the same in any length of text. */
  signals: Map<string, number>;
  /**
   * Character n-grams (3 to 5 characters) of each word padded with a space at both ends, by a
   * 30-bit hash of their characters, one entry per occurrence (no string is made for them): a typo, another ending or an
   * unseen compound still shares most of them with the words it resembles. Only the linear model
   * reads them.
   */
  chars: number[];
}

const MIN_GRAM = 3;
const MAX_GRAM = 5;
const SPACE = 32;

/** How many content words after "without", "not", "can't"... are negated. */
const NEGATION_SCOPE = 3;
const MAX_WORDS = 400;

// Words split on anything but letters, digits, "_" and inner apostrophes; "." and "/" stay inside
// file-ish words (manage.py, railway.toml, requirements.txt).
const WORD = /[\p{L}\p{N}_]+(?:['’./-][\p{L}\p{N}_]+)*|[.!?;,:()]/gu;
const CLAUSE_END = new Set([".", "!", "?", ";", ",", ":", "(", ")", "but", "and", "so"]);
const NEGATORS = new Set(["without", "w/o", "not", "never", "cannot", "instead", "rather"]);
const NEGATED_CONTRACTION = /n['’]?t$/;
const CONTRACTION_WORDS = new Set([
  "dont",
  "doesnt",
  "didnt",
  "cant",
  "wont",
  "isnt",
  "arent",
  "wasnt",
  "werent",
  "shouldnt",
  "couldnt",
  "wouldnt",
  "havent",
  "hasnt",
]);

// Words the search stopword list drops that still say what a question is after: "our"/"we"
// (the team's own setup), the question word (when and why ask for causes, how for steps).
const KEPT_WORDS: Record<string, string> = {
  our: "~our",
  we: "~our",
  us: "~our",
  ours: "~our",
  "we're": "~our",
  "we've": "~our",
  when: "~when",
  why: "~why",
  how: "~how",
  which: "~which",
  what: "~what",
  where: "~where",
};

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || CONTRACTION_WORDS.has(word) || (word.length > 3 && NEGATED_CONTRACTION.test(word) && word.includes("'"));
}

export interface WordOptions {
  /** Maps a word the model has never seen to a known one (typos in a question). */
  correct?: (word: string) => string;
  /** Sees every word token (lower-cased), e.g. to learn the vocabulary. */
  onWord?: (word: string) => void;
}

/** Features of `text` (already cleaned of chat markup) plus the given signal tokens. */
export function extractFeatures(text: string, signalTokens: readonly string[] = [], options: WordOptions = {}): TextFeatures {
  const { correct, onWord } = options;
  const words = new Map<string, number>();
  const chars: number[] = [];
  const add = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

  let negatedLeft = 0;
  let previous: string | null = null;
  // The tokens as strings (match, not matchAll: no match object per token, a third of what a model build allocated).
  const tokens = text.toLowerCase().match(WORD) ?? [];
  for (let t = 0; t < tokens.length && t < MAX_WORDS; t++) {
    const token = tokens[t]!;
    if (CLAUSE_END.has(token)) {
      negatedLeft = 0;
      previous = null;
      continue;
    }
    onWord?.(token);
    addCharGrams(chars, token);
    const raw = correct ? correct(token) : token;
    if (isNegator(raw)) {
      negatedLeft = NEGATION_SCOPE;
      previous = null;
      continue;
    }
    const kept = KEPT_WORDS[raw];
    if (kept) add(words, kept);
    for (const part of splitCompound(raw)) {
      const term = processTerm(part);
      if (!term) continue;
      if (negatedLeft > 0) {
        negatedLeft--;
        add(words, `!${term}`);
        previous = null;
        continue;
      }
      add(words, term);
      if (previous) add(words, `${previous} ${term}`, 0.5);
      previous = term;
    }
  }
  const signals = new Map<string, number>();
  for (const token of signalTokens) add(signals, token);
  return { words, signals, chars };
}

/** "railway.toml" counts as itself and as its parts; "no_cache" likewise. */
function splitCompound(raw: string): string[] {
  const cleaned = raw.replace(/['’]/g, "");
  if (!/[._/-]/.test(cleaned)) return [cleaned];
  const parts = cleaned.split(/[._/-]+/).filter((p) => p !== "");
  return [cleaned, ...parts];
}

/** Adds the padded word's n-grams: FNV-1a over their UTF-16 code units, extended one unit at a time from each start. */
function addCharGrams(chars: number[], word: string): void {
  const length = word.length + 2;
  const unit = (i: number) => (i === 0 || i === length - 1 ? SPACE : word.charCodeAt(i - 1));
  for (let start = 0; start + MIN_GRAM <= length; start++) {
    let hash = 0x811c9dc5;
    for (let n = 1; n <= MAX_GRAM && start + n <= length; n++) {
      hash = Math.imul(hash ^ unit(start + n - 1), 0x01000193);
      if (n >= MIN_GRAM) {
        // 30 bits: a small integer to V8, not a number boxed on the heap.
        chars.push(hash >>> 2);
      }
    }
  }
}
