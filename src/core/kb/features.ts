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
   * Every word as written (lower-cased, before a typo is corrected), in order: the linear model
   * reads their character n-grams (vocabulary.ts), which carry it over typos, other endings and
   * unseen compounds.
   */
  tokens: string[];
  /** The other platforms the text names, once each, when it does not name Railway: what gave it OTHER_PLATFORM (for --explain). */
  otherPlatforms?: string[];
}

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

/**
 * Other platforms that build and host apps or run CI, whose build caches are near misses ("how do I clear
 * the build cache on Netlify?"). A message that names one of them and not Railway also gets one shared
 * feature, OTHER_PLATFORM, beside the name's own word: the model learns what asking about another platform
 * means from the examples of all of them together, so a platform few examples name is not left to its
 * own word. Naming Railway too ("we moved from Heroku to Railway, how do I clear the build cache?") is a
 * story about Railway: no shared feature, and a feature is never a veto. Not "render": as a verb (templates
 * render the old navbar) it is in on-topic questions too, so only its name counts (RENDER_NAMED). Over twelve
 * example orders, the tunable sets' cost 1,210 -> 1,184, with the cross-validation 7,181 -> 7,000 (the feature
 * on any mention: 7,042, and it refused that Heroku question).
 */
const OTHER_PLATFORMS: ReadonlySet<string> = new Set([
  "heroku",
  "render.com",
  "vercel",
  "netlify",
  "fly.io",
  "flyio",
  "dokku",
  "coolify",
  "koyeb",
  "pythonanywhere",
  "digitalocean",
  "beanstalk",
  "circleci",
  "gitlab",
]);
const OTHER_PLATFORM = "~elsewhere";
/**
 * Render as a name: capitalised after a word of the same sentence ("our app on Render keeps…"), or as a label or
 * owner ("Render:", "Render's"); not the verb ("templates render", or "Render the page" opening a sentence, a line
 * or a bullet). Over twelve example orders, the tunable sets' cost 1,184 -> 1,148 and with the cross-validation
 * 7,000 -> 6,962; held-out near misses refused 835 -> 836 of 862, on-topic unchanged (also counting "on render"
 * and "from render" in any case: 6,976).
 */
const RENDER_NAMED = /[^\s.!?:>*-]\s+Render\b(?!:)|\bRender(?=:|['’]s\b)/g;
/** Words as written that name Railway or its builders (railway.toml and up.railway.app among them). */
const RAILWAY_WORD = /(?:^|\.)(?:railway|railpack|nixpacks)(?:$|\.)/;

// Words the search stopword list drops that still say what a question is after: "our"/"we"
// (the team's own setup), the question word (when and why ask for causes, how for steps).
// A Map, not an object literal: a word such as "constructor" must not find an inherited property.
const KEPT_WORDS: ReadonlyMap<string, string> = new Map([
  ["our", "~our"],
  ["we", "~our"],
  ["us", "~our"],
  ["ours", "~our"],
  ["we're", "~our"],
  ["we've", "~our"],
  ["when", "~when"],
  ["why", "~why"],
  ["how", "~how"],
  ["which", "~which"],
  ["what", "~what"],
  ["where", "~where"],
]);

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || CONTRACTION_WORDS.has(word) || (word.length > 3 && NEGATED_CONTRACTION.test(word) && word.includes("'"));
}

export interface WordOptions {
  /** Maps a word the model has never seen to a known one (typos in a question). */
  correct?: (word: string) => string;
  /** Remembers what each word gives, across the texts of one model build. */
  memo?: WordMemo;
}

/** What one word (after correction) gives the features. */
interface WordParts {
  negator: boolean;
  /** Its KEPT_WORDS feature, if any. */
  kept: string | undefined;
  /** Its terms: the word and, for a compound, its parts, processed (stopwords dropped). */
  terms: string[];
}

/**
 * What each distinct word gives, worked out once: a model build reads a few thousand distinct
 * words tens of thousands of times, and stemming and splitting them was most of its feature work.
 */
export class WordMemo {
  private readonly parts = new Map<string, WordParts>();

  of(raw: string): WordParts {
    let parts = this.parts.get(raw);
    if (!parts) this.parts.set(raw, (parts = wordParts(raw)));
    return parts;
  }
}

function wordParts(raw: string): WordParts {
  const terms: string[] = [];
  for (const part of splitCompound(raw)) {
    const term = processTerm(part);
    if (term) terms.push(term);
  }
  return { negator: isNegator(raw), kept: KEPT_WORDS.get(raw), terms };
}

/** Features of `text` (already cleaned of chat markup) plus the given signal tokens. */
export function extractFeatures(text: string, signalTokens: readonly string[] = [], options: WordOptions = {}): TextFeatures {
  const { correct, memo } = options;
  const words = new Map<string, number>();
  const tokens: string[] = [];
  const add = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

  let negatedLeft = 0;
  let previous: string | null = null;
  // The tokens as strings (match, not matchAll: no match object per token, a third of what a model build allocated).
  const found = text.toLowerCase().match(WORD) ?? [];
  for (let t = 0; t < found.length && t < MAX_WORDS; t++) {
    const token = found[t]!;
    if (CLAUSE_END.has(token)) {
      negatedLeft = 0;
      previous = null;
      continue;
    }
    tokens.push(token);
    const raw = correct ? correct(token) : token;
    const { negator, kept, terms } = memo ? memo.of(raw) : wordParts(raw);
    if (negator) {
      negatedLeft = NEGATION_SCOPE;
      previous = null;
      continue;
    }
    if (kept) add(words, kept);
    for (let k = 0; k < terms.length; k++) {
      const term = terms[k]!;
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
  const otherPlatforms = otherPlatformsNamed(text, tokens);
  if (otherPlatforms.length > 0) add(words, OTHER_PLATFORM, otherPlatforms.length);
  const signals = new Map<string, number>();
  for (const token of signalTokens) add(signals, token);
  return { words, signals, tokens, ...(otherPlatforms.length > 0 ? { otherPlatforms: [...new Set(otherPlatforms)] } : {}) };
}

/**
 * Each time `text` (its words as `tokens`) names another platform (OTHER_PLATFORMS, or Render written as a name:
 * RENDER_NAMED), that name; none when it also names Railway.
 */
function otherPlatformsNamed(text: string, tokens: readonly string[]): string[] {
  const named: string[] = [];
  for (const token of tokens) {
    if (RAILWAY_WORD.test(token)) return [];
    if (OTHER_PLATFORMS.has(token)) named.push(token);
  }
  named.push(...Array.from(text.matchAll(RENDER_NAMED), () => "render"));
  return named;
}

/** "railway.toml" counts as itself and as its parts; "no_cache" likewise. */
function splitCompound(raw: string): string[] {
  const cleaned = raw.replace(/['’]/g, "");
  if (!/[._/-]/.test(cleaned)) return [cleaned];
  const parts = cleaned.split(/[._/-]+/).filter((p) => p !== "");
  return [cleaned, ...parts];
}
