/** Knowledge-base and answer-engine types: what the loader produces and the engine returns. */
import type { Action, ActionKind } from "../reply.js";

/** An action a section offers. `<service>` in a label is filled in when the service is known. */
export interface KbAction {
  kind: ActionKind;
  label: string;
  style?: "primary" | "danger";
}

export interface Section {
  /** Stable id: the front-matter id for built-in sections, generated for team runbooks. */
  id: string;
  title: string;
  keywords: string[];
  /** The chat-sized answer: the exact steps, at most about 1,000 characters. */
  answer: string;
  /** Longer text behind "see more"; may be empty. */
  more: string;
  actions: KbAction[];
  /** "builtin" for content/kb, "team" for a RAILCACHE_KB_DIR runbook. */
  origin: "builtin" | "team";
  /** File the section came from, for problems and "source" lines. */
  file: string;
  /** Questions this section answers, as users write them: what the router learns from. */
  examples: string[];
  /** A built-in stand-in for what only the team knows: any team section that fits answers instead. */
  fallback?: boolean;
  /** `setup`: when Railway is connected, answer with the team's live setup (core/setup) instead of this text. */
  live?: "setup";
  /** Shown after this section when a question is answered from it alone (content/kb `next:`). */
  next?: string;
}

/** A file or line the loader could not use; the rest of the knowledge base still loads. */
export interface KbProblem {
  file: string;
  line: number;
  message: string;
}

export interface KnowledgeBase {
  sections: Section[];
  /** Near misses that must never be answered (off-topic examples and sections' negatives). */
  offTopic: string[];
  /**
   * Near misses the built-in runbook cannot answer but a team's runbook may (a worker killed for
   * memory, a cron job): never answered from a built-in section, no bar to a team section.
   */
  teamMayAnswer: string[];
  /** A team's runbooks' `negatives:`: never answered, and they count against the team's own sections too. */
  teamNegatives: string[];
  problems: KbProblem[];
}

/** One error signature the classifier recognised, with the log lines that showed it. */
export interface SignatureMatch {
  signature: SignatureId;
  /** Short human label, e.g. "Django FieldError (unknown field)". */
  label: string;
  /** What the error usually means: code older than the repo, or a schema older than the models. */
  cause: "stale_cache" | "missing_migration";
  /** Up to three matching lines, trimmed, in input order. */
  lines: string[];
}

export type SignatureId =
  | "field_error"
  | "import_error"
  | "no_installed_app"
  | "missing_model"
  | "app_label"
  | "undefined_column"
  | "undefined_relation"
  | "sqlite_missing"
  | "app_registry"
  | "prod_only_500";

export interface AnswerSignals {
  signatures: SignatureMatch[];
  /** Words of the message that the chosen section's examples share. */
  terms: string[];
}

export interface AnswerResult {
  matched: boolean;
  /** 0..1: how sure the engine is that `section` answers the text. */
  confidence: number;
  section: { id: string; title: string } | null;
  /** Chat-ready text (at most MAX_ANSWER_CHARS, 1,200 characters), mentions already neutralised. */
  answer: string;
  actions: Action[];
  signals?: AnswerSignals;
  /** Every section the answer shows, the best first (at most two). */
  sections: { id: string; title: string }[];
  /**
   * A refused question's best section, when the question missed the accept rule only just: named
   * in the reply and behind a "show_answer" button, not shown (near misses are rarely this close).
   */
  offered?: { id: string; title: string };
  /** Why the engine decided as it did (for `railcache ask --explain`). */
  explain: AnswerExplanation;
}

/** The router's view of one message: what `railcache ask --explain` prints. */
export interface AnswerExplanation {
  /** Best sections first (at most five), ranked by similarity + rankingWeight x the linear model's probability. */
  candidates: { id: string; score: number; probability: number }[];
  /** Similarity to the nearest off-topic examples. */
  offTopicScore: number;
  /** The linear model's best-section probability minus its near-miss probability (-1 to 1)... */
  linearMargin: number;
  /** ...and its weight in the accept rule's margin. */
  linearWeight: number;
  /** Weight of the linear model's probability beside the similarity when sections are ranked. */
  rankingWeight: number;
  /** Score the best section needs (a team section: teamThreshold), and how far it must lead the off-topic score. */
  threshold: number;
  teamThreshold: number;
  margin: number;
  /** The lower margin a refused question still reaches to be offered its best section (AnswerResult.offered). */
  closeMargin: number;
  /** Feature tokens the extracted signals added (error signatures, not-a-cache errors). */
  signalTokens: string[];
  /**
   * The examples (or paragraphs of section text) most like the message, most similar first: `id` is
   * their section or "near miss" (content/kb/off-topic.md, a team's `negatives:`), flagged `nearMiss`.
   * A close near miss is what usually refuses a question; a close example of another section, what sends it there.
   */
  nearest: { id: string; text: string; similarity: number; example: boolean; nearMiss: boolean }[];
  /** A team section led and cleared the rule but was refused (and offered): a near miss is at least as similar to the message. */
  nearMissCloser?: boolean;
  /** A recognised error that a stale cache does not cause, if any. */
  notCache?: string;
  /** Other platforms the message names, and not Railway (Heroku, Netlify...): they add the model's shared "another platform" feature. */
  otherPlatforms?: string[];
  /** The questions of a message that asks several things, each with the section it was answered from, in the order asked. */
  questions?: { text: string; section: string }[];
  /**
   * The section shown second and why: a question of the message asks it, it scores nearly as well as the first, the
   * first names it `next:`, or it is the message's best section and the first answers the message's opening question.
   */
  second?: { id: string; why: "asked" | "close" | "next" | "best" };
}

export interface AnswerOptions {
  /** Fills `<service>` in action labels and becomes the value of `clear` actions. */
  service?: string;
}

export interface AnswerEngine {
  /** Answers free chat text or a pasted log (any length; long input is truncated). */
  answer(text: string, options?: AnswerOptions): AnswerResult;
  section(id: string): Section | undefined;
  /** The answer from section `id` alone, as when a question is answered from it (undefined for an unknown id). */
  sectionAnswer(id: string, options?: AnswerOptions): AnswerResult | undefined;
  sections(): Section[];
  /** The accept rule fitted when the engine was built. */
  rule(): { threshold: number; margin: number };
}

/**
 * Where a built answer model may be kept between runs, keyed by a hash of the knowledge base it
 * was built from: building takes about a second at start-up, reading it back a few dozen
 * milliseconds. Either call may fail quietly; the engine then builds the model itself.
 */
export interface ModelCache {
  /** The stored model file's bytes (model-file.ts). */
  read(key: string): Uint8Array | undefined;
  write(key: string, model: Uint8Array): void;
}
